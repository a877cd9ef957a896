"""Searching every message of every conversation (SQLite FTS5), as the person types.

What a person types is never passed to FTS5 as its query language (a stray `"`, `-` or `AND`
would be a syntax error or mean something else); it is read by these rules:

- words must all appear, in any order, as whole words (`unicode61`: case and accents ignored);
- `"a phrase"` must appear as it is, word after word;
- `word*` matches every word starting with `word`;
- the last word, while it is still being typed (no space after it), matches as a prefix too, so
  results follow each keystroke: `pyth` finds "python", `python ` only "python".

Results are ranked by FTS5's bm25, newest first among equals; each carries a snippet of its
message with the matches between `MARK_START` and `MARK_END`, which `Hit.parts` splits.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

MARK_START = "\x02"
MARK_END = "\x03"
"""Control characters: nobody types them, and what is shown of a message is stripped of them anyway."""
SNIPPET_TOKENS = 16

_TERMS = re.compile(r'"([^"]*)"?|(\S+)')


@dataclass(frozen=True, slots=True)
class Hit:
    conversation_id: int
    title: str
    message_id: int
    exchange: int
    """The `Exchange.id` the message belongs to: where the chat jumps to."""
    role: str
    created: float
    snippet: str

    def parts(self) -> list[tuple[str, bool]]:
        """The snippet as (text, is a match) pieces, in order."""
        pieces = re.split(f"({MARK_START}[^{MARK_END}]*{MARK_END})", self.snippet)
        return [(piece[1:-1], True) if piece.startswith(MARK_START) else (piece, False) for piece in pieces if piece]


def match_expression(query: str) -> str | None:
    """The FTS5 query for what a person typed (the rules above); None when it holds no word."""
    terms = []
    matches = list(_TERMS.finditer(query))
    for match in matches:
        phrase, word = match.group(1), match.group(2)
        text = phrase if phrase is not None else word
        prefix = word is not None and word.endswith("*")
        text = text.rstrip("*") if prefix else text
        if not re.search(r"\w", text):
            continue
        typing = word is not None and match is matches[-1] and match.end() == len(query)
        terms.append('"' + text.replace('"', '""') + '"' + ("*" if prefix or typing else ""))
    return " ".join(terms) or None


def search(connection: sqlite3.Connection, query: str, limit: int = 50) -> list[Hit]:
    expression = match_expression(query)
    if expression is None:
        return []
    rows = connection.execute(
        """SELECT m.conversation_id, c.title, m.id, m.exchange, m.role, m.created,
                  snippet(messages_fts, 0, ?, ?, '…', ?)
           FROM messages_fts
           JOIN messages m ON m.id = messages_fts.rowid
           JOIN conversations c ON c.id = m.conversation_id
           WHERE messages_fts MATCH ?
           ORDER BY rank, m.id DESC
           LIMIT ?""",
        (MARK_START, MARK_END, SNIPPET_TOKENS, expression, limit),
    ).fetchall()
    return [Hit(*row) for row in rows]
