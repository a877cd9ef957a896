"""A part of a streaming answer's Markdown, and where the next part may begin.

Imported when the first answer is composed, not with the chat screen: it brings in Textual's
Markdown widget and its parser, and a new chat's first screen has no answer.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.widget import MountError, Widget
from textual.widgets import Markdown

PART_SIZE = 2000
"""Characters of the part being written after which a new part begins at the next block that may open one."""

PART_OPENERS = frozenset({"paragraph_open", "bullet_list_open", "ordered_list_open", "table_open", "hr"})
"""Top-level blocks a part may begin with: those Textual's Markdown gives no top margin, so that the
gap above the part is the bottom margin of the block before it, as it would be in one widget."""

_PARSER = MarkdownIt("gfm-like")
"""Textual's own parser flavour, so a table is a block here exactly when it is one on screen."""


def next_part_start(part: str, written: int) -> int | None:
    """Where in `part` (the text of the part being written, of which `written` characters are in its
    widget) a new part may begin: the last top-level block that may open a part, if it begins in what
    is not written yet; else None.

    The blocks before it are final: a top-level block that has begun closes every block above it.
    """
    tokens = _PARSER.parse(part)
    lines = [token.map[0] for token in tokens if token.level == 0 and token.map and token.type in PART_OPENERS]
    if not lines or lines[-1] == 0:
        return None
    start = 0
    for _ in range(lines[-1]):
        start = part.index("\n", start) + 1
    return start if start >= written else None


class AnswerPart(Markdown):
    """Markdown whose layout stays cached once it stops changing.

    Textual arranges a container whose children all have an auto height against the height of its
    own container: for a part, the answer's height, which grows at every append. Every block of
    every part would then be laid out again at each append. A first child of fixed (zero) height
    makes Textual arrange the part against a height of 0 instead, so a finished part is laid out
    once. Being first and empty, it adds no space: the first block's top margin stays the part's.
    """

    DEFAULT_CSS = """
    AnswerPart > .answer-part--fixed { height: 0; }
    """

    _folded_width: int | None = None
    """The width the part had when folded; None while it is not."""

    def compose(self) -> ComposeResult:
        yield Widget(classes="answer-part--fixed")

    def append(self, markdown: str) -> AwaitComplete:
        return AwaitComplete(self._append_while_shown(markdown))

    async def _append_while_shown(self, markdown: str) -> None:
        try:
            await super().append(markdown)
        except MountError:
            # The app quit while the stream's last append ran (it is shielded from the stream's
            # cancel): the part is gone, and so is anyone who could read the text.
            if self.is_attached:
                raise

    @property
    def folded(self) -> bool:
        return self._folded_width is not None

    def fold(self) -> None:
        """Become a blank of the same height, which Textual lays out without visiting the blocks.

        The blocks are hidden, not removed: they keep their styles and cached layout, so that
        unfolding costs little more than showing them again.
        """
        if not self.folded:
            self._folded_width = self.outer_size.width
            self.styles.height = self.outer_size.height
            for block in self.children:
                block.display = False

    def unfold(self) -> None:
        if self.folded:
            self._folded_width = None
            self.styles.height = "auto"
            for block in self.children:
                block.display = True

    def on_resize(self) -> None:
        # At another width the blocks would wrap to another height than the blank's.
        if self.folded and self.outer_size.width != self._folded_width:
            self.unfold()
