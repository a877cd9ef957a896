"""API keys: the OS keyring first, the provider's environment variables second.

Keys live in the keyring under the service "bytechat-tui", one entry per provider or per custom
key name a bot asks for (`key = "local-llm"`). ByteChat never writes a key to a file: with no
usable keyring, keys come from the environment only, and storing one fails with advice.

In memory a key is a `Secret`, whose every text form shows at most its last four characters, so a
key cannot leak through a log line, an f-string or the repr of an object holding it. Every keyring
failure is re-raised as a `UserError` whose text has been cleaned of the key.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TypeVar

from bytechat_tui.errors import UserError
from bytechat_tui.vendors import KEY_NAME_PATTERN, MAX_KEY_NAME_LENGTH, VENDORS

if TYPE_CHECKING:
    # keyring itself is imported only where a call needs it: importing it costs start-up time
    # that quick commands such as `bytechat route` must not pay.
    from keyring.backend import KeyringBackend

SERVICE = "bytechat-tui"

INDEX_ENTRY = "(custom key names)"
"""Keyring entry listing the custom names, since not every backend can enumerate its entries.
It is not a valid key name, so it can never collide with one."""

HINT_MIN_LENGTH = 16
"""Keys shorter than this show no last four characters: four of eight would give half away."""

_T = TypeVar("_T")


class Secret:
    """A key held in memory; every text form hides it and only `reveal()` gives it back."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The key itself, for the one place that needs it: the request to the provider."""
        return self._value

    @property
    def last4(self) -> str:
        """The last four characters, enough to tell two keys apart; "" for a short key."""
        return self._value[-4:] if len(self._value) >= HINT_MIN_LENGTH else ""

    @property
    def hint(self) -> str:
        """How a key is shown to a person: `…abcd`."""
        return f"…{self.last4}"

    def __repr__(self) -> str:
        return f"Secret('{self.hint}')"

    def __format__(self, spec: str) -> str:
        return format(repr(self), spec)


@dataclass(frozen=True, slots=True)
class FoundKey:
    """A key and where it was found."""

    secret: Secret
    source: Literal["keyring", "env"]
    env_var: str | None = None
    """The environment variable it came from, when `source` is "env"."""

    @property
    def origin(self) -> str:
        """The source as `bytechat keys list` shows it: "keyring" or "env(OPENAI_API_KEY)"."""
        return f"env({self.env_var})" if self.source == "env" else "keyring"


@dataclass(frozen=True, slots=True)
class KeyEntry:
    """One row of `KeyStore.list()`: a provider or custom name and its key, if any."""

    name: str
    found: FoundKey | None
    needed: bool
    """False for providers that work without a key (Ollama, a local OpenAI-compatible server)."""


def check_name(name: str) -> None:
    """Raise a `UserError` unless `name` is a provider or a well-formed custom key name."""
    if name in VENDORS:
        return
    if len(name) > MAX_KEY_NAME_LENGTH:
        raise UserError(
            f"a key name has at most {MAX_KEY_NAME_LENGTH} characters, and that one is not repeated here"
            " in case it is the key itself. Run `bytechat keys set PROVIDER` and give the key at"
            " the prompt or on standard input."
        )
    if not KEY_NAME_PATTERN.fullmatch(name):
        raise UserError(
            f"{name!r} is not a key name: use a provider ({', '.join(VENDORS)}) or a name of"
            " lowercase letters, digits, '.', '_' and '-' that starts with a letter or digit,"
            " such as 'local-llm'."
        )


def env_key_names(name: str) -> tuple[str, ...]:
    """The environment variables that can hold the key for `name`; none for a custom name."""
    vendor = VENDORS.get(name)
    return vendor.env_vars if vendor else ()


def env_key(name: str) -> FoundKey | None:
    """The key the environment gives for `name`, the first variable set winning."""
    for variable in env_key_names(name):
        value = os.environ.get(variable, "").strip()
        if value:
            return FoundKey(Secret(value), "env", variable)
    return None


def env_hint(name: str | None) -> str:
    """Which environment variable can hold the key for `name` (any provider's, for None)."""
    if name is None:
        return "the provider's environment variable (OPENAI_API_KEY, ANTHROPIC_API_KEY, …)"
    variables = env_key_names(name)
    if not variables:
        return f"a provider's environment variable (the custom key {name!r} has none)"
    return " or ".join(variables)


def keyring_advice(reason: str, name: str | None) -> str:
    """What to tell a person whose keyring cannot be used, and what they can do instead."""
    return (
        f"the OS keyring cannot be used: {reason}.\n"
        "To store keys, start and unlock a Secret Service in this session: gnome-keyring or"
        " KWallet (on a headless machine, `gnome-keyring-daemon --unlock --components=secrets`"
        " inside `dbus-run-session`), or the Keychain / Credential Manager elsewhere.\n"
        f"Or set the key in {env_hint(name)} instead.\n"
        "ByteChat never writes keys to a plaintext file."
    )


def _why_unusable(backend: KeyringBackend) -> str | None:
    """Why a backend keyring chose cannot hold keys; None when it can.

    The fail and null backends, and a chainer with nothing to chain, accept or refuse every
    call without storing anything, so a write to them would be lost or a confusing error.
    """
    from keyring.backends import chainer, fail, null

    if isinstance(backend, fail.Keyring):
        if sys.platform == "linux" and not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
            return "no keyring backend is available (no D-Bus session: DBUS_SESSION_BUS_ADDRESS is unset)"
        return "no keyring backend is available (no Secret Service answers on D-Bus)"
    if isinstance(backend, null.Keyring):
        return "the keyring is disabled (the null backend is configured)"
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        return "no keyring backend is available to chain"
    return None


def _describe(error: Exception, secret: Secret | None) -> str:
    """An exception's text with the key cut out, for backends that echo their arguments."""
    text = str(error) or type(error).__name__
    return text if secret is None else text.replace(secret.reveal(), "…")


class _Failure(Exception):
    """A keyring call failed; `reason` is safe to show, `unusable` means no keyring at all."""

    def __init__(self, reason: str, *, unusable: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.unusable = unusable

    def user_error(self, name: str, doing: str) -> UserError:
        if self.unusable:
            return UserError(keyring_advice(self.reason, name))
        return UserError(f"could not {doing} the key {name!r} in the OS keyring: {self.reason}")


class KeyStore:
    """Read, store, delete and list keys; one per process is enough, and cheap to make."""

    def __init__(self, backend: KeyringBackend | None = None) -> None:
        self._backend = backend
        """The keyring to use; None means the one `keyring` detects, on first use."""
        self._checked = False
        self._reason: str | None = None
        """Why the keyring is not used; set once, so a broken keyring is reported once."""

    @property
    def problem(self) -> str | None:
        """Advice about a keyring a read found unusable (keys then come from the environment)."""
        return None if self._reason is None else keyring_advice(self._reason, None)

    def prepare(self) -> None:
        """Import `keyring` and pick its backend now (from a thread): the first key read then costs
        only the read. A keyring that cannot be used is found here and reported on that read."""
        try:
            self._usable_backend()
        except _Failure:
            pass

    def require_keyring(self, name: str) -> None:
        """Fail before asking someone for a key that could not be stored."""
        try:
            self._usable_backend()
        except _Failure as failure:
            raise failure.user_error(name, "store") from None

    def get(self, name: str) -> FoundKey | None:
        """The key for `name` from the keyring, else from the environment, else None."""
        check_name(name)
        try:
            value = self._call(lambda backend: backend.get_password(SERVICE, name))
        except _Failure as failure:
            self._give_up(failure)
            value = None
        return FoundKey(Secret(value), "keyring") if value else env_key(name)

    def require(self, name: str) -> FoundKey:
        """The key for `name`, or a `UserError` saying every way to provide one."""
        found = self.get(name)
        if found is not None:
            return found
        message = (
            f"no key for {name!r}: run `bytechat keys set {name}`"
            + (f" or set {env_hint(name)}" if env_key_names(name) else "")
            + "."
        )
        raise UserError(message if self.problem is None else f"{message}\n{self.problem}")

    def set(self, name: str, value: Secret | str) -> None:
        """Store `value`, surrounding whitespace removed, as the key for `name` in the keyring.

        Pass a `Secret` where you can: a plain string left in a frame shows in a traceback
        that lists locals (Textual's does).
        """
        check_name(name)
        key = Secret((value.reveal() if isinstance(value, Secret) else value).strip())
        if not key.reveal():
            raise UserError(f"the key for {name!r} is empty; nothing was stored.")
        if any(character.isspace() for character in key.reveal()):
            raise UserError(
                f"the key for {name!r} contains a space or line break; nothing was stored."
                " Give only the key, on one line."
            )
        try:
            self._call(lambda backend: backend.set_password(SERVICE, name, key.reveal()), secret=key)
            if name not in VENDORS:
                self._write_index(self._custom_names() | {name})
        except _Failure as failure:
            raise failure.user_error(name, "store") from None

    def delete(self, name: str) -> bool:
        """Remove the keyring's key for `name`; False when it held none (the environment is untouched)."""
        check_name(name)
        try:
            present = self._call(lambda backend: backend.get_password(SERVICE, name)) is not None
            if present:
                self._call(lambda backend: backend.delete_password(SERVICE, name))
            if name not in VENDORS and name in (names := self._custom_names()):
                self._write_index(names - {name})
        except _Failure as failure:
            raise failure.user_error(name, "delete") from None
        return present

    def list(self) -> list[KeyEntry]:
        """Every provider, then every custom name the keyring holds, with its key if any."""
        try:
            custom = sorted(self._custom_names())
        except _Failure as failure:
            self._give_up(failure)
            custom = []
        rows = [KeyEntry(name, self.get(name), vendor.needs_key) for name, vendor in VENDORS.items()]
        return rows + [KeyEntry(name, self.get(name), True) for name in custom]

    def _usable_backend(self) -> KeyringBackend:
        import keyring

        if not self._checked:
            self._checked = True
            try:
                if self._backend is None:
                    self._backend = keyring.get_keyring()
                self._reason = _why_unusable(self._backend)
            except Exception as error:  # a bad PYTHON_KEYRING_BACKEND or keyringrc.cfg
                self._reason = f"keyring could not load its backend: {_describe(error, None)}"
        if self._reason is not None or self._backend is None:
            raise _Failure(self._reason or "no backend", unusable=True)
        return self._backend

    def _call(self, operation: Callable[[KeyringBackend], _T], secret: Secret | None = None) -> _T:
        """Run one keyring operation; any failure becomes a `_Failure` without the key in it.

        Backends are third-party plugins raising their own exception types (secretstorage,
        D-Bus, Keychain), so everything is caught here, at the boundary, and described safely.
        """
        from keyring.errors import InitError, KeyringLocked, NoKeyringError

        backend = self._usable_backend()
        try:
            return operation(backend)
        except (NoKeyringError, InitError, KeyringLocked) as error:
            raise _Failure(_describe(error, secret), unusable=True) from None
        except Exception as error:
            raise _Failure(f"{backend.name}: {_describe(error, secret)}", unusable=False) from None

    def _give_up(self, failure: _Failure) -> None:
        """Stop using a keyring that failed a read, so keys come from the environment from now on."""
        self._checked = True
        self._reason = self._reason or failure.reason

    def _custom_names(self) -> set[str]:
        raw = self._call(lambda backend: backend.get_password(SERVICE, INDEX_ENTRY)) or ""
        return {name for name in raw.split() if name not in VENDORS and KEY_NAME_PATTERN.fullmatch(name)}

    def _write_index(self, names: set[str]) -> None:
        if names:
            self._call(lambda backend: backend.set_password(SERVICE, INDEX_ENTRY, "\n".join(sorted(names))))
        else:
            self._call(lambda backend: backend.delete_password(SERVICE, INDEX_ENTRY))

