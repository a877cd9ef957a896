"""`bytechat keys`: store, list and delete API keys in the OS keyring.

A key is read with a hidden prompt, or from standard input when that is not a terminal
(`pass show openai | bytechat keys set openai`), and is never echoed: every message shows at most
its last four characters.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bytechat_tui.keys import KeyStore

DESCRIPTION = """\
Keys live in the OS keyring (service "bytechat-tui"): the Secret Service (gnome-keyring, KWallet)
on Linux, the Keychain on macOS, the Credential Manager on Windows. A provider's environment
variable (OPENAI_API_KEY, ANTHROPIC_API_KEY, ...) is read when the keyring holds no key for it.
ByteChat never writes keys to a plaintext file."""

NAME_HELP = "a provider (openai, anthropic, gemini, ...) or a bot's own key name, e.g. local-llm"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "keys",
        help="store, list and delete API keys in the OS keyring",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    store = actions.add_parser("set", help="store a key (hidden prompt, or read from stdin)")
    store.add_argument("name", metavar="PROVIDER", help=NAME_HELP)
    actions.add_parser("list", help="every provider, where its key comes from, its last 4 characters")
    remove = actions.add_parser("delete", help="remove a key from the keyring")
    remove.add_argument("name", metavar="PROVIDER", help=NAME_HELP)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from bytechat_tui.keys import KeyStore

    store = KeyStore()
    if args.action == "set":
        return set_key(store, args.name)
    if args.action == "delete":
        return delete_key(store, args.name)
    return list_keys(store)


def set_key(store: KeyStore, name: str) -> int:
    from bytechat_tui.keys import Secret, check_name, env_key
    from bytechat_tui.vendors import VENDORS

    check_name(name)
    # Before the prompt: nobody should paste a key only to learn it cannot be stored.
    store.require_keyring(name)
    key = Secret(read_key(name).strip())
    store.set(name, key)
    print(f"Stored the key for {label(name)} ({key.hint}) in the OS keyring.")
    shadowed = env_key(name)
    if shadowed is not None:
        print(f"It takes precedence over {shadowed.env_var}, which is also set.")
    if name not in VENDORS:
        print(f'{name!r} is not a provider name: a bot uses this key with key = "{name}" in its config.')
    return 0


def read_key(name: str) -> str:
    """The key typed at a hidden prompt, or all of standard input when it is not a terminal."""
    if not sys.stdin.isatty():
        return sys.stdin.read()
    try:
        return getpass.getpass(f"API key for {label(name)} (input hidden): ")
    except EOFError:
        return ""


def delete_key(store: KeyStore, name: str) -> int:
    from bytechat_tui.keys import check_name, env_key

    check_name(name)
    deleted = store.delete(name)
    remaining = env_key(name)
    if deleted:
        print(f"Deleted the key for {label(name)} from the OS keyring.")
        if remaining is not None:
            print(f"ByteChat will now use {remaining.env_var} from the environment.")
    elif remaining is not None:
        print(
            f"The OS keyring holds no key for {label(name)}: the key in use comes from the"
            f" environment variable {remaining.env_var}. ByteChat cannot delete it; unset it in"
            " your shell or wherever it is exported."
        )
    else:
        print(f"The OS keyring holds no key for {label(name)}; nothing was deleted.")
    return 0


def list_keys(store: KeyStore) -> int:
    rows = [("PROVIDER", "SOURCE", "KEY")]
    for entry in store.list():
        if entry.found is not None:
            rows.append((entry.name, entry.found.origin, entry.found.secret.hint))
        else:
            rows.append((entry.name, "-", "not set" if entry.needed else "not set (none needed)"))
    widths = [max(len(row[column]) for row in rows) for column in range(2)]
    for name, source, key in rows:
        print(f"{name:<{widths[0]}}  {source:<{widths[1]}}  {key}")
    if store.problem is not None:
        print(f"bytechat: note: {store.problem}", file=sys.stderr)
    return 0


def label(name: str) -> str:
    """A provider's own spelling (OpenAI), or a custom key name quoted."""
    from bytechat_tui.vendors import VENDORS

    vendor = VENDORS.get(name)
    return vendor.label if vendor else repr(name)
