"""The outbox's Telegram side: the sender that drains queued notifications lane by lane, their
delivery within Telegram's limits, retries and parking, and the signal that wakes it."""
