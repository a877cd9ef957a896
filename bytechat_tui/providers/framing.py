"""Incremental decoders that turn a reply's raw byte chunks into SSE events or NDJSON lines.

The network cuts a stream wherever it likes: inside a UTF-8 character, between `\\r` and `\\n`,
in the middle of a `data:` line. Both decoders therefore keep what is incomplete and give back only
what is whole, so the result never depends on where the chunks were split. They work on whole
lines with `str` methods (no per-character loop): parsing must keep up with tens of thousands of
events a second without showing in the time to first token.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from bytechat_tui.providers.errors import ErrorKind, ProviderError

_BOM = "\ufeff"


@dataclass(frozen=True, slots=True)
class SseEvent:
    event: str | None
    """The `event:` field (Anthropic sends one per event); None when the server sent none."""
    data: str
    """The `data:` lines joined with `\\n`."""


class _LineSplitter:
    """Whole lines of text from byte chunks, whatever the line end (`\\n`, `\\r\\n` or `\\r`)."""

    __slots__ = ("_decoder", "_partial", "_skip_lf", "_started")

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self._partial = ""
        """The start of a line whose end has not arrived yet."""
        self._skip_lf = False
        """The last chunk ended with `\\r`: a `\\n` opening the next one belongs to that line end."""
        self._started = False

    def feed(self, chunk: bytes) -> list[str]:
        return self._split(self._decode(chunk, final=False))

    def close(self) -> list[str]:
        """The last lines, including one that the stream ended without terminating."""
        lines = self._split(self._decode(b"", final=True))
        if self._partial:
            lines.append(self._partial)
            self._partial = ""
        return lines

    def _decode(self, chunk: bytes, *, final: bool) -> str:
        try:
            text = self._decoder.decode(chunk, final)
        except UnicodeDecodeError as error:
            raise ProviderError(
                ErrorKind.PROTOCOL,
                f"the reply is not valid UTF-8 text ({error.reason} at byte {error.start} of a chunk), so it "
                "cannot be read; check that the bot's base_url points at the provider's API",
            ) from None
        if not self._started and text:
            self._started = True
            text = text.removeprefix(_BOM)
        return text

    def _split(self, text: str) -> list[str]:
        if not text:
            return []
        if self._skip_lf:
            self._skip_lf = False
            if text[0] == "\n":
                text = text[1:]
        if "\r" in text:
            if text[-1] == "\r":
                self._skip_lf = True
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        if "\n" not in text:
            self._partial += text
            return []
        lines = text.split("\n")
        if self._partial:
            lines[0] = self._partial + lines[0]
        self._partial = lines.pop()
        return lines


class SseDecoder:
    """Server-sent events, as the WHATWG spec parses them (comments, multi-line data, no id/retry)."""

    __slots__ = ("_lines", "_event", "_data")

    def __init__(self) -> None:
        self._lines = _LineSplitter()
        self._event: str | None = None
        self._data: list[str] = []

    def feed(self, chunk: bytes) -> list[SseEvent]:
        return self._parse(self._lines.feed(chunk))

    def close(self) -> list[SseEvent]:
        """Events still owed at EOF: a server may end without the blank line after its last event."""
        events = self._parse(self._lines.close())
        return events + self._parse([""])

    def _parse(self, lines: list[str]) -> list[SseEvent]:
        events: list[SseEvent] = []
        for line in lines:
            if not line:
                if self._data:
                    events.append(SseEvent(self._event, "\n".join(self._data)))
                    self._data = []
                self._event = None
                continue
            if line[0] == ":":
                continue
            name, colon, value = line.partition(":")
            if colon and value[:1] == " ":
                value = value[1:]
            if name == "data":
                self._data.append(value)
            elif name == "event":
                self._event = value or None
        return events


class NdjsonDecoder:
    """Newline-delimited JSON (Ollama): one text line per JSON value, blank lines skipped."""

    __slots__ = ("_lines",)

    def __init__(self) -> None:
        self._lines = _LineSplitter()

    def feed(self, chunk: bytes) -> list[str]:
        return [line for line in self._lines.feed(chunk) if line.strip()]

    def close(self) -> list[str]:
        return [line for line in self._lines.close() if line.strip()]
