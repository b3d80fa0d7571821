"""Chat transcripts pasted from AliExpress messaging (domain/transcript.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from aliret_tui.domain.fields import FieldError
from aliret_tui.domain.transcript import parse_transcript
from aliret_tui.domain.vocabulary import Sender

GOOD = (
    "[2026-11-20 14:30] Me: Hello, the jacket is two sizes too small.\n"
    "It is the blue one.\n"
    "[2026-11-20 16:05] Seller: Please send a photo of the label.\n"
    "[2026-11-21 09:12] AliExpress: The seller has 5 days to respond.\n"
)


def test_messages_with_their_continuation_lines():
    messages = parse_transcript(GOOD)
    assert [(m.sender, m.sent_at) for m in messages] == [
        (Sender.ME, dt.datetime(2026, 11, 20, 14, 30)),
        (Sender.SELLER, dt.datetime(2026, 11, 20, 16, 5)),
        (Sender.ALIEXPRESS, dt.datetime(2026, 11, 21, 9, 12)),
    ]
    assert messages[0].text == "Hello, the jacket is two sizes too small.\nIt is the blue one."


def test_an_indented_line_that_starts_with_a_bracket_continues_the_message():
    messages = parse_transcript("[2026-11-20 14:30] Me: Here it is:\n [photo]\n")
    assert [m.text for m in messages] == ["Here it is:\n [photo]"]


# A line that starts with "[" but is no message line was glued onto the message above,
# giving the seller's words to "Me" (issue 12, item 16).
@pytest.mark.parametrize(
    "broken",
    [
        "[2026-11-20 16:05] Seller Please send a photo.",  # no colon after the sender
        "[2026-11-20 16:05 Seller: Please send a photo.",  # no closing bracket
        "[2026-11-20 16:05]",  # no sender at all
        "[photo]",
        "[2026-11-20 16:05] " + "Seller" * 7 + ": a sender name over 40 characters",
    ],
)
def test_a_broken_message_line_is_refused_naming_it(broken):
    text = f"[2026-11-20 14:30] Me: The jacket is too small.\n{broken}\n[2026-11-21 09:12] Me: ok"
    with pytest.raises(FieldError) as refused:
        parse_transcript(text)
    assert refused.value.field == "line 2"
    assert "starts with '[' but is not '[YYYY-MM-DD HH:MM] Sender: text'" in str(refused.value)
    assert repr(broken[:39])[1:-1] in str(refused.value)  # the line itself, shortened


def test_a_broken_first_line_is_refused_too():
    with pytest.raises(FieldError) as refused:
        parse_transcript("[2026-11-20 16:05] Seller Please send a photo.\n")
    assert refused.value.field == "line 1"
    assert "starts with '['" in str(refused.value)


def test_a_refused_line_shows_its_control_characters_escaped():
    with pytest.raises(FieldError) as refused:
        parse_transcript("[2026-11-20 14:30] Me: hi\n[\x1b]0;pwn\x07 Seller hi\n")
    assert "\x1b" not in str(refused.value) and "\\x1b" in str(refused.value)


@pytest.mark.parametrize("year", ["1999", "0999", "3000", "9999"])
def test_years_outside_2000_to_2999_are_refused_naming_the_line(year):
    with pytest.raises(FieldError) as refused:
        parse_transcript(f"[2026-11-20 14:30] Me: hi\n[{year}-01-01 10:00] Seller: hello\n")
    assert refused.value.field == "line 2"
    assert "2000-2999" in str(refused.value)


@pytest.mark.parametrize("year", [2000, 2999])
def test_years_from_2000_to_2999_are_accepted(year):
    (message,) = parse_transcript(f"[{year}-12-31 23:59] Seller: hello\n")
    assert message.sent_at == dt.datetime(year, 12, 31, 23, 59)
