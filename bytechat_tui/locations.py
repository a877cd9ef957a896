"""Where ByteChat keeps its files: platform (XDG) directories, overridable by environment.

`BYTECHAT_CONFIG_DIR` and `BYTECHAT_DATA_DIR` exist so tests and scripts never touch a person's
real config or history.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "bytechat-tui"


def config_dir() -> Path:
    """The directory holding `config.toml` and user themes."""
    override = os.environ.get("BYTECHAT_CONFIG_DIR")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    """The directory holding history and other state the app writes."""
    override = os.environ.get("BYTECHAT_DATA_DIR")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """Files that can be fetched again (tokenizer tables); lives under the data dir when overridden."""
    override = os.environ.get("BYTECHAT_DATA_DIR")
    if override:
        return Path(override).expanduser() / "cache"
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def config_file() -> Path:
    return config_dir() / "config.toml"
