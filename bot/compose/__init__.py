"""Composing: an outbox notification (a receipt, a card, a reminder, a report draft…) turned
into the Telegram messages that carry it; one module per family of notifications, and
`dispatch.compose` to pick the composer of a notification's kind."""
