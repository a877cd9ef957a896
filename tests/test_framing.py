"""SSE and NDJSON decoding gives the same events wherever the network splits the bytes."""

from __future__ import annotations

import random

import pytest
from conftest import shared_path

from bytechat_tui.providers.errors import ErrorKind, ProviderError
from bytechat_tui.providers.framing import NdjsonDecoder, SseDecoder, SseEvent

SSE_SAMPLE = (
    "\ufeff: keep-alive comment, as OpenRouter sends while a model thinks\r\n"
    "event: message_start\r\n"
    'data: {"a": 1}\r\n'
    "\r\n"
    "data:no space after the colon\n"
    "data:  two spaces, one kept\n"
    "\n"
    "id: 7\rretry: 100\rdata: first line\rdata: second line\r\r"
    "event: delta\r\n"
    "data: café € 😀 中文 ok\r\n"
    "\r\n"
    ":comment without a space\n"
    "data\n"
    "\n"
    "event: lonely event without data\n"
    "\n"
    "data: [DONE]"
).encode()
"""BOM, comments, CRLF/LF/CR line ends, multi-line data, 1- to 4-byte UTF-8, a field without a
colon, an event with no data, and a last event that EOF ends without a blank line."""

SSE_EXPECTED = [
    SseEvent("message_start", '{"a": 1}'),
    SseEvent(None, "no space after the colon\n two spaces, one kept"),
    SseEvent(None, "first line\nsecond line"),
    SseEvent("delta", "café € 😀 中文 ok"),
    SseEvent(None, ""),
    SseEvent(None, "[DONE]"),
]

NDJSON_SAMPLE = (
    '{"message":{"content":"caf\u00e9"},"done":false}\r\n'
    "\n"
    '{"message":{"content":"😀"},"done":false}\n'
    '{"done":true}'
).encode()
NDJSON_EXPECTED = [
    '{"message":{"content":"café"},"done":false}',
    '{"message":{"content":"😀"},"done":false}',
    '{"done":true}',
]


def decode(decoder: SseDecoder | NdjsonDecoder, chunks: list[bytes]) -> list[object]:
    items: list[object] = []
    for chunk in chunks:
        items += decoder.feed(chunk)
    return items + decoder.close()


def byte_by_byte(data: bytes) -> list[bytes]:
    return [data[i : i + 1] for i in range(len(data))]


def random_split(data: bytes, seed: int) -> list[bytes]:
    chooser = random.Random(seed)
    cuts = sorted(chooser.sample(range(1, len(data)), chooser.randint(1, min(40, len(data) - 1))))
    return [data[start:end] for start, end in zip([0, *cuts], [*cuts, len(data)])]


def test_sse_whole_stream_in_one_chunk() -> None:
    assert decode(SseDecoder(), [SSE_SAMPLE]) == SSE_EXPECTED


def test_sse_byte_by_byte() -> None:
    assert decode(SseDecoder(), byte_by_byte(SSE_SAMPLE)) == SSE_EXPECTED


@pytest.mark.parametrize("seed", range(60))
def test_sse_random_splits(seed: int) -> None:
    assert decode(SseDecoder(), random_split(SSE_SAMPLE, seed)) == SSE_EXPECTED


@pytest.mark.parametrize("line_end", ["\n", "\r\n", "\r"])
def test_sse_each_line_end_alone_split_between_every_byte(line_end: str) -> None:
    stream = f"event: a{line_end}data: 1{line_end}data: 2{line_end}{line_end}data: 3{line_end}{line_end}".encode()
    expected = [SseEvent("a", "1\n2"), SseEvent(None, "3")]
    assert decode(SseDecoder(), [stream]) == expected
    assert decode(SseDecoder(), byte_by_byte(stream)) == expected


def test_sse_events_come_out_as_soon_as_their_blank_line_arrives() -> None:
    decoder = SseDecoder()
    assert decoder.feed(b"data: one\n") == []
    assert decoder.feed(b"\ndata: tw") == [SseEvent(None, "one")]
    # A `\r` ending a chunk already ends the line; the `\n` that follows is part of the same end.
    assert decoder.feed(b"o\r") == []
    assert decoder.feed(b"\n\r\n") == [SseEvent(None, "two")]
    assert decoder.close() == []


def test_sse_real_recording_decodes_the_same_under_every_split() -> None:
    body = shared_path("fixtures/openai/chat_multiple_choices.sse").read_bytes()
    whole = decode(SseDecoder(), [body])
    assert len(whole) == body.count(b"\ndata: ") + 1
    assert whole[-1] == SseEvent(None, "[DONE]")
    assert decode(SseDecoder(), byte_by_byte(body)) == whole
    assert decode(SseDecoder(), random_split(body, 7)) == whole


@pytest.mark.parametrize("character", ["é", "€", "😀"])
def test_a_multibyte_character_split_at_every_byte(character: str) -> None:
    encoded = f"data: <{character}>\n\n".encode()
    start = encoded.index(b"<") + 1
    for cut in range(start + 1, start + len(character.encode())):
        assert decode(SseDecoder(), [encoded[:cut], encoded[cut:]]) == [SseEvent(None, f"<{character}>")]


@pytest.mark.parametrize(
    "bad",
    [b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xc0\xaf"],
    ids=["invalid byte", "broken sequence", "encoded surrogate", "overlong"],
)
def test_sse_invalid_utf8_is_a_protocol_error_after_the_events_before_it(bad: bytes) -> None:
    decoder = SseDecoder()
    assert decoder.feed(b"data: fine\n\n") == [SseEvent(None, "fine")]
    with pytest.raises(ProviderError) as caught:
        decoder.feed(b"data: " + bad + b"\n\n")
    assert caught.value.kind is ErrorKind.PROTOCOL
    assert "UTF-8" in str(caught.value)


def test_a_character_cut_by_eof_is_a_protocol_error() -> None:
    decoder = SseDecoder()
    assert decoder.feed("data: €".encode()[:-1]) == []
    with pytest.raises(ProviderError) as caught:
        decoder.close()
    assert caught.value.kind is ErrorKind.PROTOCOL


def test_ndjson_one_chunk_byte_by_byte_and_random() -> None:
    assert decode(NdjsonDecoder(), [NDJSON_SAMPLE]) == NDJSON_EXPECTED
    assert decode(NdjsonDecoder(), byte_by_byte(NDJSON_SAMPLE)) == NDJSON_EXPECTED
    for seed in range(30):
        assert decode(NdjsonDecoder(), random_split(NDJSON_SAMPLE, seed)) == NDJSON_EXPECTED


def test_ndjson_line_is_given_once_its_newline_arrives() -> None:
    decoder = NdjsonDecoder()
    assert decoder.feed(b'{"a":') == []
    assert decoder.feed(b'1}\n{"b"') == ['{"a":1}']
    assert decoder.close() == ['{"b"']


def test_ndjson_invalid_utf8_is_a_protocol_error() -> None:
    decoder = NdjsonDecoder()
    with pytest.raises(ProviderError) as caught:
        decoder.feed(b'{"message":{"content":"\xfe"}}\n')
    assert caught.value.kind is ErrorKind.PROTOCOL
