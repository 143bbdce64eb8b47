"""Copies of the database that can be put back: SQLite's online backup, PostgreSQL's tools,
and the nightly copies."""
