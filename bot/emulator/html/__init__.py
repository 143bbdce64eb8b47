"""Telegram's HTML parse mode as Telegram reads it: the lexer, the entities it yields and
text measured in UTF-16 code units."""
