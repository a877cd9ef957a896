"""The Textual side of ByteChat: screens, dialogs, widgets, themes, the keymap and palette commands.

Everything that imports Textual lives here (and in `bytechat_tui.app`); the core never imports it.
"""
