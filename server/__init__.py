"""One process of the product (`python -m bot`): the roles it runs — Telegram (polling or
webhook), the web and the scheduler — started together on one event loop, and stopped
together on SIGTERM."""
