"""Communes: the official administrative units, registering communes (one or a whole
province), their villages and categories, and finding one by name."""
