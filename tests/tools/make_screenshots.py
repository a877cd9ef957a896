"""Generate the README's screenshots from a headless run of the demo room, as SVG and PNG.

    python tests/tools/make_screenshots.py [--out screenshots] [--size 120x36]

The app runs with Pilot (`run_test`), as Harlequin makes its own: the real `ByteChatApp` in the
demo room, its answers streamed by the demo's loopback server through the real client (unpaced,
so the run takes seconds), in throw-away config and data dirs with no keyring. Each view is saved
with `App.save_screenshot` and converted to PNG with `rsvg-convert` (Debian: librsvg2-bin; install
fonts-firacode too, or the PNGs fall back to another monospace font). Without rsvg-convert the
SVGs are still written and the script says so. What each file shows: screenshots/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))


PROMPTS = ("hello there", "prove in detail that the square root of 2 is irrational")
"""Two short answers from two different bots, so two routing lines fit one screen."""


async def capture(out: Path, size: tuple[int, int]) -> list[Path]:
    """Run the demo headless and save each view of SHOTS as `out/<name>.svg`."""
    import keyring
    from keyring.backends import fail
    from textual.pilot import Pilot
    from textual.widgets import TextArea

    from bytechat_tui.app import ByteChatApp
    from bytechat_tui.conversation import ENDED
    from bytechat_tui.demo import DemoServer
    from bytechat_tui.ui.screens.chat import ChatScreen

    keyring.set_keyring(fail.Keyring())  # never a person's real keyring
    app = ByteChatApp(demo=True, demo_server=DemoServer(tokens_per_second=math.inf))
    saved: list[Path] = []

    async def until(pilot: Pilot[None], condition: Callable[[], object], what: str) -> None:
        for _ in range(3000):
            if condition():
                await pilot.pause()
                return
            await pilot.pause(0.01)
        raise RuntimeError(f"the demo never {what}")

    def chat() -> ChatScreen:
        assert isinstance(app.screen, ChatScreen), app.screen
        return app.screen

    def settled(count: int) -> Callable[[], bool]:
        def check() -> bool:
            exchanges = chat().conversation.exchanges
            return (
                len(exchanges) >= count
                and all(exchange.state in ENDED for exchange in exchanges)
                and all(answer.up_to_date for answer in chat().chat_log.answers)
            )

        return check

    async def shoot(pilot: Pilot[None], name: str) -> None:
        app.clear_notifications()
        for area in app.screen.query(TextArea):
            area.cursor_blink = False
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        saved.append(Path(app.save_screenshot(filename=f"{name}.svg", path=str(out))))

    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ChatScreen), "opened the chat")
        app.theme = "bytechat-dark"
        for count, prompt in enumerate(PROMPTS, 1):
            chat().prompt.insert(prompt)
            await pilot.press("enter")
            await until(pilot, settled(count), f"answered {prompt!r}")
        await shoot(pilot, "chat-dark")

        await pilot.press("escape")  # leave the input: the latest answer takes the keys
        await pilot.press("w")
        await until(pilot, lambda: chat().chat_log.answers[-1].why_open, "opened the why panel")
        await shoot(pilot, "why-panel")
        await pilot.press("w")

        await pilot.press("r")
        await until(pilot, settled(len(PROMPTS) + 1), "answered the escalation")
        await shoot(pilot, "escalation")

        await pilot.press("ctrl+r")
        await pilot.pause(0.3)  # the key check runs in a thread
        await shoot(pilot, "room-panel")
        await pilot.press("ctrl+r")

        await app.run_action("screen.new_chat")
        for count, prompt in enumerate(PROMPTS, 1):
            chat().prompt.insert(prompt)
            await pilot.press("enter")
            await until(pilot, settled(count), f"answered {prompt!r}")
        app.theme = "bytechat-light"
        await shoot(pilot, "chat-light")
    return saved


_TEXT = re.compile(r'(<text [^>]*?x=")([\d.]+)("[^>]*?textLength=")([\d.]+)("[^>]*>)([^<]*)(</text>)')
_NBSP = "&#160;"


def _for_rsvg(svg: str) -> str:
    """The SVG with the spaces at either end of each text run turned into a shift of the run.

    Rich writes spaces as `&#160;` and sizes each run with `textLength`; librsvg trims no-break
    spaces at a run's ends and stretches what is left over the length, so "saved $1 vs" would
    become "saved $1vs" in the PNG. Browsers show the SVG as written.
    """

    def trimmed(match: re.Match[str]) -> str:
        head, x, middle, length, rest, text, tail = match.groups()
        cells = len(html.unescape(text))
        if not cells:
            return match.group(0)
        cell = float(length) / cells
        core, lead = text, 0
        while core.startswith(_NBSP):
            core, lead = core[len(_NBSP) :], lead + 1
        trail = 0
        while core.endswith(_NBSP):
            core, trail = core[: -len(_NBSP)], trail + 1
        if not core:
            return match.group(0)
        shifted = float(x) + lead * cell
        kept = float(length) - (lead + trail) * cell
        return f"{head}{shifted:g}{middle}{kept:g}{rest}{core}{tail}"

    return _TEXT.sub(trimmed, svg)


def to_png(svg: Path) -> Path:
    png = svg.with_suffix(".png")
    with tempfile.NamedTemporaryFile("w", suffix=".svg", encoding="utf-8") as fixed:
        fixed.write(_for_rsvg(svg.read_text(encoding="utf-8")))
        fixed.flush()
        subprocess.run(["rsvg-convert", "--format", "png", "--output", str(png), fixed.name], check=True)
    return png


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "screenshots")
    parser.add_argument("--size", default="120x36", help="terminal columns x rows (default 120x36)")
    args = parser.parse_args()
    width, height = (int(part) for part in args.size.split("x"))
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        # Throw-away dirs: no config, remembered theme or prompt history of the person running this.
        os.environ.update(
            BYTECHAT_CONFIG_DIR=str(Path(scratch) / "config"),
            BYTECHAT_DATA_DIR=str(Path(scratch) / "data"),
            BYTECHAT_OFFLINE="1",
        )
        svgs = asyncio.run(capture(args.out, (width, height)))
    for svg in svgs:
        print(f"wrote {svg.relative_to(REPO) if svg.is_relative_to(REPO) else svg}")
    if shutil.which("rsvg-convert") is None:
        print(
            "rsvg-convert is not installed, so no PNGs were made; install it (Debian/Ubuntu: "
            "apt-get install librsvg2-bin fonts-firacode) and run this again",
            file=sys.stderr,
        )
        return 1
    for svg in svgs:
        png = to_png(svg)
        print(f"wrote {png.relative_to(REPO) if png.is_relative_to(REPO) else png}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
