"""The build engine of `avr build` and `avr serve` (docs/utveckling: the build engine).

scan     avr.yaml's folders and every input file with its stat (the no-op check needs nothing else)
options  `avr build`'s option table, read by the typer command and by the no-op check
keys     what a plan folder and a report depend on: keys over content hashes
tasks    the one task: read, check and render plan folders (here or in forked workers)
output   the output folder: marker, lock, --clean, staging, atomic writes
engine   the manifest, the no-op check and the build
"""
