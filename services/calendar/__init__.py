"""Working days and deadlines: the Vietnamese calendar (public holidays, lunar Tết, the
commune's own days) and the deadlines counted on it."""
