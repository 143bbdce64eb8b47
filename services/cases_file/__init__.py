"""The cases file (docs/cases-file.md): a commune's cases exported to .xlsx or CSV, and
imported back from it or from last year's register."""
