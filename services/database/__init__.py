"""Database plumbing: URLs, engines and sessions for SQLite and PostgreSQL, the one-trip
SQLite driver, and the migrations every entry point applies first."""
