"""People: residents as the channels know them, staff membership and authorisation, and the
invitations that make someone staff."""
