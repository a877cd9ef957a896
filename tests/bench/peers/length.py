"""Length only: the longer the message, the earlier it goes to the strong model.

Tokens are counted with the product's own estimator (`bytechat_tui.tokens.estimate_tokens`, a few
character counts, no tokenizer), which is within a few percent of cl100k on these prompts; a
ranking by the exact count is practically the same ranking.
"""

from __future__ import annotations

from bytechat_tui.tokens import estimate_tokens


def score(prompt: str) -> float:
    return float(estimate_tokens(prompt))
