"""`bytechat ask` keeps its exchange; `history`, `export` and `stats` read it back — real processes,
a real config, real loopback bots, the history file of the test's own data dir."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from loopback import LoopbackServer, Reset, sse_body
from loopback import Reply as Served
from test_ask_command import FAKE_KEY, REPO, SSE, Room, answer, ask, chunk

from bytechat_tui.storage import History, history_path


@pytest.fixture
def room() -> Iterator[Room]:
    with LoopbackServer() as cheap, LoopbackServer() as mid, LoopbackServer() as dear:
        yield Room(cheap, mid, dear, Path(os.environ["BYTECHAT_CONFIG_DIR"]))


def bytechat(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bytechat_tui", *argv], cwd=REPO, capture_output=True, text=True, timeout=60
    )


def test_each_ask_is_a_conversation_of_the_history_unless_told_not_to(room: Room) -> None:
    room.cheap.queue(answer("Paris.", tokens=(1000, 500)), answer("Berlin."), answer("Rome."))
    assert ask(room, "capital of France?").returncode == 0
    assert ask(room, "--no-history", "capital of Germany?").returncode == 0
    outcome = json.loads(ask(room, "--json", "capital of Italy?").stdout)

    with History.open() as history:
        listed = history.conversations()
        assert [summary.title for summary in listed] == ["capital of Italy?", "capital of France?"]
        assert outcome["conversation_id"] == listed[0].id
        room_name, (exchange,) = history.load_conversation(listed[1].id)
    assert room_name == "main" and exchange.answer == "Paris." and exchange.reply is not None
    assert exchange.reply.bot.name == "cheap" and exchange.reply.cost_usd == pytest.approx(0.002)
    assert listed[1].saved_usd == pytest.approx(0.028)


def test_a_cut_ask_is_kept_as_cut(room: Room) -> None:
    room.cheap.queue(Served(200, SSE, [sse_body([chunk("Hel"), chunk("lo")], done=False), Reset()]))
    assert ask(room, "hi").returncode == 1
    with History.open() as history:
        _room, (exchange,) = history.load_conversation(history.conversations()[0].id)
    assert exchange.answer == "Hello" and exchange.state.value == "cut"
    assert exchange.reply is not None and exchange.reply.estimated and exchange.reply.error is not None


def test_history_lists_newest_first_as_a_table_or_json(room: Room) -> None:
    empty = bytechat("history")
    assert empty.returncode == 0 and empty.stdout.startswith("No conversations yet")
    room.cheap.queue(answer("One.", tokens=(1000, 500)), answer("Two."))
    ask(room, "first \x1b]0;owned\x07question")
    ask(room, "second question")

    table = bytechat("history")
    assert table.returncode == 0, table.stderr
    header, newest, oldest = table.stdout.splitlines()
    assert header.split() == ["id", "updated", "msgs", "spend", "saved", "title"]
    assert newest.split()[0] == "2" and newest.endswith("second question")
    assert oldest.split()[0] == "1" and oldest.endswith("first question")  # the escape sequence is not obeyed
    assert "$0.0020" in oldest and "$0.028" in oldest

    listed = json.loads(bytechat("history", "--json", "--limit", "1").stdout)
    assert [(entry["id"], entry["title"], entry["messages"]) for entry in listed] == [(2, "second question", 2)]
    assert bytechat("history", "--limit", "0").returncode == 1


def test_export_writes_markdown_with_totals_and_json_that_parses_back(room: Room, tmp_path: Path) -> None:
    room.cheap.queue(answer("The answer", " is 42.", tokens=(1000, 500)))
    ask(room, "what is the answer?")

    markdown = bytechat("export", "1")
    assert markdown.returncode == 0, markdown.stderr
    front, body = markdown.stdout.split("---\n")[1:3]
    matter = dict(line.split(": ", 1) for line in front.splitlines())
    assert json.loads(matter["title"]) == "what is the answer?"
    assert (matter["spend_usd"], matter["priciest_equivalent_usd"], matter["saved_usd"]) == ("0.002", "0.03", "0.028")
    assert (matter["input_tokens"], matter["output_tokens"], matter["answers"]) == ("1000", "500", "1")
    assert "## You\n\nwhat is the answer?" in body and "The answer is 42." in body
    assert "*cheap · tier 2 · 1,000→500 tokens · $0.0020 · saved $0.0280 (93%) vs dear*" in body

    target = tmp_path / "out" / "chat.json"
    target.parent.mkdir()
    assert bytechat("export", "1", "-o", str(target)).returncode == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    exported = json.loads(target.read_text(encoding="utf-8"))
    with History.open() as history:
        summary = history.conversation(1)
        _room, exchanges = history.load_conversation(1)
    assert exported["conversation"]["title"] == summary.title
    assert exported["totals"]["spend_usd"] == pytest.approx(summary.spend_usd)
    (item,) = exported["exchanges"]
    (exchange,) = exchanges
    assert (item["message"], item["answer"], item["state"]) == (exchange.text, exchange.answer, "done")
    assert exchange.reply is not None
    reply = item["reply"]
    assert (reply["bot"], reply["model"], reply["provider"]) == ("cheap", "cheap-model", "openai")
    assert reply["cost_usd"] == exchange.reply.cost_usd and reply["saving_usd"] == exchange.reply.saving_usd
    assert reply["usage"]["input_tokens"] == 1000 and reply["usage"]["output_tokens"] == 500
    assert item["route"]["options"][item["route"]["chosen"]]["bot"]["name"] == "cheap"

    assert bytechat("export", "99").returncode == 1


def test_stats_show_the_days_the_bots_and_the_escalation_rate(room: Room) -> None:
    room.cheap.queue(answer("a", tokens=(1000, 500)))
    room.dear.queue(answer("b", tokens=(1000, 500)))
    ask(room, "first")
    ask(room, "--bot", "dear", "second")

    figures = json.loads(bytechat("stats", "--days", "3", "--json").stdout)
    assert len(figures["per_day"]) == 3 and figures["per_day"][-1]["answers"] == 2
    assert figures["spend_usd"] == pytest.approx(0.002 + 0.03)
    assert figures["priciest_usd"] == pytest.approx(0.06) and figures["priciest_bots"] == ["dear"]
    assert [(bot["bot"], bot["answers"]) for bot in figures["by_bot"]] == [("dear", 1), ("cheap", 1)]
    assert (figures["messages"], figures["escalations"], figures["escalation_rate"]) == (2, 0, 0.0)

    text = bytechat("stats", "--days", "2")
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert "spent $0.032" in lines[0] and "saved $0.0280 (47%)" in lines[0] and "(dear)" in lines[0]
    assert lines[1] == "escalated with r: 0 of 2 messages (0%)"
    today = [line for line in lines if line.startswith(figures["to"])]
    assert today and "█" in today[0] and "░" in today[0]


def test_no_key_ever_reaches_the_history_or_an_export(room: Room, tmp_path: Path) -> None:
    # A refusal that echoes the key back, as providers do, then a good answer.
    body = {"error": {"message": f"Incorrect API key provided: {FAKE_KEY}.", "code": "invalid_api_key"}}
    room.cheap.queue(Served(401, {"content-type": "application/json"}, [json.dumps(body).encode()]))
    room.cheap.queue(answer("fine"))
    ask(room, "--bot", "cheap", "hi")
    ask(room, "hello")

    for number in ("1", "2"):
        for form in ("md", "json"):
            out = tmp_path / f"{number}.{form}"
            assert bytechat("export", number, "--format", form, "-o", str(out)).returncode == 0
            assert FAKE_KEY.encode() not in out.read_bytes()
    with History.open() as history:
        _room, (refused,) = history.load_conversation(1)
    assert refused.reply is not None and refused.reply.error is not None  # the refusal is kept, scrubbed
    path = history_path()
    for file in [path, *path.parent.glob(path.name + "-*")]:
        assert FAKE_KEY.encode() not in file.read_bytes()


def test_a_damaged_history_is_said_once_and_the_commands_go_on(room: Room) -> None:
    path = history_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a database" * 100)
    room.cheap.queue(answer("ok"))
    result = ask(room, "hi")
    assert result.returncode == 0 and result.stdout == "ok\n"
    note, summary = result.stderr.splitlines()
    assert note.startswith(f"bytechat: note: the history file {path} is damaged") and summary.startswith("cheap ·")
    assert bytechat("history").stdout.splitlines()[1].endswith("hi")


def test_an_unusable_history_is_one_note_and_the_answer_still_comes(room: Room) -> None:
    data = history_path().parent
    data.parent.mkdir(parents=True, exist_ok=True)
    data.write_text("a file where the data directory should be")
    room.cheap.queue(answer("ok"))
    result = ask(room, "hi")
    assert result.returncode == 0 and result.stdout == "ok\n"
    note, summary = result.stderr.splitlines()
    assert note.startswith("bytechat: note: this answer is not kept in the history: could not open the history")
    assert summary.startswith("cheap ·")
