"""Finding the line of a table or key in the raw text of `config.toml`.

Every config error must name the line to fix, but tomllib returns plain dicts with no positions for
values, so the line is found again here by scanning the text. Kept apart from `config` because it
is a small TOML scanner of its own, not part of validating settings.
"""

from __future__ import annotations

import json
import re

_KEY_PART = re.compile(
    r"""[ \t]*(?:"(?P<basic>(?:[^"\\]|\\.)*)"|'(?P<literal>[^']*)'|(?P<bare>[A-Za-z0-9_-]+))[ \t]*"""
)


def _parse_key(text: str, position: int) -> tuple[tuple[str, ...], int] | None:
    """The dotted key starting at `position` (bare or quoted parts) and where it ends, or None."""
    parts: list[str] = []
    while (match := _KEY_PART.match(text, position)) is not None:
        if match["basic"] is not None:
            try:
                parts.append(json.loads(f'"{match["basic"]}"'))
            except ValueError:  # a TOML-only escape such as \e: near enough for finding a line
                parts.append(match["basic"])
        else:
            parts.append(match["literal"] if match["literal"] is not None else match["bare"])
        position = match.end()
        if not text.startswith(".", position):
            return tuple(parts), position
        position += 1
    return None


def locate(text: str, table: tuple[str, ...], key: str | None = None) -> int | None:
    """The line (1-based) defining `key` in `table`, else the first line defining the table, else None.

    A line scanner rather than a parser: tomllib gives no positions, and headers, dotted keys and
    one-line inline tables cover what people write in a config file.
    """
    target = table + (key,) if key is not None else table
    fallback: int | None = None
    current: tuple[str, ...] = ()
    open_string: str | None = None
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.strip()
        if open_string is not None:
            if open_string in stripped:
                open_string = None
            continue
        if stripped.startswith("["):
            parsed = _parse_key(stripped, 2 if stripped.startswith("[[") else 1)
            if parsed is None or not stripped.startswith("]", parsed[1]):
                continue  # a line of a multi-line array, not a header
            current = parsed[0]
            if current == target:
                return number
            if fallback is None and current[: len(table)] == table:
                fallback = number
            continue
        parsed = _parse_key(stripped, 0)
        if parsed is None or not stripped.startswith("=", parsed[1]):
            continue
        full = current + parsed[0]
        if full == target:
            return number
        # The table's first line; for an inline table, that line is also where its keys are.
        if fallback is None and full[: len(table)] == table:
            fallback = number
        value = stripped[parsed[1] + 1 :].lstrip()
        for quotes in ('"""', "'''"):
            if value.startswith(quotes) and value.count(quotes) == 1:
                open_string = quotes
    return fallback
