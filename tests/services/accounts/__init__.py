"""Signing in to the staff desk, on a real database."""
