"""An update's crash-safe path: stored in the inbox before it is acknowledged, run by the
update runner in one transaction with its conversation state, retried after a passing fault."""
