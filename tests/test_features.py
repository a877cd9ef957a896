"""The classifier's features: the kinds of message they tell apart, read as a person would."""

from __future__ import annotations

from bytechat_tui.routing.features import NAMES, extract
from bytechat_tui.tokens import estimate_tokens

WORD_PROBLEM = (
    "Cody and Trevor had 12 sandwiches. Cody ate a third of the sandwiches, and Trevor ate a quarter "
    "of them. How many sandwiches are left?"
)
CHOICE = "Which of these is not a prime number?\nA. 2\nB. 3\nC. 4\nD. 5\nAnswer:"


def named(text: str) -> dict[str, float]:
    return extract(text, estimate_tokens(text)).named()


def test_every_feature_has_a_value_in_range() -> None:
    for text in ("hi", WORD_PROBLEM, CHOICE, "x" * 20_000):
        values = extract(text, estimate_tokens(text)).values
        assert len(values) == len(NAMES)
        assert all(0.0 <= value <= 1.0 for value in values[1:])


def test_a_word_problem_is_told_from_other_messages_with_numbers() -> None:
    assert named(WORD_PROBLEM)["word_problem"] == 1.0
    not_word_problems = (
        "Write a short story about 3 friends who find 2 dragons. How does it end?",  # asks for writing
        "Why does this print 3?\n```python\nprint(1 + 2)\n```",  # code
        CHOICE,  # multiple choice is its own kind
        "How many moons does Mars have?",  # one quantity is not a problem to work out
    )
    for text in not_word_problems:
        assert named(text)["word_problem"] == 0.0, text


def test_word_problem_details_count_only_inside_a_word_problem() -> None:
    problem = named(WORD_PROBLEM)
    assert problem["word_problem_fractions"] > 0 and problem["word_problem_names"] > 0
    assert problem["word_problem_clauses"] > 0
    essay = named("Write an essay on Rome, Paris and Berlin, comparing their history, food, half-timbered houses and art.")
    assert all(value == 0.0 for name, value in essay.items() if name.startswith("word_problem"))


def test_decimal_prices_are_seen_in_a_word_problem() -> None:
    priced = named("A pen costs $2.50 and a book costs $7.25. How much do 3 pens and a book cost?")
    assert priced["word_problem"] == 1.0 and priced["word_problem_decimals"] > 0
    assert named(WORD_PROBLEM)["word_problem_decimals"] == 0.0


def test_a_negated_multiple_choice_question_is_marked() -> None:
    negated, plain = named(CHOICE), named(CHOICE.replace("not ", ""))
    assert negated["choices"] == plain["choices"] == 1.0
    assert negated["choice_negation"] > 0 and plain["choice_negation"] == 0.0
    assert negated["choice_digits"] > 0
    assert named("This is not a question with options.")["choice_negation"] == 0.0



def test_short_requests_are_marked_as_short() -> None:
    assert named("fix this code: print 'hi'")["short_message"] == 1.0
    assert named(WORD_PROBLEM)["short_message"] == 0.0
def test_phrases_count_only_as_whole_words() -> None:
    assert named("Act as a travel agent and plan my week in Rome.")["role_play"] == 1.0
    assert named("Let's role-play: you are a pirate captain.")["role_play"] == 1.0
    # "contract as" holds "act as", "improbability" holds "probability": neither is the phrase.
    assert named("Read the contract as a lawyer would and list the risks.")["role_play"] == 0.0
    assert named("How many ways can 5 people sit at a round table?")["compute_request"] == 1.0
    assert named("Show me the improbability drive from the novel.")["compute_request"] == 0.0


def test_keywords_are_found_next_to_punctuation_digits_and_other_scripts() -> None:
    # The word scan runs over bytes: anything that is not a letter (or ' + #) separates words.
    assert named("(python)")["programming"] > 0
    assert named("2x python,sql;bash")["programming"] > named("2x python")["programming"] > 0
    assert named("日本語でpythonの質問")["programming"] > 0
    assert named("C++ or C#?")["programming"] > 0
    assert named("A. I do not\nB. no\nC. yes\nD. isn't\nWhich?")["choice_negation"] > 0


def test_naming_the_exact_code_or_product_is_marked_but_a_function_in_mathematics_is_not() -> None:
    naming = (
        "why does my parse_args() return None in python",  # snake_case
        "my getUser call hangs on the second request",  # a case change inside a word
        "write a JavaScript function that debounces input",  # a product name
        "the script crashes in load(path) with a KeyError",  # a call, among programming words
    )
    for text in naming:
        assert named(text)["code_names"] == 1.0, text
    for text in ("prove that sqrt(2) is irrational", "explain how hash tables work", "hi"):
        assert named(text)["code_names"] == 0.0, text


def test_wordplay_is_marked_and_both_chat_signals_are_off_in_exam_questions() -> None:
    assert named("give me an anagram of listen")["wordplay"] == 1.0
    assert named("write a cover letter for a data analyst job")["wordplay"] == 0.0
    exam = "Which of these is not a camelCase name or an anagram?\nA. getUser\nB. x_y\nC. silent\nD. none"
    assert named(exam)["code_names"] == named(exam)["wordplay"] == 0.0
