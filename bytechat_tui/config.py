"""The user's `config.toml`: read once, validated whole, returned as frozen dataclasses, never written.

Every mistake a person can make in the file becomes one `ConfigError` sentence naming the file, the
line and the fix, because a traceback or a silently ignored typo in a price would cost real money.
Only the standard library is imported here: the CLI reads the config before it starts anything else.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from bytechat_tui import locations
from bytechat_tui.config_lines import locate
from bytechat_tui.errors import UserError
from bytechat_tui.pricing.catalog import TAGS
from bytechat_tui.vendors import KEY_NAME_PATTERN, MAX_KEY_NAME_LENGTH, VENDORS

DEFAULT_THEME = "bytechat-dark"


class ConfigError(UserError):
    """A problem in the config file; the message names the file and, where it can, the line."""


@dataclass(frozen=True, slots=True)
class ModelOverride:
    """Catalog facts a user replaces, per model id (`[models."id"]`) or per bot; None keeps the fact."""

    tier: int | None = None
    price_in: float | None = None
    """US dollars per million tokens, like every price here."""
    price_out: float | None = None
    price_cache_read: float | None = None
    price_cache_write: float | None = None
    long_context_threshold: int | None = None
    price_in_long: float | None = None
    price_out_long: float | None = None
    price_cache_read_long: float | None = None
    price_cache_write_long: float | None = None
    context_window: int | None = None
    max_output: int | None = None
    tags: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class BotConfig:
    name: str
    provider: str
    """A key of `bytechat_tui.vendors.VENDORS`."""
    model: str
    base_url: str | None = None
    """None means the provider's own endpoint."""
    display_name: str | None = None
    key: str | None = None
    """The keyring entry to use (its name, never the key itself); None means the provider's."""
    enabled: bool = True
    allow_http: bool = False
    """Permits plain http:// to a host that is not on this machine or the local network."""
    overrides: ModelOverride = field(default_factory=ModelOverride)
    """This bot's own facts; they win over `[models."id"]` and the catalog."""


@dataclass(frozen=True, slots=True)
class RoomConfig:
    name: str
    bots: tuple[str, ...]
    """Names of `[bots.*]` tables, each checked to exist."""
    failover: bool = True


@dataclass(frozen=True, slots=True)
class RoutingConfig:
    """The `[routing]` table: settings of the router itself."""

    escalation_floor_turns: int = 3
    """After an escalation, how many turns keep the escalated tier as a floor."""
    strongest_share: float | None = None
    """The thrift ↔ quality dial: the share of messages the room's strongest tier should get
    (calibrated on the dev prompts, so 0.2 means one message in five whatever the room); None
    keeps the fitted thresholds."""


@dataclass(frozen=True, slots=True)
class Config:
    path: Path
    exists: bool = False
    """False when there is no file: every setting is then its default."""
    default_room: str | None = None
    theme: str = DEFAULT_THEME
    rooms: dict[str, RoomConfig] = field(default_factory=dict)
    bots: dict[str, BotConfig] = field(default_factory=dict)
    models: dict[str, ModelOverride] = field(default_factory=dict)
    keybindings: dict[str, str] = field(default_factory=dict)
    """Binding id -> key, e.g. {"escalate": "ctrl+r"}."""
    routing: RoutingConfig = field(default_factory=RoutingConfig)
    source: str = field(default="", repr=False, compare=False)
    """The file's text, kept so checks made after loading can still name a line."""

    def error(self, table: tuple[str, ...], key: str | None, problem: str) -> ConfigError:
        """A `ConfigError` pointing at `key` of `table`, for problems only found when rooms are built."""
        return ConfigError(_message(self.path, locate(self.source, table, key), problem))


def load_config(path: Path | None = None) -> Config:
    """Read and validate the config file (default: `locations.config_file()`); a missing file is fine."""
    path = locations.config_file() if path is None else path
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Config(path=path)
    except OSError as error:
        raise ConfigError(f"{path}: cannot be read ({error.strerror or error}).") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ConfigError(_message(path, line, "this is not UTF-8 text; save the file as UTF-8.")) from None
    try:
        document = tomllib.loads(text)
        return _Parser(path, text, document).config()
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(_syntax_message(path, text, error)) from None
    except RecursionError:
        raise ConfigError(f"{path}: values are nested too deeply to be a config file.") from None


_SYNTAX_POSITION = re.compile(
    r"(?s)(?P<what>.*) \(at (?:line (?P<line>\d+), column (?P<column>\d+)|end of document)\)"
)


def _syntax_message(path: Path, text: str, error: tomllib.TOMLDecodeError) -> str:
    """tomllib's message in our shape; it names the position but never the text, so no secret leaks."""
    match = _SYNTAX_POSITION.fullmatch(str(error))
    if match is None:
        return f"{path}: this is not valid TOML ({error})."
    what = match["what"][:1].lower() + match["what"][1:]
    if match["line"] is None:
        last_line = text.rstrip().count("\n") + 1
        return _message(path, last_line, f"this is not valid TOML: {what} at the end of the file.")
    return _message(path, int(match["line"]), f"this is not valid TOML: {what} at column {match['column']}.")


def _message(path: Path, line: int | None, problem: str) -> str:
    return f"{path}, line {line}: {problem}" if line else f"{path}: {problem}"


# --- Validation -------------------------------------------------------------------------------------

_SECRET_NAME = re.compile(r"(?i)((api|access|private)[-_]?key|secret|token|password|passwd)$")
_SECRET_VALUE = re.compile(r"(sk-|sk_|gsk_|xai-|AIza)[A-Za-z0-9_\-]{16,}")
_BOT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")

_TOP_KEYS = ("default_room", "theme", "rooms", "bots", "models", "keybindings", "routing")
_OVERRIDE_KEYS = tuple(ModelOverride.__dataclass_fields__)
_BOT_KEYS = ("provider", "model", "base_url", "display_name", "key", "enabled", "allow_http", *_OVERRIDE_KEYS)
_ROOM_KEYS = ("bots", "failover")
_ROUTING_KEYS = tuple(RoutingConfig.__dataclass_fields__)


def did_you_mean(word: str, choices: tuple[str, ...] | list[str]) -> str:
    """` (did you mean "x"?)` for the closest choice, or nothing: for messages about a typo."""
    import difflib  # only a file with a mistake pays for it

    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


def _holds_secret_value(value: object) -> bool:
    if isinstance(value, str):
        return _SECRET_VALUE.search(value) is not None
    return isinstance(value, list) and any(_holds_secret_value(item) for item in value)


_KINDS = ((bool, "true/false"), (int, "a whole number"), (float, "a number"), (str, "text"), (list, "a list"))


def _kind(value: object) -> str:
    """How a person would call a TOML value's type (bool first: to Python it is an int)."""
    kinds = (name for kind, name in _KINDS if isinstance(value, kind))
    return next(kinds, "a table" if isinstance(value, dict) else "a date or time")


def _describe(table: tuple[str, ...]) -> str:
    """Names a table as the messages speak of it: `bot "mini"`, `room "main"`, `[routing]`."""
    if not table:
        return "the file"
    if len(table) == 2 and table[0] in ("bots", "rooms"):
        return f'{table[0][:-1]} "{table[1]}"'
    if len(table) == 2 and table[0] == "models":
        return f'[models."{table[1]}"]'
    return "[" + ".".join(table) + "]"


class _Table:
    """One table of the document, read key by key; each getter checks type and range as it reads."""

    def __init__(
        self, parser: _Parser, table: tuple[str, ...], data: object, allowed: tuple[str, ...] | None
    ) -> None:
        """`allowed` None accepts any key (keybindings: ids belong to the UI, not to this module)."""
        self.parser = parser
        self.table = table
        self.where = _describe(table)
        if not isinstance(data, dict):
            raise parser.error(table[:-1], table[-1], f"{self.where} must be a table, not {_kind(data)}.")
        self.data: dict[str, object] = data
        for key in data if allowed is not None else ():
            if key not in allowed:
                raise self.error(
                    key,
                    f'{self.where} has an unknown setting "{key}"{did_you_mean(key, allowed)}; '
                    f"the settings there are {', '.join(allowed)}.",
                )

    def error(self, key: str | None, problem: str) -> ConfigError:
        return self.parser.error(self.table, key, problem)

    def _typed(self, key: str, types: tuple[type, ...], expected: str) -> object:
        value = self.data.get(key)
        # true/false is an int to Python but not to a person writing TOML.
        if value is not None and (isinstance(value, bool) != (bool in types) or not isinstance(value, types)):
            raise self.error(key, f"{self.where} has {key} as {_kind(value)}; expected {expected}.")
        return value

    def text(self, key: str) -> str | None:
        value = self._typed(key, (str,), "text in quotes")
        if isinstance(value, str) and not value.strip():
            raise self.error(key, f"{self.where} has an empty {key}.")
        return value if isinstance(value, str) else None

    def required_text(self, key: str) -> str:
        value = self.text(key)
        if value is None:
            raise self.error(None, f'{self.where} has no {key}; add a line such as {key} = "...".')
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self._typed(key, (bool,), "true or false")
        return default if value is None else value is True

    def whole(self, key: str, low: int, high: int | None = None) -> int | None:
        value = self._typed(key, (int,), "a whole number")
        if not isinstance(value, int):
            return None
        if value < low or (high is not None and value > high):
            bound = f"between {low} and {high}" if high is not None else f"at least {low}"
            raise self.error(key, f"{self.where} has {key} = {value}; it must be {bound}.")
        return value

    def share(self, key: str) -> float | None:
        value = self._typed(key, (int, float), "a share between 0 and 1, e.g. 0.2")
        if not isinstance(value, (int, float)):
            return None
        if not (math.isfinite(value) and 0 < value < 1):
            raise self.error(key, f"{self.where} has {key} = {value}; it must be a share between 0 and 1, e.g. 0.2.")
        return float(value)

    def price(self, key: str) -> float | None:
        value = self._typed(key, (int, float), "a number of US dollars per million tokens")
        if not isinstance(value, (int, float)):
            return None
        if not (math.isfinite(value) and value >= 0):
            raise self.error(key, f"{self.where} has {key} = {value}; a price must be a number >= 0.")
        return float(value)

    def texts(self, key: str) -> tuple[str, ...] | None:
        value = self._typed(key, (list,), "a list of names in quotes")
        if not isinstance(value, list):
            return None
        for item in value:
            if not isinstance(item, str):
                problem = f"{self.where} has {key} holding {_kind(item)}; expected names in quotes."
                raise self.error(key, problem)
        return tuple(value)


class _Parser:
    """Turns the parsed document into a `Config`, raising at the first problem with its line."""

    def __init__(self, path: Path, text: str, document: dict[str, object]) -> None:
        self.path = path
        self.text = text
        self.document = document

    def error(self, table: tuple[str, ...], key: str | None, problem: str) -> ConfigError:
        return ConfigError(_message(self.path, locate(self.text, table, key), problem))

    def config(self) -> Config:
        self.refuse_secrets(self.document, ())
        top = _Table(self, (), self.document, _TOP_KEYS)
        bots = {name: self.bot(name, data) for name, data in self.subtables(top, "bots").items()}
        models = {
            model: self.overrides(_Table(self, ("models", model), data, _OVERRIDE_KEYS))
            for model, data in self.subtables(top, "models").items()
        }
        rooms = {name: self.room(name, data, bots) for name, data in self.subtables(top, "rooms").items()}
        default_room = top.text("default_room")
        if default_room is not None and default_room not in rooms:
            known = f"the rooms are {', '.join(rooms)}" if rooms else "the file defines no [rooms.*] table"
            raise top.error(
                "default_room",
                f'default_room is "{default_room}"{did_you_mean(default_room, list(rooms))}, '
                f"but no such room is defined; {known}.",
            )
        keybindings = _Table(self, ("keybindings",), top.data.get("keybindings", {}), None)
        routing = _Table(self, ("routing",), top.data.get("routing", {}), _ROUTING_KEYS)
        floor = routing.whole("escalation_floor_turns", 0, 100)
        share = routing.share("strongest_share")
        return Config(
            path=self.path,
            exists=True,
            default_room=default_room,
            theme=top.text("theme") or DEFAULT_THEME,
            rooms=rooms,
            bots=bots,
            models=models,
            keybindings={binding: keybindings.required_text(binding) for binding in keybindings.data},
            routing=RoutingConfig(
                escalation_floor_turns=RoutingConfig().escalation_floor_turns if floor is None else floor,
                strongest_share=share,
            ),
            source=self.text,
        )

    def subtables(self, top: _Table, name: str) -> dict[str, object]:
        """`[bots.*]`, `[rooms.*]` or `[models.*]`: a table of tables."""
        value = top.data.get(name, {})
        if not isinstance(value, dict):
            raise top.error(name, f"{name} must be a table such as [{name}.example], not {_kind(value)}.")
        return value

    def refuse_secrets(self, value: object, table: tuple[str, ...]) -> None:
        """Stop at anything that looks like an API key, saying where it is but never what it is."""
        if isinstance(value, list):
            for item in value:
                self.refuse_secrets(item, table)
            return
        if not isinstance(value, dict):
            return
        for key, item in value.items():
            if _SECRET_VALUE.search(key):
                what = "a name that looks like an API key"
            elif _SECRET_NAME.search(key):
                what = f'a setting named "{key}"'
            elif _holds_secret_value(item):
                what = "a value that looks like an API key"
            else:
                self.refuse_secrets(item, table + (key,))
                continue
            raise self.error(
                table,
                key,
                f"{_describe(table)} holds {what}, and keys never belong in the config file; delete it and "
                f'run "bytechat keys set {self.key_name_for(table)}" to keep the key in the OS keyring.',
            )

    def key_name_for(self, table: tuple[str, ...]) -> str:
        """The keyring entry a secret was meant for: its bot's own key name, else its provider."""
        bots = self.document.get("bots")
        bot = bots.get(table[1]) if isinstance(bots, dict) and table[:1] == ("bots",) and table[1:] else None
        if not isinstance(bot, dict):
            return "PROVIDER"
        key, provider = bot.get("key"), bot.get("provider")
        if isinstance(key, str) and KEY_NAME_PATTERN.fullmatch(key) and not _SECRET_VALUE.search(key):
            return key
        return provider if isinstance(provider, str) and provider in VENDORS else "PROVIDER"

    def bot(self, name: str, data: object) -> BotConfig:
        reader = _Table(self, ("bots", name), data, _BOT_KEYS)
        if not _BOT_NAME.fullmatch(name):
            raise reader.error(
                None,
                f'bot name "{name}" cannot follow "@" in a message; '
                'use letters, digits, "-", "_" and "." only.',
            )
        provider = reader.required_text("provider")
        if provider not in VENDORS:
            raise reader.error(
                "provider",
                f'bot "{name}" has provider "{provider}"{did_you_mean(provider, list(VENDORS))}; '
                f"expected one of {', '.join(VENDORS)}.",
            )
        model = reader.required_text("model")
        base_url = reader.text("base_url")
        if base_url is not None and not base_url.startswith(("http://", "https://")):
            problem = f'bot "{name}" has a base_url that does not start with http:// or https://.'
            raise reader.error("base_url", problem)
        if base_url is None and VENDORS[provider].base_url is None:
            raise reader.error(
                "provider",
                f'bot "{name}" uses provider "{provider}", which needs base_url, '
                'e.g. base_url = "http://127.0.0.1:8080/v1".',
            )
        key = reader.text("key")
        if key is not None and not KEY_NAME_PATTERN.fullmatch(key):
            raise reader.error(
                "key",
                f'bot "{name}" has a key that is not a keyring entry name (not repeated here in case it is a '
                f'secret); use up to {MAX_KEY_NAME_LENGTH} lowercase letters, digits, ".", "_" and "-", '
                'e.g. key = "local-llm".',
            )
        return BotConfig(
            name=name,
            provider=provider,
            model=model,
            base_url=base_url,
            display_name=reader.text("display_name"),
            key=key,
            enabled=reader.flag("enabled", True),
            allow_http=reader.flag("allow_http", False),
            overrides=self.overrides(reader),
        )

    def overrides(self, reader: _Table) -> ModelOverride:
        tags = reader.texts("tags")
        for tag in tags or ():
            if tag not in TAGS:
                known = sorted(TAGS)
                suggestion = did_you_mean(tag, known)
                problem = f'{reader.where} has tag "{tag}"{suggestion}; tags are {", ".join(known)}.'
                raise reader.error("tags", problem)
        return ModelOverride(
            tier=reader.whole("tier", 1, 5),
            price_in=reader.price("price_in"),
            price_out=reader.price("price_out"),
            price_cache_read=reader.price("price_cache_read"),
            price_cache_write=reader.price("price_cache_write"),
            long_context_threshold=reader.whole("long_context_threshold", 1),
            price_in_long=reader.price("price_in_long"),
            price_out_long=reader.price("price_out_long"),
            price_cache_read_long=reader.price("price_cache_read_long"),
            price_cache_write_long=reader.price("price_cache_write_long"),
            context_window=reader.whole("context_window", 1),
            max_output=reader.whole("max_output", 1),
            tags=None if tags is None else frozenset(tags),
        )

    def room(self, name: str, data: object, bots: dict[str, BotConfig]) -> RoomConfig:
        reader = _Table(self, ("rooms", name), data, _ROOM_KEYS)
        members = reader.texts("bots")
        if not members:
            problem = f'room "{name}" has no bots; list them as bots = ["mini", "opus"].'
            raise reader.error("bots" if members is not None else None, problem)
        for member in members:
            if member not in bots:
                raise reader.error(
                    "bots",
                    f'room "{name}" lists bot "{member}"{did_you_mean(member, list(bots))}, '
                    f"but no [bots.{member}] table defines it.",
                )
        if len(set(members)) != len(members):
            raise reader.error("bots", f'room "{name}" lists the same bot twice.')
        return RoomConfig(name=name, bots=members, failover=reader.flag("failover", True))
