"""The staff desk: buttons on the card, commands, and text typed after a button."""
