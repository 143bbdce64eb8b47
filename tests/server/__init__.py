"""A process as `python -m bot` runs it: its roles, started and stopped together."""
