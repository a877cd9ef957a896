"""Making text safe to put on a terminal: what a model or a paste says is shown, never obeyed.

A model's answer, a pasted log or a file can carry terminal control sequences: colours and cursor
moves (CSI), a clipboard write (OSC 52), a disguised hyperlink (OSC 8), a window title, device
control strings (DCS). Written to the terminal as they are, they would run, not show. `neutralise`
removes every such sequence whole (payload included: an OSC 52 clipboard text is not left behind),
every other C0 control but newline and tab, DEL, and the C1 controls (U+0080-U+009F, which some
terminals also obey in their 8-bit forms). Everything else, all printable Unicode, emoji and CJK
included, stays exactly as it was.

An unterminated OSC or DCS loses only its introducer: the rest stays visible as plain text rather
than swallowing the answer after it, and without its ESC it can no longer reach the terminal.
"""

from __future__ import annotations

import re

_STRING_BODY = r"[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"
"""The payload of an OSC or DCS-like string and its end: BEL (which xterm accepts) or ST (ESC \\ or 0x9c)."""

# One pass: every match starts with one control character, so the engine scans plain text at the
# speed of a character-class search (about 2 ms per MB); what follows an ESC or an 8-bit introducer
# is consumed with it, chosen by a lookbehind on that first character.
_CONTROLS = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f]"
    r"(?:"
    # After ESC: OSC (titles, OSC 8 hyperlinks, OSC 52 clipboard writes); DCS, SOS, PM, APC;
    # CSI (colours, cursor moves); any other sequence (charset, keypad, reset), or the bare
    # introducer of an unterminated one.
    rf"(?<=\x1b)(?:\]{_STRING_BODY}|[PX^_]{_STRING_BODY}|\[[0-?]*[ -/]*[@-~]|[ -/]*[0-~])"
    # The 8-bit forms: OSC, then DCS/SOS/PM/APC, then CSI.
    rf"|(?<=\x9d){_STRING_BODY}"
    rf"|(?<=[\x90\x98\x9e\x9f]){_STRING_BODY}"
    r"|(?<=\x9b)[0-?]*[ -/]*[@-~]"
    r")?"
)


def neutralise(text: str) -> str:
    """`text` without terminal control sequences or control characters; newlines and tabs kept."""
    return _CONTROLS.sub("", text)
