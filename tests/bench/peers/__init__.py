"""Peer routers that `tests/bench/bench_peers.py` puts beside ours: each ranks prompts by a score.

Benchmark code, not product code: nothing in `bytechat_tui` imports these. The cheap peers are
plain functions of one prompt (`score(prompt) -> float`); the kNN-embedding peer needs a model and
is trained per fold, so it lives in its own module with a worker that runs in a separate venv.
"""
