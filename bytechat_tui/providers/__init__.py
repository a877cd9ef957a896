"""Talking to bots: one streaming client per wire protocol, all yielding the same typed events.

Protocol modules are imported lazily by `client.py`, so a session that only uses Anthropic never
pays for parsing Gemini. Nothing here knows about Textual.
"""
