"""Telegram's UI pieces the handlers and the composers share: callback data, conversation
states, keyboards, labels, the staff card and the texts that show a case."""
