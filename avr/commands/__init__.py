"""What each CLI command does, as functions the CLI and tests call."""
