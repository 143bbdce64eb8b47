"""The statistics the reports show, computed in SQL: counts, durations in working days,
report periods, and the passes run side by side."""
