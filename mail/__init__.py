"""E-mail: reports sent to the superior level over SMTP, queued like any notification."""
