"""`assess`: how hard a message is, which tier of bot it needs, and why, in plain words.

A heuristic on purpose: no model call, a few microseconds. The score is sigmoid(weights · features)
with weights fitted offline (`weights.py`); the reasons are the features that pushed the score
most, so what a person reads under an answer is what really decided the route.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import compress, repeat
from operator import ge, mul
from dataclasses import dataclass

from bytechat_tui.routing.features import NAMES, Features, extract
from bytechat_tui.routing.memory import NOTHING, EscalationMemory
from bytechat_tui.routing.weights import TIER_THRESHOLDS, TYPICAL, WEIGHTS
from bytechat_tui.tokens import estimate_tokens

FOLLOW_UP_INHERITANCE = 0.85
"""Share of the previous message's score a follow-up ("now make it faster") keeps at least."""
DEFAULT_FLOOR_TURNS = 3
"""After an escalation, this many further user messages need at least the escalated tier."""
LONG_CONTEXT_TOKENS = 100_000
CODE_TAG_TIER = 3
"""From this needed tier on, a message about code also needs a bot tagged for code."""
_PRESENT = 0.05


@dataclass(frozen=True, slots=True)
class Turn:
    """One message of the conversation so far, with what routing learnt about it at the time."""

    role: str
    """"system", "user" or "assistant"."""
    text: str
    score: float | None = None
    """For user turns: the assessment score, if it was assessed."""
    tier: int | None = None
    """For assistant turns: the tier of the bot that answered."""
    escalated: bool = False
    """For assistant turns: the answer came from `r` (re-ask the strongest bot)."""
    tokens: int | None = None
    """Known token count of `text`; estimated when None."""


@dataclass(frozen=True, slots=True)
class Assessment:
    score: float
    """Difficulty in [0, 1]: how much a stronger model is expected to add."""
    needed_tier: int
    needed_tags: frozenset[str]
    input_tokens: int
    """Everything that will be sent: system prompt, history and the message."""
    message_tokens: int
    output_tokens: int
    """Expected length of the answer, for cost estimates."""
    tokens_estimated: bool
    reasons: tuple[str, ...]
    """Most decisive first; the first one is quoted under the answer."""
    follow_up: bool = False
    floor_tier: int = 1
    """Tier kept by a recent escalation; 1 when there is none."""


_LABELS: dict[str, str] = {
    "code_block": "code block",
    "programming": "programming topic",
    "error_trace": "error trace",
    "math_words": "math",
    "math_symbols": "math notation",
    "proof": "asks for a proof",
    "reasoning": "asks for analysis",
    "planning": "design or planning",
    "puzzle": "logic puzzle",
    "step_by_step": "asks for step-by-step work",
    "constraints": "several constraints",
    "list_items": "multi-part request",
    "questions": "several questions",
    "creative": "creative writing",
    "rewrite": "rewrite, translate or summarise",
    "lookup": "short factual question",
    "greeting": "small talk",
    "non_english": "non-English text",
    "choices": "multiple-choice question",
    "code_request": "asks for code",
    "compute_request": "asks for a calculation",
    "role_play": "role-play",
    "advice": "asks for ideas",
    "writing": "writing task",
    "long_numbers": "large numbers",
    "explain": "asks for an explanation or definition",
    "technical_terms": "technical terms",
    "science": "science topic",
    "short_message": "short request",
    "word_problem": "numbers to work out",
    "word_problem_fractions": "fractions in a word problem",
    "word_problem_decimals": "prices or decimal amounts",
    "word_problem_names": "several people or things to track",
    "word_problem_clauses": "many clauses to combine",
    "word_problem_comparisons": "comparisons (more than, twice)",
    "choice_negation": "negated question (not, except)",
    "choice_digits": "numeric options",
    "choice_decimals": "decimal numbers",
    "code_names": "names the exact code or product",
    "wordplay": "letter-level wordplay (rhymes, letters)",
}


def _label(name: str, features: Features, tokens: int) -> str:
    if name == "length":
        return _size(tokens)
    if name == "lines":
        return "many lines"
    if name == "code_lines":
        return f"{features.code_lines} lines of code"
    if name == "numbers":
        return "1 number" if features.numbers == 1 else f"{features.numbers} numbers"
    return _LABELS[name]


def _size(tokens: int) -> str:
    return f"{tokens} token" if tokens == 1 else f"{tokens} tokens"


def tier_for(score: float, thresholds: tuple[float, ...] = TIER_THRESHOLDS) -> int:
    return 1 + sum(map(ge, repeat(score), thresholds))


def _score(features: Features, shift: float = 0.0) -> float:
    """sigmoid(weights · features + shift); `shift` is what the escalation memory adds."""
    logit = sum(map(mul, WEIGHTS, features.values)) + shift
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, logit))))


_REASON_ROWS = tuple(zip(NAMES[1:], WEIGHTS[1:], TYPICAL[1:]))
"""(name, weight, typical) per feature, in `Features.values` order; the bias is never a reason."""


TYPICAL_REQUEST = "a typical request"


def _reasons(features: Features, tokens: int, tier: int) -> tuple[str, ...]:
    """The features that moved the score most toward the tier it reached.

    Above tier 1 a person asks "why not the cheapest?", so what pushed the score up is quoted; at
    tier 1, what made the message easy.
    """
    direction = 1.0 if tier >= 2 else -1.0
    # Only the few features present in the message are looked at in Python; the rest are skipped in C.
    values = features.values[1:]
    present = compress(zip(_REASON_ROWS, values), map(_PRESENT.__lt__, values))
    pushes = sorted(
        (
            (push, name)
            for (name, weight, typical), value in present
            if (push := direction * weight * (value - typical)) > 0
        ),
        reverse=True,
    )
    reasons = [_label(name, features, tokens) for _, name in pushes[:3]]
    if not reasons and tier >= 2:
        # Nothing pushed it up: it sits where most requests do, and nothing made it easy enough
        # for tier 1. Said so, rather than quoting its size as if the size had decided.
        reasons.append(TYPICAL_REQUEST)
    size = _size(tokens)
    if size not in reasons:
        reasons.append(size)
    return tuple(reasons)


def _at(*names: str) -> tuple[int, ...]:
    """Positions of features in `Features.values`: read directly, a dict per message costs ~1.5 µs."""
    return tuple(NAMES.index(name) for name in names)


def _has(values: tuple[float, ...], positions: tuple[int, ...]) -> bool:
    return any(map(values.__getitem__, positions))


_GREETING = _at("greeting")
_REWRITE = _at("rewrite")
_LOOKUP = _at("lookup")
_LONG_ANSWER = _at("code_request", "code_block", "creative", "writing")
_WORKED_ANSWER = _at("proof", "compute_request", "step_by_step")
_CODE_WORK = _at("code_request", "code_block", "error_trace")


def _expected_output(values: tuple[float, ...], message_tokens: int) -> int:
    """A typical answer length for this kind of message: only used to estimate cost."""
    if _has(values, _GREETING):
        return 40
    if _has(values, _REWRITE):
        return min(4000, max(60, int(message_tokens * 1.1)))
    if _has(values, _LOOKUP):
        return 150
    if _has(values, _LONG_ANSWER):
        return 700
    if _has(values, _WORKED_ANSWER):
        return 500
    return 350


def _previous_user_score(history: Sequence[Turn]) -> float | None:
    for turn in reversed(history):
        if turn.role == "user":
            if turn.score is not None:
                return turn.score
            return _score(extract(turn.text, turn.tokens or estimate_tokens(turn.text)))
    return None


def _escalation_floor(history: Sequence[Turn], floor_turns: int) -> tuple[int, int]:
    """(tier, user turns since) of the latest escalation still within `floor_turns`; (1, 0) if none."""
    user_turns_since = 0
    for turn in reversed(history):
        if turn.role == "user":
            user_turns_since += 1
            if user_turns_since >= floor_turns:
                break
        elif turn.role == "assistant" and turn.escalated and turn.tier:
            return turn.tier, user_turns_since
    return 1, 0


def assess(
    message: str,
    history: Sequence[Turn] = (),
    floor_turns: int = DEFAULT_FLOOR_TURNS,
    thresholds: tuple[float, ...] = TIER_THRESHOLDS,
    memory: EscalationMemory | None = None,
) -> Assessment:
    """Grade `message` given the conversation before it (system prompt included as a turn).

    `thresholds` are the scores that need tier 2, 3, 4, 5: the fitted ones, or the dial's
    (`routing.dial.thresholds_for`). `memory` moves the score toward what the user's own
    escalations say about similar messages (`routing.memory`).
    """
    message_tokens = estimate_tokens(message)
    history_tokens = sum(turn.tokens if turn.tokens is not None else estimate_tokens(turn.text) for turn in history)
    input_tokens = message_tokens + history_tokens
    features = extract(message, message_tokens)
    recall = memory.recall(message) if memory is not None else NOTHING
    score = _score(features, recall.shift)
    reasons = list(_reasons(features, message_tokens, tier_for(score, thresholds)))
    if recall.reason is not None:
        reasons.insert(0, recall.reason)

    previous = _previous_user_score(history) if features.follow_up else None
    if previous is not None and previous * FOLLOW_UP_INHERITANCE > score:
        score = previous * FOLLOW_UP_INHERITANCE
        hard = tier_for(previous, thresholds) >= 3
        reasons.insert(0, "follow-up to a hard question" if hard else "follow-up")

    needed_tier = tier_for(score, thresholds)
    floor_tier, turns_ago = _escalation_floor(history, floor_turns)
    if floor_tier > needed_tier:
        needed_tier = floor_tier
        when = "the last message" if turns_ago <= 1 else f"{turns_ago} messages ago"
        reasons.insert(0, f"conversation escalated to tier {floor_tier} {when}")

    tags: set[str] = set()
    # The catalog tags models that are strong at code; only real coding work needs one.
    if needed_tier >= CODE_TAG_TIER and _has(features.values, _CODE_WORK):
        tags.add("code")
    if input_tokens > LONG_CONTEXT_TOKENS:
        tags.add("long-context")
    return Assessment(
        score=score,
        needed_tier=needed_tier,
        needed_tags=frozenset(tags),
        input_tokens=input_tokens,
        message_tokens=message_tokens,
        output_tokens=_expected_output(features.values, message_tokens),
        tokens_estimated=True,
        reasons=tuple(reasons),
        follow_up=previous is not None,
        floor_tier=floor_tier,
    )
