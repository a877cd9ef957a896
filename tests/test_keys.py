"""`bytechat_tui.keys`: keyring first, environment second, and a key never shown."""

from __future__ import annotations

import traceback

import pytest
from keyring.backends import chainer, fail, null
from keyring.errors import KeyringLocked, PasswordSetError
from memory_keyring import BrokenKeyring, MemoryKeyring

from bytechat_tui.errors import UserError
from bytechat_tui.keys import INDEX_ENTRY, SERVICE, KeyStore, Secret
from bytechat_tui.vendors import VENDORS

KEY = "sk-test-FAKE-0000WXYZ"
OTHER = "sk-other-FAKE-000QRST"


class EmptyChainer(chainer.ChainerBackend):
    """A chainer that found nothing to chain: it stores nothing and says nothing."""

    backends = ()


def test_secret_never_shows_the_key_in_any_text_form() -> None:
    secret = Secret(KEY)
    shown = [repr(secret), str(secret), f"{secret}", f"{secret!r}", f"{secret:>40}", "%s" % secret]
    for text in shown:
        assert KEY not in text
    assert repr(secret) == "Secret('…WXYZ')"
    assert (secret.reveal(), secret.last4, secret.hint) == (KEY, "WXYZ", "…WXYZ")


def test_a_short_key_shows_none_of_its_characters() -> None:
    secret = Secret("sk-local")
    assert (secret.last4, repr(secret)) == ("", "Secret('…')")


def test_set_get_delete_round_trip(memory_keyring: MemoryKeyring) -> None:
    store = KeyStore()
    store.set("openai", f"  {KEY}\n")
    assert memory_keyring.entries[(SERVICE, "openai")] == KEY
    found = store.get("openai")
    assert found is not None
    assert (found.secret.reveal(), found.source, found.origin) == (KEY, "keyring", "keyring")
    assert store.delete("openai") is True
    assert store.get("openai") is None
    assert store.delete("openai") is False


def test_a_secret_can_be_stored_as_such(memory_keyring: MemoryKeyring) -> None:
    KeyStore().set("anthropic", Secret(KEY))
    assert memory_keyring.entries[(SERVICE, "anthropic")] == KEY


def test_an_injected_backend_is_used_instead_of_keyrings_choice() -> None:
    backend = MemoryKeyring()
    KeyStore(backend).set("groq", KEY)
    assert backend.entries == {(SERVICE, "groq"): KEY}


def test_environment_is_the_second_source(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOOGLE_API_KEY", KEY)
    found = KeyStore().get("gemini")
    assert found is not None
    assert (found.secret.reveal(), found.source, found.origin) == (KEY, "env", "env(GOOGLE_API_KEY)")
    monkeypatch.setenv("GEMINI_API_KEY", OTHER)
    found = KeyStore().get("gemini")
    assert found is not None and found.env_var == "GEMINI_API_KEY"


def test_keyring_wins_over_environment(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", OTHER)
    store = KeyStore()
    store.set("openai", KEY)
    found = store.get("openai")
    assert found is not None and (found.source, found.secret.reveal()) == ("keyring", KEY)


def test_custom_names_are_listed_through_an_index_in_the_keyring(memory_keyring: MemoryKeyring) -> None:
    store = KeyStore()
    store.set("local-llm", KEY)
    store.set("work.proxy_2", OTHER)
    rows = store.list()
    assert [row.name for row in rows] == [*VENDORS, "local-llm", "work.proxy_2"]
    custom = rows[-2]
    assert custom.found is not None and custom.found.secret.reveal() == KEY and custom.needed
    assert store.delete("local-llm") and store.delete("work.proxy_2")
    assert [row.name for row in KeyStore().list()] == list(VENDORS)
    assert (SERVICE, INDEX_ENTRY) not in memory_keyring.entries


def test_list_marks_providers_that_need_no_key(memory_keyring: MemoryKeyring) -> None:
    needed = {row.name: row.needed for row in KeyStore().list()}
    assert needed["openai"] and not needed["ollama"] and not needed["openai-compatible"]


def test_a_custom_name_has_no_environment_variable(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOCAL_LLM_API_KEY", KEY)
    assert KeyStore().get("local-llm") is None


@pytest.mark.parametrize("name", ["OpenAI", "-openai", ".hidden", "my key", "", "a/b", INDEX_ENTRY])
def test_invalid_names_are_refused(memory_keyring: MemoryKeyring, name: str) -> None:
    with pytest.raises(UserError, match="is not a key name"):
        KeyStore().set(name, KEY)
    assert memory_keyring.entries == {}


def test_a_pasted_key_given_as_the_name_is_not_echoed(memory_keyring: MemoryKeyring) -> None:
    pasted = "sk-proj-FAKE.not.a.real.key.only.a.test.value"
    with pytest.raises(UserError) as caught:
        KeyStore().get(pasted)
    assert pasted not in str(caught.value)
    assert "at most 32 characters" in str(caught.value)


@pytest.mark.parametrize("value", ["", " \n", "sk-one\nsk-two", "sk test"])
def test_empty_or_malformed_keys_are_refused(memory_keyring: MemoryKeyring, value: str) -> None:
    with pytest.raises(UserError, match="nothing was stored"):
        KeyStore().set("openai", value)
    assert memory_keyring.entries == {}


@pytest.mark.parametrize(
    ("backend", "reason"),
    [
        (fail.Keyring(), "no keyring backend is available"),
        (null.Keyring(), "the null backend"),
        (EmptyChainer(), "no keyring backend is available to chain"),
    ],
)
def test_storing_without_a_backend_says_what_to_do(backend: object, reason: str) -> None:
    store = KeyStore(backend)  # type: ignore[arg-type]
    with pytest.raises(UserError) as caught:
        store.set("openai", KEY)
    message = str(caught.value)
    assert reason in message
    assert "gnome-keyring" in message and "OPENAI_API_KEY" in message
    assert "never writes keys to a plaintext file" in message
    assert KEY not in message


def test_without_a_backend_the_default_store_refuses_too() -> None:
    # The autouse `no_real_keyring` fixture leaves keyring with its fail backend.
    with pytest.raises(UserError, match="no keyring backend is available"):
        KeyStore().require_keyring("openai")


def test_without_a_backend_environment_keys_still_work(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    store = KeyStore()
    assert store.problem is None
    found = store.get("anthropic")
    assert found is not None and found.secret.reveal() == KEY and found.source == "env"
    assert store.problem is not None and "no keyring backend is available" in store.problem
    assert store.get("openai") is None
    rows = {row.name: row.found for row in store.list()}
    assert rows["anthropic"] is not None and rows["openai"] is None


def test_a_locked_keyring_is_tried_once_then_the_environment_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    backend = BrokenKeyring(KeyringLocked)
    store = KeyStore(backend)
    found = store.get("openai")
    assert found is not None and found.source == "env"
    store.list()
    assert backend.calls == 1
    assert store.problem is not None and "cannot read bytechat-tui/openai" in store.problem


def test_a_failing_backend_never_puts_the_key_in_the_error() -> None:
    store = KeyStore(BrokenKeyring(PasswordSetError))
    with pytest.raises(UserError) as caught:
        store.set("openai", KEY)
    assert "could not store the key 'openai'" in str(caught.value)
    assert "cannot store" in str(caught.value)
    assert KEY not in "".join(traceback.format_exception(caught.value))


def test_a_locked_keyring_on_store_gives_the_advice() -> None:
    with pytest.raises(UserError, match="start and unlock a Secret Service") as caught:
        KeyStore(BrokenKeyring(KeyringLocked)).set("openai", KEY)
    assert KEY not in "".join(traceback.format_exception(caught.value))


def test_require_names_every_way_to_give_a_key() -> None:
    with pytest.raises(UserError) as caught:
        KeyStore().require("openai")
    message = str(caught.value)
    assert "bytechat keys set openai" in message and "OPENAI_API_KEY" in message
    assert "no keyring backend is available" in message


def test_require_returns_the_key(memory_keyring: MemoryKeyring) -> None:
    store = KeyStore()
    store.set("local-llm", KEY)
    assert store.require("local-llm").secret.reveal() == KEY


def test_no_object_shows_the_key(memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", OTHER)
    store = KeyStore()
    store.set("openai", KEY)
    objects = [store, store.get("openai"), store.get("anthropic"), store.list()]
    for thing in objects:
        assert KEY not in repr(thing) and OTHER not in repr(thing)
        assert KEY not in str(thing) and OTHER not in str(thing)
