"""The staff desk in a browser (issue 20): signing in and out, setting a password by a
one-time link, joining by an invitation, and the signed-in landing page. Every desk page
but these asks for a signed-in person and sends anyone else to /desk/login."""
