"""`/log`: staff record a case received on another channel (in person, phone, box, Zalo…),
step by step, and may answer it at once."""
