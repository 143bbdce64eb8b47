"""The domain: cases and their lifecycle, deadlines in Vietnamese working days, statistics and
reports' settings. Pure Python over a database session; it knows no channel."""
