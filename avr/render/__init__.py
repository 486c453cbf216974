"""Render: computed results → Markdown, HTML and JSON through Jinja templates."""
