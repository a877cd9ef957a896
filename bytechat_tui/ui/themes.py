"""Themes are data: `themes/*.toml` shipped with the app, plus the user's `<config dir>/themes/*.toml`.

Each file holds Textual's `Theme` arguments (`name`, `primary`, `dark`, ...) and a `[variables]`
table for our own variables (`savings`). Every file is validated before it becomes a `Theme`; a file
that fails is skipped and its problem collected, so the app starts with the good themes and shows
all the bad ones in one notice. A user theme with a shipped theme's name replaces it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from textual.color import Color, ColorParseError
from textual.theme import Theme

from bytechat_tui import locations
from bytechat_tui.config import did_you_mean

APP_VARIABLES: dict[str, str] = {"savings": "$success"}
"""Our own CSS variables with their fallbacks, for a theme whose `[variables]` leaves them out."""

_THEME_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
"""Textual makes a CSS class of the name (`-theme-<name>`), and the palette shows it."""
_COLOURS = ("primary", "secondary", "warning", "error", "success", "accent", "foreground", "background", "surface", "panel", "boost")
_NUMBERS = ("luminosity_spread", "text_alpha")
_SETTINGS = tuple(field.name for field in fields(Theme))
MAX_THEME_BYTES = 64 * 1024
"""A theme is a few lines; anything bigger is not one, and is not read whole."""


class ThemeError(ValueError):
    """One file's problem, as a sentence without the file name (the caller adds it)."""


@dataclass(frozen=True, slots=True)
class LoadedThemes:
    themes: list[Theme]
    """Shipped themes first, then the user's, each name once (the user's wins)."""
    problems: list[str]
    """One line per skipped file: "<path>: <problem>"."""

    def notice(self) -> str | None:
        """All the problems as the one notice the app shows, or None when every file was good."""
        if not self.problems:
            return None
        count = len(self.problems)
        head = "A theme file was skipped:" if count == 1 else f"{count} theme files were skipped:"
        return "\n".join([head, *(f"• {problem}" for problem in self.problems)])


def shipped_theme_files() -> list[Path]:
    """`bytechat_tui/themes/*.toml` in a wheel; the repository's `themes/` in an editable install.

    Plain paths, not `importlib.resources`: pip never installs the package zipped, and the resources
    machinery costs more at start-up than reading every theme."""
    package = Path(__file__).resolve().parents[1]
    for folder in (package / "themes", package.parent / "themes"):
        if folder.is_dir():
            return sorted(folder.glob("*.toml"))
    return []


def user_theme_dir() -> Path:
    return locations.config_dir() / "themes"


def load_themes(user_dir: Path | None = None) -> LoadedThemes:
    """Every shipped and user theme that is valid, and a problem line for every file that is not."""
    user_dir = user_theme_dir() if user_dir is None else user_dir
    themes: dict[str, Theme] = {}
    problems: list[str] = []
    user_files: list[Path] = []
    try:
        user_files = sorted(user_dir.glob("*.toml")) if user_dir.is_dir() else []
    except OSError as error:
        problems.append(f"{user_dir}: cannot be read ({error.strerror or error}).")
    sources = [*((source, shipped_theme) for source in shipped_theme_files()), *((source, parse_theme) for source in user_files)]
    for source, parse in sources:
        try:
            theme = parse(_read(source))
        except ThemeError as error:
            problems.append(f"{source}: {error}")
            continue
        themes[theme.name] = theme
    return LoadedThemes(list(themes.values()), problems)


def _read(source: Path) -> str:
    try:
        with source.open("rb") as file:
            raw = file.read(MAX_THEME_BYTES + 1)
    except OSError as error:
        raise ThemeError(f"cannot be read ({error.strerror or error}).") from None
    if len(raw) > MAX_THEME_BYTES:
        raise ThemeError(f"is larger than {MAX_THEME_BYTES // 1024} KiB, so it is not a theme.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ThemeError("is not UTF-8 text; save it as UTF-8.") from None


def shipped_theme(text: str) -> Theme:
    """A theme file we ship: the test suite holds every one to `parse_theme`, so a start does not
    check their colours again (that would cost more than the rest of loading the themes)."""
    try:
        return Theme(**tomllib.loads(text))
    except (tomllib.TOMLDecodeError, TypeError) as error:
        raise ThemeError(f"is not a theme Textual can use ({error}).") from None


def parse_theme(text: str) -> Theme:
    """A `Theme` from a theme file's text, or a `ThemeError` naming the first problem and its fix."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ThemeError(f"is not valid TOML ({error}).") from None
    for key in data:
        if key not in _SETTINGS:
            raise ThemeError(
                f'has an unknown setting "{key}"{did_you_mean(key, _SETTINGS)}; '
                'colours of your own go in a [variables] table.'
            )
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ThemeError('has no name; add a line such as name = "my-theme".')
    if not _THEME_NAME.fullmatch(name):
        raise ThemeError(
            f'has name = "{name}"; a theme name is letters, digits, "-" and "_", such as "my-theme".'
        )
    if "primary" not in data:
        raise ThemeError('has no primary colour; add a line such as primary = "#7AA2F7".')
    for key in _COLOURS:
        if key in data:
            _check_colour(key, data[key])
    if not isinstance(data.get("dark", True), bool):
        raise ThemeError("has dark set to something other than true or false.")
    for key in _NUMBERS:
        value = data.get(key, 0.5)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise ThemeError(f"has {key} = {value!r}; it must be a number between 0 and 1.")
    variables = data.get("variables", {})
    if not isinstance(variables, dict):
        raise ThemeError("has variables that are not a table; write them under a [variables] line.")
    for key, value in variables.items():
        if not isinstance(value, str):
            raise ThemeError(f'has [variables] {key} that is not text in quotes, such as "#9ECE6A".')
    for key in APP_VARIABLES:
        if key in variables:
            _check_colour(f"[variables] {key}", variables[key])
    try:
        theme = Theme(**data)
        theme.to_color_system().generate()
    except (TypeError, ValueError, ColorParseError) as error:
        raise ThemeError(f"is not a theme Textual can use ({error}).") from None
    return theme


def _check_colour(key: str, value: object) -> None:
    if not isinstance(value, str):
        raise ThemeError(f'has {key} that is not a colour in quotes, such as "#7AA2F7".')
    try:
        Color.parse(value)
    except ColorParseError:
        raise ThemeError(f'has {key} = "{value}", which is not a colour (use "#RRGGBB").') from None
