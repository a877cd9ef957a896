"""`neutralise`: every terminal control sequence goes, whole; every other character stays as it was."""

from __future__ import annotations

import pytest

from bytechat_tui.text_safety import neutralise

ESC, BEL, ST = "\x1b", "\x07", "\x1b\\"


@pytest.mark.parametrize(
    ("sequence", "kind"),
    [
        (f"{ESC}[31m", "ANSI colour"),
        (f"{ESC}[1;38;2;255;0;0m", "24-bit colour with several parameters"),
        (f"{ESC}[0m", "attribute reset"),
        (f"{ESC}[2J{ESC}[H", "clear screen, cursor home"),
        (f"{ESC}[10;20H", "cursor to row 10, column 20"),
        (f"{ESC}[3A{ESC}[K", "cursor up three, erase line"),
        (f"{ESC}[?1049h", "alternate screen (private parameter)"),
        (f"{ESC}[?25l", "hide the cursor"),
        (f"{ESC}]52;c;ZXZpbCBjb21tYW5k{BEL}", "OSC 52 clipboard write, ended by BEL"),
        (f"{ESC}]52;c;ZXZpbCBjb21tYW5k{ST}", "OSC 52 clipboard write, ended by ST"),
        (f"{ESC}]0;pwned{BEL}", "window title"),
        (f"{ESC}]2;pwned{ST}", "window title, ended by ST"),
        (f"{ESC}P+q544e{ST}", "DCS (terminfo query)"),
        (f"{ESC}_Gf=100;AAAA{ST}", "APC (kitty graphics)"),
        (f"{ESC}7{ESC}8", "save and restore the cursor"),
        (f"{ESC}(0", "line-drawing character set"),
        (f"{ESC}c", "full terminal reset"),
        ("\x9b31m", "8-bit CSI"),
        ("\x9d0;pwned\x9c", "8-bit OSC ended by 8-bit ST"),
        ("\x90q\x9c", "8-bit DCS"),
    ],
)
def test_each_kind_of_sequence_is_removed_whole(sequence: str, kind: str) -> None:
    assert neutralise(f"before{sequence}after") == "beforeafter", kind


def test_an_osc_8_hyperlink_keeps_its_text_and_loses_its_target() -> None:
    link = f"{ESC}]8;;https://evil.example/{ST}click here{ESC}]8;;{ST}"
    assert neutralise(f"see {link}!") == "see click here!"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ring\x07bell", "ringbell"),
        ("back\x08space", "backspace"),
        ("windows\r\nline", "windows\nline"),
        ("over\rwrite", "overwrite"),
        ("nul\x00byte", "nulbyte"),
        ("form\x0cfeed\x0bvtab", "formfeedvtab"),
        ("del\x7fete", "delete"),
        ("c1\x85next\x9fline", "c1nextline"),
        ("lone escape\x1b", "lone escape"),
    ],
)
def test_lone_control_characters_are_removed(text: str, expected: str) -> None:
    assert neutralise(text) == expected


def test_an_unterminated_sequence_loses_its_introducer_but_not_the_text_after_it() -> None:
    assert neutralise(f"{ESC}]0;no end, and the rest of the answer") == "0;no end, and the rest of the answer"
    assert neutralise(f"{ESC}[31") == "31"


@pytest.mark.parametrize(
    "text",
    [
        "plain ASCII with punctuation: [bold]not markup[/bold] & <tags> {braces} `code` $x^2$ ~!@#%",
        "line one\nline two\n\tindented with a tab\n",
        "emoji 🎉👩‍💻🏳️‍🌈 with joiners and a variation selector ❤️",
        "CJK 你好，世界 / 日本語のテキスト / 한국어 텍스트",
        "RTL عربي and עברית, combining e\u0301, zero-width\u200bspace, NBSP\u00a0here",
        "Latin-1 range kept: café, naïve, ¿qué?, ©®°±µ¶·",
        "box drawing ┌─┐│└┘ and maths ∀x∈ℝ: x²≥0",
    ],
)
def test_everything_else_is_left_exactly_as_it_was(text: str) -> None:
    assert neutralise(text) == text


def test_a_large_text_full_of_sequences_keeps_all_of_its_words() -> None:
    line = f"{ESC}[32mok{ESC}[0m {ESC}]8;;http://x{ST}link{ESC}]8;;{ST} 🎉 done\n"
    assert neutralise(line * 20_000) == "ok link 🎉 done\n" * 20_000
