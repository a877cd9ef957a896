"""ByteChat TUI: a terminal chat client that sends each message to the cheapest capable bot."""

__version__ = "0.1.0"
