"""Widgets: each renders state it is given and posts small messages about what the user did."""
