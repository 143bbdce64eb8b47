"""The residents' pages: choosing the commune, the form, the case's own page and its
actions, and finding a case again by its code and phone."""
