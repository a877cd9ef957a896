"""What the demo server says: canned Markdown answers, picked by the kind of prompt and the bot.

The kind (code, maths, greeting, anything else) is read with the classifier's own features, so a
prompt the router treats as code gets a code answer. Stronger bots write more: the tier-1 bot gives
the core of an answer, tier 3-4 adds how and why, tier 5 adds edge cases, costs and checks, so an
escalation visibly differs. Each answer opens by saying it is a demo answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bytechat_tui.pricing.catalog import ModelInfo
from bytechat_tui.routing.features import extract
from bytechat_tui.tokens import estimate_tokens

_LANGUAGES = {
    "python": ("Python", "python3 words.py < notes.txt"),
    "javascript": ("JavaScript", "node words.js < notes.txt"),
    "rust": ("Rust", "cargo run --release < notes.txt"),
    "go": ("Go", "go run words.go < notes.txt"),
    "bash": ("Bash", "bash words.sh < notes.txt"),
    "sql": ("SQL", "sqlite3 notes.db < top_words.sql"),
}
"""The languages the demo writes (each a fence name of its snippet), with how to run the program."""
_LANGUAGE_WORDS = re.compile(
    r"\b(?:(python|py|django|flask|pandas)|(javascript|js|node(?:\.?js)?|typescript|ts|react)|(rust|cargo)"
    r"|(golang|go(?= (?:code|function|program|script)\b)|in go\b)|(bash|shell|sh|zsh)"
    r"|(sql|sqlite|postgres(?:ql)?|mysql|select\b[^;]*\bfrom))\b",
    re.IGNORECASE,
)
_OTHER_LANGUAGES = re.compile(
    r"(?<!\w)(?:java|kotlin|swift|c\+\+|c#|ruby|php|haskell|scala|elixir)(?![\w+#])", re.IGNORECASE
)

_SNIPPETS = {
    "python": '''import re
import sys
from collections import Counter


def word_counts(text: str) -> Counter[str]:
    """How often each word occurs, ignoring case."""
    return Counter(re.findall(r"[a-z']+", text.lower()))


if __name__ == "__main__":
    for word, count in word_counts(sys.stdin.read()).most_common(10):
        print(word, count)''',
    "javascript": '''const text = require("fs").readFileSync(0, "utf8");

function wordCounts(text) {
  const counts = new Map();
  for (const word of text.toLowerCase().match(/[a-z']+/g) ?? []) {
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return counts;
}

const top = [...wordCounts(text)].sort((a, b) => b[1] - a[1]).slice(0, 10);
for (const [word, count] of top) console.log(word, count);''',
    "rust": '''use std::collections::HashMap;
use std::io::{self, Read};

fn word_counts(text: &str) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for word in text.split(|c: char| !c.is_alphabetic() && c != '\\'').filter(|w| !w.is_empty()) {
        *counts.entry(word.to_lowercase()).or_insert(0) += 1;
    }
    counts
}

fn main() -> io::Result<()> {
    let mut text = String::new();
    io::stdin().read_to_string(&mut text)?;
    let mut counts: Vec<_> = word_counts(&text).into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    for (word, count) in counts.iter().take(10) {
        println!("{word} {count}");
    }
    Ok(())
}''',
    "go": '''package main

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"
	"unicode"
)

func main() {
	counts := map[string]int{}
	scanner := bufio.NewScanner(os.Stdin)
	scanner.Split(bufio.ScanWords)
	for scanner.Scan() {
		word := strings.ToLower(strings.TrimFunc(scanner.Text(), func(r rune) bool { return !unicode.IsLetter(r) }))
		if word != "" {
			counts[word]++
		}
	}
	words := make([]string, 0, len(counts))
	for word := range counts {
		words = append(words, word)
	}
	sort.Slice(words, func(i, j int) bool { return counts[words[i]] > counts[words[j]] })
	for i := 0; i < len(words) && i < 10; i++ {
		fmt.Println(words[i], counts[words[i]])
	}
}''',
    "bash": """#!/usr/bin/env bash
# The ten most frequent words of standard input, ignoring case.
tr '[:upper:]' '[:lower:]' \\
  | tr -cs "[:alpha:]'" '\\n' \\
  | grep -v '^$' \\
  | sort | uniq -c | sort -rn | head -n 10""",
    "sql": """-- words(word TEXT): one row per word of the text.
SELECT lower(word) AS word, count(*) AS count
FROM words
GROUP BY lower(word)
ORDER BY count DESC, word
LIMIT 10;""",
}


def answer_for(prompts: Sequence[str], model: ModelInfo, room: Sequence[tuple[str, ModelInfo]]) -> str:
    """The answer to the last of the user's `prompts`, as thorough as `model`'s tier; `room` is the
    demo room's bots (name, model copied), for the answer that shows their prices."""
    depth = 1 if model.tier <= 2 else 2 if model.tier <= 4 else 3
    prompts = list(prompts) or [""]
    kind, prompt = _kind(prompts[-1]), prompts[-1]
    for earlier in reversed(prompts[:-1]):  # "now make it faster" keeps to what it follows
        if kind != "general" or not extract(prompt, estimate_tokens(prompt)).follow_up:
            break
        kind, prompt = _kind(earlier), earlier
    note = f"> **Demo answer**, written by ByteChat's built-in demo server, priced as `{model.id}`; no model was asked."
    if kind == "general":
        body = _general_answer(prompt, depth, room)
    else:
        body = {"code": _code_answer, "math": _math_answer, "greeting": _greeting_answer}[kind](prompt, depth)
    return f"{note}\n\n{body.strip()}\n"


def _kind(prompt: str) -> str:
    named = extract(prompt, estimate_tokens(prompt)).named()
    if named["code_request"] or named["code_block"] or named["error_trace"] or named["code_lines"] > 0.2:
        return "code"
    computes = named["compute_request"] and named["numbers"]
    if named["proof"] or named["math_words"] > 0.3 or named["math_symbols"] > 0.3 or computes:
        return "math"
    return "greeting" if named["greeting"] else "general"


def _code_answer(prompt: str, depth: int) -> str:
    found = _LANGUAGE_WORDS.search(prompt)
    language = next(name for name, group in zip(_LANGUAGES, found.groups()) if group) if found else "python"
    label, run = _LANGUAGES[language]
    aside = ""
    if found is None and (other := _OTHER_LANGUAGES.search(prompt)):
        known = ", ".join(label for label, _ in _LANGUAGES.values())
        aside = f" The demo server writes only {known}; here is Python instead of {other.group(0)}."
    parts = [
        f"## Counting words in {label}\n\nA small, complete program: the ten most frequent words of "
        f"its input, ignoring case.{aside}\n\n```{language}\n{_SNIPPETS[language]}\n```"
    ]
    if depth >= 2:
        parts.append(
            "### How it works\n\n1. Lower-case the text, so *The* and *the* count once.\n2. Split it into words"
            " (letters and apostrophes).\n3. Count each word, sort by count and keep the first ten.\n\n"
            f"### Run it\n\n```bash\n{run}\n```"
        )
    if depth >= 3:
        parts.append(
            "### Edge cases\n\n- **Empty input** prints nothing rather than failing.\n- **Ties** keep a stable order"
            " where the language sorts stably; sort by word too if the order must be fixed.\n- **Non-English text**:"
            " the word pattern keeps letters only, so add the scripts you need.\n\n### Cost\n\nOne pass over the"
            " text, *O(n)*, then sorting the distinct words, *O(k log k)*; memory grows with *k*, the vocabulary,"
            f" not with the text.\n\n### Check it\n\n```text\n$ echo 'the cat and the hat' > notes.txt\n$ {run}\n"
            "the 2\nand 1\ncat 1\nhat 1\n```"
        )
    return "\n\n".join(parts)


def _math_answer(prompt: str, depth: int) -> str:
    low = prompt.lower()
    if "irrational" in low or "sqrt(2)" in low or "√2" in low or "root of 2" in low:
        title, steps, why = (
            "√2 is irrational",
            ["Suppose √2 = p/q with integers p, q > 0 and the fraction in lowest terms.",
             "Squaring: p² = 2q², so p² is even, and so p is even (an odd number squared is odd).",
             "Write p = 2k: then 4k² = 2q², so q² = 2k² and q is even too.",
             "Both even contradicts lowest terms, so no such fraction exists. ∎"],
            "The same argument shows √n is irrational for every n that is not a perfect square.",
        )  # fmt: skip
    elif "prime" in low:
        title, steps, why = (
            "There are infinitely many primes",
            ["Suppose there are finitely many primes p₁, p₂, …, pₙ.",
             "Let N = p₁·p₂·…·pₙ + 1. Dividing N by any pᵢ leaves remainder 1.",
             "N > 1 has a prime factor, and it is none of the pᵢ.",
             "So the list was not complete: there is always another prime. ∎"],
            "Euclid's argument does not say N is prime: 2·3·5·7·11·13 + 1 = 30031 = 59 · 509.",
        )  # fmt: skip
    else:
        title, steps, why = (
            "A worked approach",
            ["Name the unknown and write what is given as an equation, e.g. 2x + 3 = 11.",
             "Do the same to both sides to isolate it: 2x = 8.",
             "Divide: x = 4.",
             "Check by substituting back: 2·4 + 3 = 11. ✓"],
            "Checking the result against the original statement catches most slips.",
        )  # fmt: skip
    numbered = "\n".join(f"{index}. {step}" for index, step in enumerate(steps, 1))
    parts = [f"## {title}\n\n{numbered}"]
    if depth >= 2:
        parts.append(f"### Why it holds\n\n{why}")
    if depth >= 3:
        parts.append(
            "### The shape of the argument\n\n- **Assume** the opposite of what is to be shown.\n- **Derive** a"
            " consequence step by step, each justified.\n- **Contradict** the assumption, which therefore fails."
            "\n\n```text\nassume → derive → contradiction → ∎\n```"
        )
    return "\n\n".join(parts)


def _greeting_answer(prompt: str, depth: int) -> str:
    hello = "## Hello!\n\nThis is the demo room: three bots at real prices, answered offline."
    if depth == 1:
        return hello
    return (
        f"{hello}\n\nThings to try:\n\n- Ask for code (*write a Rust program that counts words*) to see highlighting.\n"
        "- Ask for a proof: the router picks a stronger bot.\n- Press `r` to re-ask the strongest bot."
    )


def _general_answer(prompt: str, depth: int, room: Sequence[tuple[str, ModelInfo]]) -> str:
    # Quoted in a heading: without the characters Markdown would act on.
    topic = " ".join(re.sub(r"[`*_#\[\]()<>|\\]", "", prompt).split())[:60] or "your question"
    parts = [
        f"## About “{topic}”\n\nA real model would answer here. What the demo can show you is the shape of an "
        "answer and what it cost:\n\n- the line under this answer names the bot, the reason it was chosen, the"
        " tokens and the price;\n- the saving is measured against the priciest bot of the room."
    ]
    if depth >= 2:
        parts.append(
            "### Try next\n\n1. Ask for code, or a proof, and watch the route change.\n2. Press `w` to see why this"
            " bot was chosen.\n3. Press `r` to re-ask the strongest bot and compare."
        )
    if depth >= 3:
        rows = "\n".join(
            f"| {name} | `{info.id}` | {info.tier} | ${info.prices.input:g} | ${info.prices.output:g} |"
            for name, info in room
        )
        parts.append(
            "### The room's prices\n\n| bot | priced as | tier | $/Mtok in | $/Mtok out |\n|---|---|---|---|---|\n"
            f"{rows}\n\nThe strongest bot writes the longest answers, so an escalation costs visibly more."
        )
    return "\n\n".join(parts)
