"""The staff desk in every channel: what staff do with a case (the Telegram group's buttons and
the web desk both call `actions`), who may, reminders, apologies, replies, calendar and roster."""
