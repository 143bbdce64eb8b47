"""`python -m bot --sandbox`: the whole bot in a browser, without Telegram or a token.

The real bot (handlers, services, outbox, scheduled jobs) runs against the built-in Bot API
emulator (bot/emulator) on 127.0.0.1, with a fresh SQLite database in a temporary directory
that is deleted when the sandbox stops: production data (DATABASE_URL, .env) is never read
or written, and nothing is sent to api.telegram.org."""
