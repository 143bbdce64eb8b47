"""The installation's settings (environment and `.env`) and the application context every
entry point builds once and hands down: settings, sessions, deadline policy, clock."""
