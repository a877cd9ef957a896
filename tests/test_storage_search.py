"""Search over 10,000 messages: words, prefixes (typed or being typed), phrases, accents, snippets,
and whatever a person types never being an FTS5 syntax error. Speed is measured in
tests/bench/bench_storage.py, not asserted here."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bytechat_tui.storage import History

PLANTED = {
    "phrase": "The quick brown fox jumps over the lazy dog.",
    "reversed": "A brown dog, quick to anger, is not a fox.",
    "prefix": "Pythonic code reads like prose.",
    "accents": "Un café au lait, s'il vous plaît.",
    "dense": "zebra zebra zebra",
    "sparse": "a zebra among many other animals in a long sentence about the savannah and its wildlife",
    "long": "a long message " * 30 + "about a unicorn",
}


def fill(path: Path, messages: int = 10_000, per_conversation: int = 100, seed: int = 7) -> dict[str, int]:
    """`messages` messages of made-up words in conversations of `per_conversation`, plus the planted
    ones; the planted ones' row ids. Written straight to the tables the recorder writes."""
    rng = random.Random(seed)
    syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "xe", "zu", "br", "ond"]
    vocabulary = ["".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(3000)]
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("BEGIN")
    for conversation in range(messages // per_conversation):
        connection.execute(
            "INSERT INTO conversations (id, title, room, created, updated) VALUES (?, ?, 'test', 0, 0)",
            (conversation + 1, f"conversation {conversation + 1}"),
        )
        connection.executemany(
            "INSERT INTO messages (conversation_id, exchange, role, text, created) VALUES (?, ?, ?, ?, 0)",
            (
                (
                    conversation + 1,
                    n // 2 + 1,
                    "user" if n % 2 == 0 else "assistant",
                    " ".join(rng.choices(vocabulary, k=rng.randint(5, 120))),
                )
                for n in range(per_conversation)
            ),
        )
    connection.execute(
        "INSERT INTO conversations (id, title, room, created, updated) VALUES (0, 'planted', 'test', 0, 0)"
    )
    planted = {}
    for exchange, (name, text) in enumerate(PLANTED.items(), start=1):
        row = connection.execute(
            "INSERT INTO messages (conversation_id, exchange, role, text, created) VALUES (0, ?, 'user', ?, 0)",
            (exchange, text),
        ).lastrowid
        assert row is not None
        planted[name] = row
    connection.execute("COMMIT")
    connection.close()
    return planted


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[History, dict[str, int]]]:
    path = tmp_path_factory.mktemp("search") / "history.sqlite3"
    History.open(path).close()
    planted = fill(path)
    with History.open(path) as history:
        yield history, planted


@pytest.fixture
def found(world: tuple[History, dict[str, int]]) -> Callable[[str], set[str]]:
    """Which planted messages a query finds."""
    history, planted = world

    def planted_hits(query: str) -> set[str]:
        hits = {hit.message_id for hit in history.search(query)}
        return {name for name, row in planted.items() if row in hits}

    return planted_hits


def test_the_history_holds_ten_thousand_messages(world) -> None:
    history, _planted = world
    assert sum(summary.messages for summary in history.conversations()) == 10_000 + len(PLANTED)


def test_words_must_all_appear_in_any_order(found) -> None:
    assert found("quick brown") == {"phrase", "reversed"}
    assert found("brown quick fox dog") == {"phrase", "reversed"}
    assert found("quick savannah") == set()


def test_a_quoted_phrase_must_appear_as_it_is(found) -> None:
    assert found('"quick brown"') == {"phrase"}
    assert found('"brown quick"') == set()


def test_the_word_being_typed_matches_as_a_prefix_and_a_star_makes_any_word_one(found) -> None:
    assert found("pyth") == {"prefix"}  # still typing
    assert found("pyth ") == set()  # a finished word matches whole words only
    assert found("pyth* reads") == {"prefix"}
    assert found("QUICK Brow") == {"phrase", "reversed"}  # case is ignored


def test_accents_are_ignored(found) -> None:
    assert found("cafe plait") == {"accents"}


@pytest.mark.parametrize("query", ['"', "AND OR NOT", "(", ")", "-", "*", "NEAR(", "a:b", '"unclosed phrase', "^", ""])
def test_anything_typed_is_a_search_never_a_syntax_error(world, query: str) -> None:
    history, _planted = world
    assert isinstance(history.search(query), list)


def test_operators_typed_are_words_not_operators(found) -> None:
    assert found("quick NOT savannah") == set()  # "not" is a word here, and no message has all three
    assert found("not fox") == {"reversed"}


def test_hits_are_ranked_carry_their_place_and_a_marked_snippet(world) -> None:
    history, planted = world
    hits = history.search("zebra")
    assert [hit.message_id for hit in hits] == [planted["dense"], planted["sparse"]]
    hit = hits[1]
    assert (hit.conversation_id, hit.title, hit.role, hit.exchange) == (0, "planted", "user", 6)
    assert ("zebra", True) in hit.parts()
    assert "".join(text for text, _ in hit.parts()).startswith("a zebra among")
    (long,) = history.search("unicorn")
    assert long.parts()[0][0].startswith("…") and long.parts()[-1] == ("unicorn", True)  # a window around it
    assert len(long.snippet) < len(PLANTED["long"]) / 3


def test_the_number_of_hits_is_limited(world) -> None:
    history, _planted = world
    common = history.search("ka", limit=25)
    assert len(common) == 25
