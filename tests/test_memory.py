"""The escalation memory: what the user's `r` presses teach, bounded, saved privately, resettable."""

from __future__ import annotations

import asyncio
import stat

from test_conversation import answer, conversation, servers  # noqa: F401 - servers is a fixture

from bytechat_tui.routing.classifier import assess
from bytechat_tui.routing.memory import NOTHING, EscalationMemory

RUST = [
    "my rust borrow checker complains about a struct holding a reference",
    "rust lifetime error when a struct stores a borrowed slice",
    "how do i fix the rust borrow checker error with a mutable reference in a loop",
]
EMAIL = [
    "summarise this email from my landlord about the rent",
    "summarise this email thread about the team offsite",
    "summarise this email in two lines for my manager",
]


def taught() -> EscalationMemory:
    memory = EscalationMemory()
    for text in RUST:
        memory.remember(text, escalated=True)
    for text in EMAIL:
        memory.remember(text, escalated=False)
    return memory


def test_an_empty_or_one_sided_memory_says_nothing() -> None:
    assert EscalationMemory().recall(RUST[0]) == NOTHING
    memory = EscalationMemory()
    for text in RUST:
        memory.remember(text, escalated=True)
    assert memory.recall("rust borrow checker struct reference") == NOTHING


def test_messages_like_escalated_ones_move_up_and_like_accepted_ones_move_down() -> None:
    memory = taught()
    up = memory.recall("the rust borrow checker rejects my struct with a reference field")
    down = memory.recall("please summarise this email from the school")
    assert up.shift > 0.25 and up.escalated >= 2 and up.reason is not None and "escalated" in up.reason
    assert down.shift < -0.25 and down.accepted >= 2 and down.reason is not None and "cheap bot" in down.reason
    assert memory.recall("what is the boiling point of water at altitude").shift == 0.0


def test_the_assessment_carries_the_memory_in_its_score_and_first_reason() -> None:
    message = "the rust borrow checker rejects my struct with a reference field"
    plain, remembered = assess(message), assess(message, memory=taught())
    assert remembered.score > plain.score
    assert remembered.reasons[0].startswith("like ")


def test_the_memory_is_bounded_and_forgets_the_oldest_first() -> None:
    memory = EscalationMemory(capacity=4)
    for text in RUST + EMAIL:
        memory.remember(text, escalated=text in RUST)
    assert len(memory) == 4
    # Only one rust label is left (the newest), and it is alone on its side: no strong pull up.
    assert memory.recall(RUST[0]).escalated <= 1


def test_the_saved_memory_loaded_late_comes_before_the_labels_this_session_gave_meanwhile() -> None:
    saved = taught()
    session = EscalationMemory(capacity=len(saved))
    session.remember("summarise this email from the school about the trip", escalated=False)
    session.take_older(saved)
    # Full: the session's label is the newest, so the oldest saved one (RUST[0]) made way for it.
    assert len(session) == len(RUST) + len(EMAIL)
    alone = EscalationMemory()
    for text in [*RUST[1:], *EMAIL, "summarise this email from the school about the trip"]:
        alone.remember(text, escalated=text in RUST)
    for probe in [*RUST, *EMAIL]:
        assert session.recall(probe) == alone.recall(probe)


def test_saved_privately_loaded_back_and_a_damaged_file_is_an_empty_memory(tmp_path) -> None:
    path = tmp_path / "data" / "escalations.json"
    memory = taught()
    memory.save(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "landlord" in path.read_text()  # words are kept (that is the memory) but only on this machine
    again = EscalationMemory.load(path)
    assert len(again) == len(memory)
    assert again.recall(RUST[1]) == memory.recall(RUST[1])
    path.write_text("{not json")
    assert len(EscalationMemory.load(path)) == 0
    memory.clear()
    assert len(memory) == 0 and memory.recall(RUST[0]) == NOTHING


def test_a_conversation_teaches_the_memory_with_r_and_with_answers_let_stand(servers) -> None:  # noqa: F811
    cheap, strong = servers
    cheap.queue(answer("A summary."), answer("A weak rust answer."), answer("ok"))
    strong.queue(answer("A good rust answer."))
    memory = EscalationMemory()
    chat = conversation(cheap, strong, memory=memory)
    asyncio.run(chat.run(chat.plan("summarise this email from my landlord about the rent")))
    asyncio.run(chat.run(chat.plan("@mini my rust borrow checker complains about a struct holding a reference")))
    assert len(memory) == 1  # the summary was let stand when the next message came
    asyncio.run(chat.run(chat.plan_escalation()))
    assert len(memory) == 2
    asyncio.run(chat.run(chat.plan("thanks")))
    assert len(memory) == 2  # an escalated message is not also counted as accepted
    up = chat.estimate("the rust borrow checker rejects my struct holding a reference")
    assert "like 1 message you escalated" in up.assessment.reasons


def test_r_on_an_answer_from_the_top_tier_asks_it_again_and_teaches_nothing(servers) -> None:  # noqa: F811
    cheap, strong = servers
    strong.queue(answer("A first proof."), answer("A second proof."))
    memory = EscalationMemory()
    chat = conversation(cheap, strong, memory=memory)
    asyncio.run(chat.run(chat.plan("@opus prove that there are infinitely many primes")))

    again = chat.plan_escalation()
    assert again.bot.name == "opus" and again.asked_again and "already the strongest" in again.route.why
    asyncio.run(chat.run(again))
    assert again.answer == "A second proof." and len(memory) == 0
