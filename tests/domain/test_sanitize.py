"""User text is data, never terminal control (in, read back, and on the way out);
zero-width characters are not part of an order id; and the injected clock."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.domain import TODAY

from aliret_tui.domain.fields import FieldError, TextNotes, order_id
from aliret_tui.sanitize import (
    Cleaned,
    clean_line,
    clean_multiline,
    outgoing,
    outgoing_json,
    without_zero_width,
)
from aliret_tui.timesource import TimeSource, parse_iso_date

# What must never survive: C0 and C1 controls, DEL, and the bidi overrides/isolates.
FORBIDDEN_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
FORBIDDEN_MULTI = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
BIDI_OVERRIDES = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"

CLEANERS = [clean_line, clean_multiline]


# --- escape sequences are removed whole ----------------------------------------------------------


@pytest.mark.parametrize("clean", CLEANERS)
@pytest.mark.parametrize(
    ("text", "expected", "removed"),
    [
        ("\x1b[2Jabc", "abc", 4),  # clear screen
        ("\x1b[31mred\x1b[0m", "red", 9),  # SGR colour
        ("a\x1b[1;31;42mb", "ab", 10),
        ("\x1b[?1049hx", "x", 8),  # alternate screen (private parameters)
        ("x\x1b[2 qy", "xy", 5),  # CSI with an intermediate byte
        ("\x1b]0;evil title\x07ok", "ok", 15),  # OSC ended by BEL
        ("\x1b]0;evil title\x1b\\ok", "ok", 16),  # OSC ended by ST (ESC \)
        ("\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\", "link", 34),  # hyperlink
        ("\x1b]52;c;cGF5bG9hZA==\x07copy", "copy", 20),  # clipboard write
        ("\x1bP1$r0m\x1b\\dcs", "dcs", 9),  # DCS
        ("\x1b_apc\x1b\\z", "z", 7),  # APC
        ("\x1b^pm\x1b\\z", "z", 6),  # PM
        ("\x1bXsos\x1b\\z", "z", 7),  # SOS
        ("\x1bcreset", "reset", 2),  # RIS, a two-byte sequence
        ("\x1b(Bx", "x", 3),  # charset designation
        ("\x1b7save\x1b8", "save", 4),
        ("\x9b31mred", "red", 4),  # 8-bit CSI
        ("\x9d0;title\x9cok", "ok", 9),  # 8-bit OSC ended by 8-bit ST
        ("\x90q\x9cdone", "done", 3),  # 8-bit DCS
        ("end\x1b", "end", 1),  # a lone ESC
        ("\x1b[", "", 2),  # a cut-off CSI
    ],
)
def test_escape_sequences_are_removed_whole(clean, text, expected, removed):
    assert clean(text) == Cleaned(expected, removed)


@pytest.mark.parametrize("clean", CLEANERS)
@pytest.mark.parametrize("opener", ["\x1b]", "\x1bP", "\x9d", "\x90", "\x98", "\x9e", "\x9f"])
def test_an_unterminated_string_sequence_runs_to_the_end(clean, opener):
    """Like a terminal would, an OSC/DCS/SOS/PM/APC that never ends swallows the rest."""
    text = f"kept {opener}0;swallowed text"
    assert clean(text) == Cleaned("kept", len(text) - len("kept "))


@pytest.mark.parametrize("clean", CLEANERS)
def test_no_fragment_of_a_sequence_is_left(clean):
    text = clean("before\x1b[38;2;255;0;0mafter").text
    assert text == "beforeafter"
    assert "[" not in text and ";" not in text


# --- single control characters -----------------------------------------------------------------


@pytest.mark.parametrize("clean", CLEANERS)
@pytest.mark.parametrize(
    "control",
    ["\x00", "\x01", "\x07", "\x08", "\x7f", "\x80", "\x85", "\x8d", "\x9a", "\x9c"],
)
def test_control_characters_are_dropped(clean, control):
    assert clean(f"a{control}b") == Cleaned("ab", 1)


@pytest.mark.parametrize("clean", CLEANERS)
@pytest.mark.parametrize("override", list(BIDI_OVERRIDES))
def test_bidi_overrides_are_dropped(clean, override):
    # "invoice\u202egpj.exe" would show as "invoiceexe.jpg".
    assert clean(f"invoice{override}gpj.exe") == Cleaned("invoicegpj.exe", 1)


@pytest.mark.parametrize("clean", CLEANERS)
@pytest.mark.parametrize(
    "text",
    [
        "שלום עולם",  # Hebrew
        "مرحبا بالعالم",  # Arabic
        "mixed עברית and English",
        "👍🏽 ok",
        "👨\u200d👩\u200d👧 family",  # zero-width joiners kept
        "🇫🇷 drapeau",
        "日本語のタイトル",
        "Ünïcödé ñ",
        "[@click=app.quit]x[/]",
        "[b]not bold[/b] [red]x[/red]",
        "<script>alert(1)</script>",
        "50% off & $5 {x} \\n literally",
        "a\u200fb",  # a right-to-left mark is not an override
    ],
)
def test_ordinary_text_is_kept_literally(clean, text):
    assert clean(text) == Cleaned(text, 0)


def test_single_line_fields_turn_breaks_into_spaces():
    assert clean_line("a\nb\r\nc\rd\te\vf\fg\u2028h\u2029i") == Cleaned("a b c d e f g h i", 0)
    assert clean_line("  padded  ") == Cleaned("padded", 0)
    assert clean_line("\n\ttitle\n") == Cleaned("title", 0)


def test_multi_line_fields_keep_newlines_and_tabs():
    assert clean_multiline("line 1\r\nline 2\rline 3\n\tindented") == Cleaned(
        "line 1\nline 2\nline 3\n\tindented", 0
    )
    assert clean_multiline("trailing   \nspaces  ") == Cleaned("trailing\nspaces", 0)
    assert clean_multiline("\n\nbody\n\n") == Cleaned("body", 0)
    assert clean_multiline("a\vb\fc") == Cleaned("abc", 2)


# --- on the way out ---------------------------------------------------------------------------


def test_outgoing_is_the_last_line_of_defence():
    assert outgoing("\x1b[2J\x1b]0;t\x07ok\x00\u202e!") == "ok!"
    assert outgoing("keep\nlines\tand tabs") == "keep\nlines\tand tabs"
    assert outgoing("[@click=app.quit]x[/]") == "[@click=app.quit]x[/]"
    assert outgoing("👨\u200d👩\u200d👧 שלום 日本") == "👨\u200d👩\u200d👧 שלום 日本"


def test_outgoing_one_line_makes_breaks_spaces():
    """An error message is one line, whatever a key name or file name holds."""
    assert outgoing("key\nname\r\nx\ty\x1b[2J", one_line=True) == "key name x y"


def test_outgoing_crlf_keeps_only_the_line_ends():
    """iCalendar lines end in CR LF; a CR anywhere else moves the cursor."""
    text = "BEGIN:VEVENT\r\nSUMMARY:a\rb\x1b]0;t\x07c\r\n"
    assert outgoing(text, crlf=True) == "BEGIN:VEVENT\r\nSUMMARY:abc\r\n"
    assert outgoing(text) == "BEGIN:VEVENT\nSUMMARY:abc\n"


def test_outgoing_json_cleans_keys_and_values_at_any_depth():
    data = {"\x1b]0;PWNED\x07key": [{"id": "A\x9b2J\x85", "n": 3, "ok": None}], "t": ("\x7f",)}
    expected = {"key": [{"id": "A", "n": 3, "ok": None}], "t": [""]}
    assert json.loads(outgoing_json(data)) == expected


@pytest.mark.parametrize(
    "text", ["\x1b[2J", "\x00", "\x08", "\x0c", "\r", "\x7f", "\x85", "\u202e", "\x1f"]
)
def test_outgoing_json_finds_each_control_however_json_writes_it(text):
    written = outgoing_json({"t": f"a{text}b\n\tc", "u": "é"}, indent=2)
    assert json.loads(written) == {"t": "ab\n\tc", "u": "é"}
    assert not FORBIDDEN_MULTI.search(written) and "\\u00" not in written


def test_outgoing_json_leaves_clean_text_as_json_writes_it():
    data = {"t": 'C:\\bin\\u0041 "q" é 日本 👨\u200d👩', "n": [1, None, True]}
    assert outgoing_json(data, indent=2) == json.dumps(data, indent=2, ensure_ascii=False)


# --- zero-width characters in order ids --------------------------------------------------------

ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]


@pytest.mark.parametrize("invisible", ZERO_WIDTH)
def test_zero_width_characters_are_removed_from_order_ids(invisible):
    notes = TextNotes()
    assert order_id(f"{invisible}AB{invisible}12", notes) == "AB12"
    assert notes.removed == [("order_id", 2)]
    assert without_zero_width(f"x{invisible}y") == Cleaned("xy", 1)


def test_an_order_id_notes_zero_width_and_control_characters_once():
    notes = TextNotes()
    assert order_id("8175\u200b 1234-5678\x1b[2J 9012", notes) == "817512345678" + "9012"
    assert notes.removed == [("order_id", 5)]


def test_an_order_id_of_only_zero_width_characters_is_empty():
    with pytest.raises(FieldError, match="order_id: is required"):
        order_id("\u200b\ufeff")


# --- properties ----------------------------------------------------------------------------------

any_text = st.text(
    alphabet=st.one_of(
        st.characters(),
        st.sampled_from(["\x1b", "\x9b", "\x9d", "\x9c", "\x07", "[", "]", ";", "\\", "\n"]),
        st.sampled_from(list(BIDI_OVERRIDES)),
    ),
    max_size=60,
)
# Text with no control characters, breaks or bidi overrides at all.
safe_text = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cc", "Cs", "Zl", "Zp"),
        blacklist_characters=BIDI_OVERRIDES,
    ),
    max_size=40,
)
sequences = st.one_of(
    st.builds(
        lambda params, final: f"\x1b[{params}{final}",
        st.text(alphabet="0123456789;?", max_size=8),
        st.sampled_from("mHJKABCDhlsu"),
    ),
    st.builds(
        lambda body, end: f"\x1b]{body}{end}",
        st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=20),
        st.sampled_from(["\x07", "\x1b\\"]),
    ),
    st.sampled_from(["\x1bc", "\x1b7", "\x1b8", "\x1b(B", "\x9b0m", "\x00", "\x85", "\u202e"]),
)


@settings(max_examples=300, deadline=None)
@given(text=any_text)
def test_nothing_controlling_survives(text):
    assert not FORBIDDEN_LINE.search(clean_line(text).text)
    assert not FORBIDDEN_MULTI.search(clean_multiline(text).text)
    assert not FORBIDDEN_MULTI.search(outgoing(text))
    assert not FORBIDDEN_LINE.search(outgoing(text, one_line=True))
    assert not FORBIDDEN_MULTI.search(outgoing(text, crlf=True).replace("\r\n", "\n"))


@settings(max_examples=300, deadline=None)
@given(text=any_text)
def test_cleaning_is_idempotent(text):
    for clean in CLEANERS:
        once = clean(text)
        assert clean(once.text) == Cleaned(once.text, 0)


@settings(max_examples=300, deadline=None)
@given(text=safe_text)
def test_safe_text_is_unchanged(text):
    assert clean_line(text) == Cleaned(text.strip(), 0)


@settings(max_examples=300, deadline=None)
@given(before=safe_text, sequence=sequences, after=safe_text)
def test_an_injected_sequence_disappears_whole(before, sequence, after):
    for clean in CLEANERS:
        dirty = clean(before + sequence + after)
        plain = clean(before + after)
        assert dirty.text == plain.text
        assert dirty.removed == len(sequence)
        assert dirty.changed


@settings(max_examples=200, deadline=None)
@given(text=any_text)
def test_cleaning_only_removes(text):
    """The result is the input with characters taken out (and breaks made spaces)."""
    flattened = re.sub(r"\r\n?|[\n\t\v\f\u2028\u2029]", " ", text)
    remaining = iter(flattened)
    assert all(char in remaining for char in clean_line(text).text)


# --- the time source ------------------------------------------------------------------------------


def test_today_override_moves_the_calendar():
    source = TimeSource(today_override=TODAY)
    assert source.today() == TODAY
    assert source.now().date() == TODAY
    assert not source.is_frozen


def test_frozen_time_stops_the_clock():
    moment = dt.datetime(2026, 11, 29, 23, 59)
    source = TimeSource(today_override=dt.date(2020, 1, 1), frozen_at=moment)
    assert source.now() == moment
    assert source.today() == TODAY  # the frozen moment wins
    assert source.is_frozen


def test_parse_iso_date():
    assert parse_iso_date(" 2026-11-29 ") == TODAY
    for bad in ["2026-11-31", "2026-11-29x", "26-11-29", "", "2026-11-29 10:00"]:
        with pytest.raises(ValueError):
            parse_iso_date(bad)
