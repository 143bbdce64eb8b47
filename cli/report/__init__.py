"""`pakn report …`: building reports, and a commune's report settings, sections and versions."""
