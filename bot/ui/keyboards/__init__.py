"""Keyboards: the resident's menu and flow buttons, the staff lists, and the /log flow."""
