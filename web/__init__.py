"""The web channel: the residents' pages (any phone's browser, no app, no account), served
by FastAPI and Jinja2 as plain HTML that works with JavaScript off. Same services, same
cases, deadlines and reports as Telegram; this package only parses, calls and renders."""
