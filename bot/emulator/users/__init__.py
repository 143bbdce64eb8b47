"""The people in the fake: users who write, tap and send files, the group chat they share,
and what they see of the bot's messages and keyboards."""
