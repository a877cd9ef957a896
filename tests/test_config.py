"""The config file: the documented example loads, and every mistake is one sentence with file and line."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from bytechat_tui import locations
from bytechat_tui.config import Config, ConfigError, ModelOverride, RoutingConfig, load_config
from conftest import shared_path

# PRODUCT.md shows "the shape, at least": its room lists "mini" and "opus" without defining them.
MISSING_FROM_EXAMPLE = """
[bots.mini]
provider = "openai"
model = "gpt-5-mini"

[bots.opus]
provider = "anthropic"
model = "claude-opus-4-1"
"""

GOOD = """\
default_room = "main"

[rooms.main]
bots = ["mini", "local"]

[bots.mini]
provider = "openai"
model = "gpt-5-mini"

[bots.local]
provider = "openai-compatible"
model = "qwen3"
base_url = "http://127.0.0.1:8080/v1"
tier = 2
"""


def write(text: str | bytes) -> Path:
    """Put `text` where `load_config()` looks by default (the isolated BYTECHAT_CONFIG_DIR)."""
    path = locations.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


def error_of(text: str | bytes) -> str:
    write(text)
    with pytest.raises(ConfigError) as caught:
        load_config()
    message = str(caught.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def product_example() -> str:
    product = shared_path("PRODUCT.md").read_text(encoding="utf-8")
    block = re.search(r"```toml\n(.*?)```", product, re.S)
    assert block is not None, "PRODUCT.md lost its config.toml example"
    return "\n".join(line.removeprefix("  ") for line in block[1].splitlines()) + "\n"


def test_the_product_example_loads_from_the_config_dir() -> None:
    path = write(product_example() + MISSING_FROM_EXAMPLE)
    config = load_config()
    assert config.path == path and config.exists
    assert config.default_room == "main" and config.theme == "bytechat-dark"
    assert config.rooms["main"].bots == ("nano", "mini", "opus", "local")
    assert config.rooms["main"].failover is True
    local = config.bots["local"]
    assert (local.provider, local.model, local.base_url, local.key) == (
        "openai-compatible",
        "qwen3",
        "http://127.0.0.1:8080/v1",
        "local-llm",
    )
    assert local.overrides == ModelOverride(tier=2, price_in=0.0, price_out=0.0)
    assert config.bots["nano"].overrides == ModelOverride()
    assert config.bots["nano"].base_url is None and config.bots["nano"].enabled


def test_a_missing_file_means_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path / "nowhere" / "config.toml")
    assert config == Config(path=tmp_path / "nowhere" / "config.toml")
    assert not config.exists and config.theme == "bytechat-dark" and config.rooms == {}
    assert config.routing == RoutingConfig(escalation_floor_turns=3)


def test_every_table_is_read() -> None:
    write(
        GOOD
        + """display_name = "Qwen at home"
enabled = false
tags = ["code", "long-context"]
context_window = 32768
max_output = 2048
price_cache_read = 0.5

[models."gpt-5-mini"]
price_in = 0.3
tier = 3

[keybindings]
escalate = "ctrl+r"

[routing]
escalation_floor_turns = 5
"""
    )
    config = load_config()
    local = config.bots["local"]
    assert local.display_name == "Qwen at home" and local.enabled is False
    assert local.overrides.tags == frozenset({"code", "long-context"})
    assert (local.overrides.context_window, local.overrides.max_output) == (32768, 2048)
    assert local.overrides.price_cache_read == 0.5
    assert config.models == {"gpt-5-mini": ModelOverride(tier=3, price_in=0.3)}
    assert config.keybindings == {"escalate": "ctrl+r"}
    assert config.routing.escalation_floor_turns == 5


def replace_line(text: str, number: int, new: str) -> str:
    lines = text.split("\n")
    lines[number - 1] = new
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("line", "new", "expected"),
    [
        (7, 'provider = "opneai"', 'provider "opneai" (did you mean "openai"?); expected one of openai, anthropic'),
        (8, 'modle = "gpt-5-mini"', 'unknown setting "modle" (did you mean "model"?)'),
        (14, "tier = 9", "tier = 9; it must be between 1 and 5"),
        (14, "tier = true", "tier as true/false; expected a whole number"),
        (14, "price_in = -0.5", "price_in = -0.5; a price must be a number >= 0"),
        (14, "price_out = nan", "price_out = nan; a price must be a number >= 0"),
        (14, "context_window = 0", "context_window = 0; it must be at least 1"),
        (14, 'tags = ["cod"]', 'tag "cod" (did you mean "code"?)'),
        (14, "enabled = 1", "enabled as a whole number; expected true or false"),
        (4, 'bots = ["mini", "lokal"]', 'room "main" lists bot "lokal" (did you mean "local"?), but no [bots.lokal]'),
        (4, "bots = []", 'room "main" has no bots'),
        (4, 'bots = ["mini", "mini"]', "lists the same bot twice"),
        (1, 'default_room = "mian"', 'default_room is "mian" (did you mean "main"?), but no such room is defined'),
        (13, "", 'provider "openai-compatible", which needs base_url'),
        (13, 'base_url = "127.0.0.1:8080"', "does not start with http:// or https://"),
        (2, 'theme = ""', "has an empty theme"),
        (2, "colour = 1", 'unknown setting "colour"'),
        (14, 'key = "Local LLM"', "has a key that is not a keyring entry name"),
    ],
)
def test_each_mistake_names_file_line_and_problem(line: int, new: str, expected: str) -> None:
    path = locations.config_file()
    message = error_of(replace_line(GOOD, line, new))
    # A removed line (base_url) is reported where the provider that needs it is.
    where = 11 if new == "" else line
    assert message.startswith(f"{path}, line {where}: "), message
    assert expected in message
    assert message.endswith((".", "?"))


def test_a_missing_required_setting_points_at_its_table() -> None:
    message = error_of(GOOD.replace('model = "qwen3"\n', ""))
    assert message.startswith(f"{locations.config_file()}, line 10: ")
    assert 'bot "local" has no model' in message


def test_a_toml_syntax_error_is_reshaped() -> None:
    message = error_of(replace_line(GOOD, 6, "[bots.mini"))
    assert message == (
        f"{locations.config_file()}, line 6: this is not valid TOML: "
        "expected ']' at the end of a table declaration at column 11."
    )


def test_an_error_at_the_end_of_the_file_names_the_last_line() -> None:
    message = error_of('default_room = "main"\nbots = ["a",\n\n')
    assert message.startswith(f"{locations.config_file()}, line 2: this is not valid TOML: ")
    assert message.endswith(" at the end of the file.")


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('[bots]\nnano = { provider = "openai", model = "x" }\nmini = { provider = "opneai", model = "x" }\n', 3),
        ('# bots\nbots.mini.model = "x"\nbots.mini.provider = "opneai"\n', 3),
        ('[bots.mini]\nmodel = "x"\ndisplay_name = """\n[bots.mini]\nprovider = "y"\n"""\nprovider = "opneai"\n', 7),
        ('[bots."mini"]\nmodel = "x"\n  provider   =   "opneai"  # typo\n', 3),
    ],
)
def test_lines_are_found_in_inline_dotted_and_quoted_tables(text: str, line: int) -> None:
    message = error_of(text)
    assert message.startswith(f"{locations.config_file()}, line {line}: "), message


def test_a_bot_name_must_work_after_an_at_sign() -> None:
    message = error_of('[bots."my bot"]\nprovider = "openai"\nmodel = "gpt-5-mini"\n')
    assert message.startswith(f"{locations.config_file()}, line 1: ")
    assert 'bot name "my bot" cannot follow "@"' in message


SECRET = "sk-proj-FAKE-notakey-42"


GOOGLE_SHAPED = "AIza" + "SyA1234567890abcdefghijklmnopqrstu"
"""Shaped like a Google key, to be caught by shape alone; assembled so scanners see no key here."""


@pytest.mark.parametrize(
    ("text", "line", "provider"),
    [
        (GOOD.replace('model = "gpt-5-mini"', f'model = "gpt-5-mini"\napi_key = "{SECRET}"'), 9, "openai"),
        (GOOD.replace('model = "gpt-5-mini"', f'model = "gpt-5-mini"\nkey = "{SECRET}"'), 9, "openai"),
        (GOOD.replace("tier = 2", f'tier = 2\npassword = "hunter2-{SECRET}"'), 15, "openai-compatible"),
        (GOOD.replace("tier = 2", f'key = "local-llm"\napiKey = "{SECRET}"'), 15, "local-llm"),
        (GOOD.replace("tier = 2", 'key = "sk-abcdefghijklmnopqrstu"'), 14, "openai-compatible"),
        (f'token = "{SECRET}"\n' + GOOD, 1, "PROVIDER"),
        (GOOD + f'\n[keybindings]\nquit = ["ctrl+q", "{GOOGLE_SHAPED}"]\n', 17, "PROVIDER"),
    ],
)
def test_secrets_are_refused_without_being_echoed(text: str, line: int, provider: str) -> None:
    message = error_of(text)
    assert message.startswith(f"{locations.config_file()}, line {line}: "), message
    assert f'run "bytechat keys set {provider}"' in message
    assert "sk-" not in message and "AIza" not in message and "hunter2" not in message
    assert "never belong in the config file" in message


def test_a_key_that_is_no_entry_name_is_not_echoed() -> None:
    message = error_of(GOOD.replace("tier = 2", 'tier = 2\nkey = "0123456789abcdefghijklmnopqrstuvwxyzABC"'))
    assert message.startswith(f"{locations.config_file()}, line 15: ")
    assert "0123456789" not in message


def test_the_keyring_entry_name_is_not_a_secret() -> None:
    write(GOOD.replace("tier = 2", 'tier = 2\nkey = "local-llm"'))
    assert load_config().bots["local"].key == "local-llm"


def test_the_file_is_never_modified() -> None:
    for text in (GOOD, replace_line(GOOD, 7, 'provider = "opneai"'), GOOD + f'api_key = "{SECRET}"\n', "[[["):
        path = write(text)
        before = (path.read_bytes(), path.stat().st_mtime_ns)
        try:
            load_config()
        except ConfigError:
            pass
        assert (path.read_bytes(), path.stat().st_mtime_ns) == before
        assert sorted(p.name for p in path.parent.iterdir()) == ["config.toml"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"theme = 'x'\n\xff\xfe\n", "line 2: this is not UTF-8 text"),
        ("a = " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
        ("bots = 3\n", "line 1: bots must be a table such as [bots.example], not a whole number"),
        ("[bots]\nmini = 3\n", 'line 2: bot "mini" must be a table, not a whole number'),
        ("[[rooms]]\nbots = []\n", "line 1: rooms must be a table"),
        ("\x00", "line 1: this is not valid TOML"),
    ],
)
def test_malformed_files_give_sentences(content: str | bytes, expected: str) -> None:
    message = error_of(content)
    assert message.startswith(f"{locations.config_file()}")
    assert expected in message, message


def test_an_unreadable_path_is_a_sentence(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=re.escape(f"{tmp_path}: cannot be read")):
        load_config(tmp_path)


def test_a_byte_order_mark_and_an_empty_file_are_fine() -> None:
    write(b"\xef\xbb\xbf" + GOOD.encode())
    assert load_config().default_room == "main"
    write("")
    assert load_config() == Config(path=locations.config_file(), exists=True)


def test_random_damage_never_escapes_as_a_traceback() -> None:
    source = product_example() + MISSING_FROM_EXAMPLE + '\n[models."gpt-5-mini"]\nprice_in = 0.3\n'
    alphabet = '[]{}"=.,#\n \'abc1-_\\'
    rng = random.Random(20240607)
    outcomes = set()
    for _ in range(400):
        text = list(source)
        for _ in range(rng.randint(1, 4)):
            position = rng.randrange(len(text))
            action = rng.choice(("delete", "insert", "replace"))
            if action == "delete":
                del text[position]
            elif action == "insert":
                text.insert(position, rng.choice(alphabet))
            else:
                text[position] = rng.choice(alphabet)
        write("".join(text))
        try:
            load_config()
            outcomes.add("loaded")
        except ConfigError as error:
            assert str(error).startswith(f"{locations.config_file()}")
            outcomes.add("refused")
    assert outcomes == {"loaded", "refused"}


def test_the_dial_is_read_from_the_routing_table() -> None:
    write(GOOD + "\n[routing]\nstrongest_share = 0.25\n")
    assert load_config().routing.strongest_share == 0.25


@pytest.mark.parametrize("value", ["1.5", "0", "-0.2", '"half"'])
def test_a_dial_outside_zero_to_one_is_one_clear_error(value: str) -> None:
    message = error_of(GOOD + f"\n[routing]\nstrongest_share = {value}\n")
    assert "strongest_share" in message and "between 0 and 1" in message and ", line " in message
