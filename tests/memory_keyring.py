"""Keyring backends for tests: one that keeps entries in a dict, one that fails every call.

Both are real `keyring.backend.KeyringBackend` subclasses, installed with `keyring.set_keyring`,
so the code under test goes through the same keyring API as with the Secret Service.
"""

from __future__ import annotations

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    """Entries in a dict, gone when the test ends."""

    # keyring registers every subclass as a candidate for its own detection; below the fail
    # backend's 0, this one is never chosen unless a test installs it.
    priority = -1

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("No such password!")


class BrokenKeyring(KeyringBackend):
    """Raises `error` on every call, with the arguments (the key too) in its text, as some do."""

    priority = -1

    def __init__(self, error: type[Exception]) -> None:
        super().__init__()
        self.error = error
        self.calls = 0

    def get_password(self, service: str, username: str) -> str | None:
        self.calls += 1
        raise self.error(f"cannot read {service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        self.calls += 1
        raise self.error(f"cannot store {password!r} as {service}/{username}")

    def delete_password(self, service: str, username: str) -> None:
        self.calls += 1
        raise self.error(f"cannot delete {service}/{username}")
