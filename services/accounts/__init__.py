"""Signing in to the staff desk: the person behind one or more staff memberships (login,
password, optional TOTP), sign-in with slow-downs after failures, browser sessions kept in
the database, one-time links that set a password, and invitations redeemed on the web."""
