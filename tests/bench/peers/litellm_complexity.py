"""A re-implementation of LiteLLM's rule-based complexity router (`classifier_type: heuristic`).

Written here from LiteLLM's own description of it, not imported (LiteLLM is not a dependency):

- `BerriAI/litellm` @ 00c7fd8376decfbc4f1908281a4da0d725457249,
  `litellm/router_strategy/complexity_router/README.md`: the 7 dimensions and their weights,
  the tier boundaries 0.15 / 0.35 / 0.60, the token thresholds 15 / 400, the reasoning override
  (2+ reasoning markers promote to REASONING once the score reaches `simple_medium`).
- `BerriAI/litellm` @ 006f3eb016a3b1f1b453ae1889277d257dd34e95,
  `litellm/router_strategy/complexity_router/config.py`: the default keyword lists
  (`DEFAULT_CODE_KEYWORDS`, `DEFAULT_REASONING_KEYWORDS`, `DEFAULT_TECHNICAL_KEYWORDS`,
  `DEFAULT_SIMPLE_KEYWORDS`), which are the published defaults and are reproduced as data.
- `litellm/router_strategy/complexity_router/complexity_router.py` (same repository): how a
  dimension turns matches into a value, read to describe it, summarised in `DIMENSIONS` below.

How it scores a message (no system prompt here, so "full text" is the message):

| dimension | weight | value |
|---|---|---|
| tokenCount | 0.10 | -1 under 15 estimated tokens (chars // 4), +1 over 400, else 0 |
| codePresence | 0.30 | 0.5 for one code keyword, 1.0 for two or more |
| reasoningMarkers | 0.25 | 0.7 for one reasoning phrase, 1.0 for two or more |
| technicalTerms | 0.25 | 0.5 for two technical terms, 1.0 for four or more |
| simpleIndicators | 0.05 | -1 for any simple phrase ("what is", "hi", "brief", ...) |
| multiStepPatterns | 0.03 | 0.5 when "first ... then", "step N", "N. " or "a) " appears |
| questionComplexity | 0.02 | 0.5 for more than three question marks |

A keyword of one word matches on word boundaries, a phrase as a substring, both lower-cased;
each distinct keyword counts once. The weighted sum is the score; the tier is SIMPLE below 0.15,
MEDIUM below 0.35, COMPLEX below 0.60, REASONING above, and two or more reasoning phrases lift the
tier to REASONING when the score is at least 0.15. LiteLLM's later additions (custom dimensions,
CJK word rules, escalation keywords, session pins, the LLM and "heuristic_v2" classifiers) are
not part of this peer: it is the default heuristic scorer a LiteLLM user gets out of the box.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

WEIGHTS: dict[str, float] = {
    "tokenCount": 0.10,
    "codePresence": 0.30,
    "reasoningMarkers": 0.25,
    "technicalTerms": 0.25,
    "simpleIndicators": 0.05,
    "multiStepPatterns": 0.03,
    "questionComplexity": 0.02,
}
BOUNDARIES = (0.15, 0.35, 0.60)
"""simple_medium, medium_complex, complex_reasoning."""
TIERS = ("SIMPLE", "MEDIUM", "COMPLEX", "REASONING")
SHORT_TOKENS = 15
LONG_TOKENS = 400
REASONING_OVERRIDE_MIN_SCORE = BOUNDARIES[0]

CODE_KEYWORDS = (
    "function class def const let var import export return async await try catch exception error debug api "
    "endpoint request response database sql query schema algorithm implement refactor optimize python "
    "javascript typescript java rust golang react vue angular node docker kubernetes git commit merge branch"
).split() + ["pull request"]
REASONING_KEYWORDS = [
    "step by step", "think through", "let's think", "reason through", "analyze this", "break down",
    "explain your reasoning", "show your work", "chain of thought", "think carefully", "consider all",
    "evaluate", "pros and cons", "compare and contrast", "weigh the options", "logical", "deduce", "infer",
    "conclude",
]
TECHNICAL_KEYWORDS = (
    "architecture distributed scalable microservice encryption authentication authorization performance "
    "latency throughput benchmark concurrency parallel threading memory cpu gpu optimization protocol tcp "
    "http grpc websocket container orchestration"
).split() + ["machine learning", "neural network", "deep learning"]
SIMPLE_KEYWORDS = [
    "what is", "what's", "define", "definition of", "who is", "who was", "when did", "when was", "where is",
    "where was", "how many", "how much", "yes or no", "true or false", "simple", "brief", "short", "quick",
    "hello", "hi", "hey", "thanks", "thank you", "goodbye", "bye", "okay",
]
MULTI_STEP = (
    re.compile(r"first.*?then", re.IGNORECASE),
    re.compile(r"step\s*\d", re.IGNORECASE),
    re.compile(r"\d+\.\s"),
    re.compile(r"[a-z]\)\s", re.IGNORECASE),
)


class _Matcher:
    """Counts the distinct keywords of one list present in a lower-cased text."""

    def __init__(self, keywords: list[str]) -> None:
        self.phrases = tuple(keyword for keyword in keywords if " " in keyword)
        words = [keyword for keyword in keywords if " " not in keyword]
        # One alternation for all single words; the set of what it finds is the distinct matches.
        self.words = re.compile(r"\b(?:" + "|".join(re.escape(word) for word in words) + r")\b") if words else None

    def count(self, text: str) -> int:
        found = len(set(self.words.findall(text))) if self.words else 0
        return found + sum(1 for phrase in self.phrases if phrase in text)


_CODE = _Matcher(CODE_KEYWORDS)
_REASONING = _Matcher(REASONING_KEYWORDS)
_TECHNICAL = _Matcher(TECHNICAL_KEYWORDS)
_SIMPLE = _Matcher(SIMPLE_KEYWORDS)


def _graded(count: int, low: int, high: int, low_value: float, high_value: float) -> float:
    if count >= high:
        return high_value
    if count >= low:
        return low_value
    return 0.0


@dataclass(frozen=True, slots=True)
class Classification:
    score: float
    tier: str
    dimensions: dict[str, float]


def classify(prompt: str) -> Classification:
    text = prompt.lower()
    tokens = len(prompt) // 4
    reasoning_matches = _REASONING.count(text)
    dimensions = {
        "tokenCount": -1.0 if tokens < SHORT_TOKENS else (1.0 if tokens > LONG_TOKENS else 0.0),
        "codePresence": _graded(_CODE.count(text), 1, 2, 0.5, 1.0),
        "reasoningMarkers": _graded(reasoning_matches, 1, 2, 0.7, 1.0),
        "technicalTerms": _graded(_TECHNICAL.count(text), 2, 4, 0.5, 1.0),
        "simpleIndicators": -1.0 if _SIMPLE.count(text) >= 1 else 0.0,
        "multiStepPatterns": 0.5 if any(pattern.search(text) for pattern in MULTI_STEP) else 0.0,
        "questionComplexity": 0.5 if prompt.count("?") > 3 else 0.0,
    }
    score = sum(WEIGHTS[name] * value for name, value in dimensions.items())
    tier = TIERS[sum(score >= boundary for boundary in BOUNDARIES)]
    if reasoning_matches >= 2 and score >= REASONING_OVERRIDE_MIN_SCORE:
        tier = "REASONING"
    return Classification(score=score, tier=tier, dimensions=dimensions)


def score(prompt: str) -> float:
    """The weighted score: LiteLLM's own ranking of how complex a message is."""
    return classify(prompt).score


def tier_rank(prompt: str) -> float:
    """The tier as a number (0 SIMPLE ... 3 REASONING): what LiteLLM actually routes on."""
    return float(TIERS.index(classify(prompt).tier))
