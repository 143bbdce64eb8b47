"""The test suite; it mirrors the packages where a test belongs to one (tests/services/cases
tests services/cases), and keeps the journeys through the whole bot in tests/e2e."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the repository
