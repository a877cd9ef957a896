"""The wheel carries what the app reads at run time: the catalog and the themes."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

from bytechat_tui.ui.themes import parse_theme, shipped_theme

REPO = Path(__file__).resolve().parents[1]


def test_every_theme_file_passes_the_full_check_the_app_skips_for_shipped_themes() -> None:
    themes = sorted((REPO / "themes").glob("*.toml"))
    assert themes
    for path in themes:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
        assert data["name"] == path.stem and isinstance(data["dark"], bool)
        assert data["primary"].startswith("#")
        checked = parse_theme(text)  # raises ThemeError naming the problem
        assert shipped_theme(text) == checked


def test_the_wheel_ships_the_catalog_and_the_themes(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(REPO)],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("bytechat_tui-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "bytechat_tui/pricing/catalog.json" in names
    assert {f"bytechat_tui/themes/{p.name}" for p in (REPO / "themes").glob("*.toml")} <= names
