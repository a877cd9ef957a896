"""What the classifier looks at in a message: cheap, explainable signals of difficulty.

Everything here is set intersections, substring tests and a few regular expressions over at
most `WINDOW` characters, so a feature vector costs a few microseconds whatever the message size.
The weights that turn these features into a score live in `weights.py` and are fitted offline.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

HEAD = 2500
TAIL = 1000
WINDOW = HEAD + TAIL
"""Only the start and the end of a long message are read: that is where people put the request."""

_WORD_BYTES = bytes(byte if chr(byte) in "abcdefghijklmnopqrstuvwxyz'+#" else 0x20 for byte in range(256))
"""Every byte that cannot be part of a word becomes a space: `translate` + `split` is the word scan.
Three times faster than a regular expression; UTF-8 bytes of other scripts become spaces too."""
_NUMBER = re.compile(r"[0-9]+(?:[.,][0-9]+)?")
"""ASCII digits only: `\\d` tests every character against Unicode's digit table, a third slower."""
_NOT_DIGITS = bytes(byte for byte in range(256) if not 0x30 <= byte <= 0x39)
"""Deleting every other byte leaves the digits: their count, and whether to look for numbers at all."""
_MATH_SYMBOL = re.compile(r"[=+^*/<>√∫∑π≤≥$]")
"""A character class alone, with `\\frac` counted apart: an alternation makes the scan twice as slow."""
_FRACTION = re.compile(r"\d/\d")
_CAPITALISED = re.compile(r"[A-Z][a-z]")
"""Names of people, shops and things (and sentence starts): how many entities a word problem juggles."""
_ACRONYM = re.compile(r"[A-Z][A-Z0-9]+")
"""SQL, AVX2, ECS, CH4: technical terms and niche names, where a small model's knowledge thins out.
No word boundaries: they make the scan three times slower, and a run of capitals inside a word
(HTTPServer) is a technical term too."""
_SNAKE_CASE = re.compile(r"[a-z0-9]_[a-z0-9]")
_CASE_BYTES = bytes(0x61 if 0x61 <= byte <= 0x7A else 0x41 if 0x41 <= byte <= 0x5A else 0x20 for byte in range(256))
"""Lower-case letters become "a", capitals "A", all else a space: a case change inside a word is
then `b"aA"`, found three times faster than by a regular expression."""
_CALL = re.compile(r"[A-Za-z_]\w\w\(")
"""snake_case, a case change inside a word (getUser, and product names: JavaScript, PyTorch,
iPhone) or a call `name(`: the message names exactly what it is about. Looked for one at a time,
`_` and `(` first: four times faster than one alternation. A case change only at the start of a
word (getUser but not iPhone) lost most of the signal."""
_CHOICE_MARKERS = ("\na.", "\nb.", "\nc.", "\nd.", "\na)", "\nb)", "\nc)", "\nd)")
_LIST_ITEM = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*•]|[a-e][.)])\s", re.MULTILINE)
_CODE_LINE = re.compile(
    r"^\s*(?:def |class |import |from \S+ import|#include|function\b|const |let |var |public |"
    r"private |fn |func |SELECT |return\b|for \(|if \(|while \(|\}|<\w+[ >])|[;{]\s*$",
    re.MULTILINE,
)


def _words(*groups: str) -> frozenset[bytes]:
    """Keyword sets hold bytes: the message's words are scanned as bytes (see `_WORD_BYTES`)."""
    return frozenset(word.encode() for group in groups for word in group.split())


@dataclass(frozen=True, slots=True)
class _Phrases:
    """Phrases looked for in the lowered text, only once a message has one of their first words."""

    heads: frozenset[bytes]
    texts: tuple[str, ...]

    def said_in(self, low: str, hits: frozenset[bytes]) -> bool:
        return bool(hits & self.heads) and any(phrase in low for phrase in self.texts)


def _phrases(*texts: str) -> _Phrases:
    # "role-play" starts with the word "role": hyphens end words.
    return _Phrases(frozenset(text.replace("-", " ").split()[0].encode() for text in texts), texts)


PROGRAMMING = _words(
    "python javascript typescript java rust golang c++ c# kotlin swift php ruby sql bash shell",
    "regex html css react django flask pandas numpy dataframe api json yaml docker kubernetes",
    "git linux function functions class method variable compile compiler runtime async thread",
    "debug bug exception traceback stack algorithm recursion script code coding program query",
    "database server frontend backend npm pip library framework",
    "mutex semaphore deadlock pointer pointers malloc segfault concurrency multithreading",
)
MATH = _words(
    "equation equations solve integral derivative matrix probability theorem lemma prime",
    "polynomial calculus algebra geometry vector eigenvalue logarithm sqrt sin cos tan limit",
    "converge series modulo factorial permutation combinatorics expected variance triangle",
    "radius area volume percent percentage ratio fraction sum product remainder divisible",
)
PROOF = _words("prove proof proves derive derivation disprove demonstrate rigorous formally")
REASONING = _words(
    "why analyze analyse compare contrast evaluate reason reasoning justify critique",
    "implications tradeoffs trade-offs pros cons assess infer deduce hypothesis",
)
PLANNING = _words("design architect architecture plan strategy optimize optimise implement build schedule")
PUZZLE = _words("riddle puzzle trick liar liars truthful paradox logic brainteaser")
CONSTRAINTS = _words(
    "must exactly only without never always least most format formatted json table columns",
    "limit maximum minimum words sentences characters strictly ensure include exclude",
)
CREATIVE = _words("story poem poetry song lyrics haiku limerick fiction character novel joke rap")
REWRITE = _words(
    "rewrite rephrase paraphrase translate translation summarize summarise summary proofread",
    "shorten simplify grammar correct polish tldr",
)
ADVICE = _words("ideas tips suggest suggestions recommend recommendations advice brainstorm names slogan")
WRITING = _words("essay blog email letter article post speech outline cover description review")
CODE_VERBS = _words("write implement code create build fix debug refactor optimize optimise convert port")
CODE_NOUNS = _words("code function script program class query regex module snippet api algorithm app game")
COMPUTE = _words("calculate compute solve determine estimate find")
COMPUTE_PHRASES = _phrases("how many", "how much", "how long", "how far", "how often", "probability", "find the", "find all")
ROLE_PHRASES = _phrases("act as", "you are a", "you are an", "pretend", "imagine you", "roleplay", "role-play", "role play")
LOOKUP = _words("who when where define definition meaning capital name list")
EXPLAIN = _words("explain explanation describe overview introduction introduce eli5")
EXPLAIN_PHRASES = _phrases("what is", "what are", "tell me about", "how does", "how do ")
SCIENCE = _words(
    "physics chemistry chemical quantum molecule molecular reaction energy velocity acceleration force",
    "voltage current circuit resistance thermodynamics entropy electron proton mass gravity momentum",
    "wavelength frequency pressure temperature enzyme protein dna genome",
)
GREETING = _words("hi hello hey thanks thank ok okay cool great bye")
NUMBER_WORDS = _words("one two three four five six seven eight nine ten twelve twenty hundred thousand dozen twice")
FRACTION_WORDS = _words("half halves third thirds quarter quarters fourth fifth fifths")
COMPARISONS = _words("more less fewer than times twice")
NEGATIONS = _words("not no never except false incorrect cannot isn't doesn't least")
WORDPLAY = _words(
    "letters rhyme rhymes rhyming anagram anagrams palindrome palindromes acrostic syllable syllables",
    "spelled spelling backwards initials alliteration lipogram",
)
"""Letter-level tasks: models see tokens, not letters, and the smaller ones get these wrong."""
FOLLOW_UP = _words("it this that these those again also instead now same above previous more")

_VOCABULARY = (
    PROGRAMMING | MATH | PROOF | REASONING | PLANNING | PUZZLE | CONSTRAINTS | CREATIVE | REWRITE | ADVICE
    | WRITING | CODE_VERBS | CODE_NOUNS | COMPUTE | LOOKUP | GREETING | FOLLOW_UP | EXPLAIN | SCIENCE
    | NUMBER_WORDS | FRACTION_WORDS | COMPARISONS | NEGATIONS | WORDPLAY
    | COMPUTE_PHRASES.heads | ROLE_PHRASES.heads | EXPLAIN_PHRASES.heads
)
QUANTITY_WORDS = NUMBER_WORDS | FRACTION_WORDS
NOT_A_CALCULATION = CREATIVE | WRITING | ADVICE
"""A story, an email or ideas that mention numbers ask for writing, not for a calculation."""
WORD_PROBLEM_MAX_LINES = 6
SHORT_MESSAGE_TOKENS = 16
"""A one-line request: the length feature is fitted on longer prompts and says too little about these."""

NAMES = (
    "bias",
    "length",
    "lines",
    "code_block",
    "code_lines",
    "programming",
    "error_trace",
    "math_words",
    "math_symbols",
    "numbers",
    "proof",
    "reasoning",
    "planning",
    "puzzle",
    "step_by_step",
    "constraints",
    "list_items",
    "questions",
    "creative",
    "rewrite",
    "lookup",
    "greeting",
    "non_english",
    "choices",
    "code_request",
    "compute_request",
    "role_play",
    "advice",
    "writing",
    "long_numbers",
    "explain",
    "technical_terms",
    "science",
    "short_message",
    "word_problem",
    "word_problem_fractions",
    "word_problem_decimals",
    "word_problem_names",
    "word_problem_clauses",
    "word_problem_comparisons",
    "choice_negation",
    "choice_digits",
    "choice_decimals",
    "code_names",
    "wordplay",
)
"""Feature order, shared with the weight vector in `weights.py`.

The `word_problem_*` and `choice_*` features are zero unless the message is a word problem (prose
with quantities and a question) or a multiple-choice question: what makes one of those hard is not
what makes a chat message hard (a comma is nothing in an essay request, a step in a word problem).
`code_names` and `wordplay` are the reverse: chat-request signals, zero in those two kinds."""


@dataclass(frozen=True, slots=True)
class Features:
    values: tuple[float, ...]
    """One value per name in `NAMES`, each roughly in [0, 1]."""
    numbers: int
    """Distinct numbers seen: kept for the reasons shown to people."""
    code_lines: int
    follow_up: bool
    """Short and refers back ("make it faster", "why?"): inherits difficulty from the previous turn."""

    def named(self) -> dict[str, float]:
        return dict(zip(NAMES, self.values))


def _saturate(count: float, scale: float) -> float:
    """Maps a count to [0, 1): the first few occurrences matter, the fiftieth barely."""
    return 1.0 - math.exp(-count / scale) if count else 0.0


def extract(text: str, tokens: int) -> Features:
    window = text if len(text) <= WINDOW else text[:HEAD] + "\n" + text[-TAIL:]
    low = window.lower()
    encoded = window.encode("utf-8", "surrogatepass")
    # One pass against every keyword at once; the per-category tests below then only touch the few hits.
    words = encoded.lower().translate(_WORD_BYTES).split()
    hits = _VOCABULARY.intersection(words)
    digits = len(encoded.translate(None, _NOT_DIGITS))
    numbers = set(_NUMBER.findall(window)) if digits else set()
    multi_line = "\n" in window
    # Line-anchored patterns only matter for text that has lines; most chat messages have one.
    code_lines = len(_CODE_LINE.findall(window)) if multi_line or ";" in window or "{" in window else 0
    list_items = len(_LIST_ITEM.findall(window)) if multi_line else 0
    non_ascii = len(encoded) - len(window)
    math_symbols = len(_MATH_SYMBOL.findall(window)) + window.count("\\frac")
    word_count = max(1, low.count(" ") + 1)
    choices = sum(map(low.__contains__, _CHOICE_MARKERS)) if multi_line else 0
    follow_up = tokens <= 24 and (bool(hits & FOLLOW_UP) or low.startswith(("and ", "but ", "so ", "what about")))
    compute_request = bool(hits & COMPUTE) or COMPUTE_PHRASES.said_in(low, hits)
    is_choice = choices >= 3
    is_word_problem = (
        not is_choice
        and code_lines == 0
        and "```" not in window
        and window.count("\n") <= WORD_PROBLEM_MAX_LINES
        and len(numbers) + len(hits & QUANTITY_WORDS) >= 2
        and ("?" in window or compute_request)
        and not hits & NOT_A_CALCULATION
    )
    values = (
        1.0,
        math.log1p(tokens) / 10.0,
        _saturate(window.count("\n"), 20.0),
        1.0 if "```" in window else 0.0,
        _saturate(code_lines, 4.0),
        _saturate(len(hits & PROGRAMMING), 2.0),
        1.0 if ("traceback" in low or "error:" in low or "exception" in low) else 0.0,
        _saturate(len(hits & MATH), 2.0),
        _saturate(math_symbols, 6.0),
        _saturate(len(numbers), 4.0),
        1.0 if hits & PROOF else 0.0,
        _saturate(len(hits & REASONING), 2.0),
        _saturate(len(hits & PLANNING), 2.0),
        1.0 if hits & PUZZLE else 0.0,
        1.0 if "step by step" in low or "step-by-step" in low else 0.0,
        _saturate(len(hits & CONSTRAINTS), 3.0),
        _saturate(list_items, 4.0),
        _saturate(low.count("?"), 2.0),
        1.0 if hits & CREATIVE else 0.0,
        1.0 if hits & REWRITE else 0.0,
        1.0 if (hits & LOOKUP and word_count <= 12) else 0.0,
        1.0 if (hits & GREETING and word_count <= 6) else 0.0,
        min(1.0, non_ascii / max(1, len(window)) * 3.0),
        1.0 if is_choice else 0.0,
        1.0 if (hits & CODE_VERBS and hits & CODE_NOUNS) else 0.0,
        1.0 if compute_request else 0.0,
        1.0 if ROLE_PHRASES.said_in(low, hits) else 0.0,
        1.0 if hits & ADVICE else 0.0,
        1.0 if hits & WRITING else 0.0,
        _saturate(sum(1 for number in numbers if len(number) >= 3), 3.0),
        1.0 if (hits & EXPLAIN or EXPLAIN_PHRASES.said_in(low, hits)) else 0.0,
        _saturate(len(_ACRONYM.findall(window)), 2.0),
        _saturate(len(hits & SCIENCE), 2.0),
        1.0 if tokens <= SHORT_MESSAGE_TOKENS else 0.0,
        *_word_problem(window, hits, numbers, is_word_problem),
        *_choice_question(window, words, numbers, digits, is_choice),
        *_chat_request(window, encoded, hits, is_choice or is_word_problem),
    )
    return Features(values=values, numbers=len(numbers), code_lines=code_lines, follow_up=follow_up)


def _word_problem(window: str, hits: frozenset[bytes], numbers: set[str], present: bool) -> tuple[float, ...]:
    """How many steps a word problem takes: fractions, entities, clauses, comparisons (decimal prices: few)."""
    if not present:
        return (0.0,) * 6
    return (
        1.0,
        _saturate(len(_FRACTION.findall(window)) + len(hits & FRACTION_WORDS), 2.0),
        _saturate(sum("." in number for number in numbers), 2.0),
        _saturate(len(_CAPITALISED.findall(window)), 6.0),
        _saturate(window.count(","), 6.0),
        _saturate(len(hits & COMPARISONS), 3.0),
    )


def _choice_question(
    window: str, words: list[bytes], numbers: set[str], digits: int, present: bool
) -> tuple[float, ...]:
    """What sets a hard multiple-choice question apart: negations ("which is NOT"), numeric options."""
    if not present:
        return (0.0,) * 3
    return (
        _saturate(sum(word in NEGATIONS for word in words), 2.0),
        min(1.0, 5.0 * digits / len(window)),
        _saturate(sum("." in number for number in numbers), 2.0),
    )


def _chat_request(window: str, encoded: bytes, hits: frozenset[bytes], exam: bool) -> tuple[float, ...]:
    """Signals of an open chat request, off in word problems and multiple-choice questions.

    `code_names`: the message names exactly the code or product it is about (parse_args, getUser,
    `len(`, PyTorch): given the programming words, an easier request than one about a technique in
    general terms (the dev data says so on both Arena tables). A call counts only among programming
    words: `sqrt(2)` in a proof is mathematics. `wordplay`: rhymes, anagrams, letter counts.
    """
    if exam:
        return (0.0, 0.0)
    return (
        1.0
        if ("_" in window and _SNAKE_CASE.search(window))
        or b"aA" in encoded.translate(_CASE_BYTES)
        or ("(" in window and hits & PROGRAMMING and _CALL.search(window))
        else 0.0,
        1.0 if hits & WORDPLAY else 0.0,
    )
