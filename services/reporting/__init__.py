"""Report settings and versions: who receives a commune's reports, how they are signed and
scheduled, its own sections, and the drafts leaders approve."""
