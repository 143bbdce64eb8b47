"""Running the Telegram bot: the application and its dispatcher, long polling and the webhook,
per-update middlewares, metrics, the failure reply, and aiogram's settings."""
