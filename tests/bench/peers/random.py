"""The random router: a score that carries no information about the prompt.

A salted hash rather than a random-number generator, so that a prompt gets the same score
whatever order the prompts are scored in and on every run. Its expected APGR is 0.50; one draw
lands somewhere in the random band that `bench_peers.py` prints beside it.
"""

from __future__ import annotations

import hashlib

SEED = "bench-peers"


def score(prompt: str, seed: str = SEED) -> float:
    digest = hashlib.blake2b((seed + "\0" + prompt).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64
