"""Staff in Telegram: linking the staff group, invitations, and an admin's staff list."""
