"""Make user text safe to store and to show: text is data, never terminal control.

Escape sequences (CSI, OSC, DCS, ...) are removed whole, so ``\\x1b[2J`` leaves
nothing behind; any other C0/C1 control character, and the bidi override
characters, are dropped. Right-to-left text itself is kept. Single-line
fields turn line breaks and tabs into spaces; multi-line fields keep them.

Text is cleaned on the way in (``clean_line``, ``clean_multiline``), when read
back from a database that may have been edited by hand (``shown``), and, last,
by ``outgoing``: the one step every string takes on its way out of the program,
to a terminal, a file or a notification.
"""

from __future__ import annotations

from collections import namedtuple
from functools import cache

TYPE_CHECKING = False
if TYPE_CHECKING:
    import re


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(escape sequences, controls, controls or breaks, line breaks), compiled on
    first use: `aliret-tui check` often prints nothing and never needs them."""
    import re

    escape_sequence = re.compile(
        r"""
          (?:\x1b\[|\x9b) [0-?]* [ -/]* [@-~]?              # CSI ... final byte
        | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])            # OSC, DCS, SOS, PM, APC
            [^\x07\x1b\x9c]* (?:\x07|\x1b\\|\x9c)?          # ... up to BEL or ST
        | \x1b [ -/]* [0-~]?                                 # two-byte ESC sequences
        """,
        re.VERBOSE,
    )
    # C0 and C1 controls, plus the invisible bidi overrides that can disguise text.
    control = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
    control_or_break = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
    line_breaks = re.compile(r"\r\n?|[\n\t\v\f\u2028\u2029]")
    return escape_sequence, control, control_or_break, line_breaks


class Cleaned(namedtuple("Cleaned", "text removed")):
    """The cleaned text, and how many characters were dropped from it."""

    __slots__ = ()

    @property
    def changed(self) -> bool:
        return self.removed > 0


def clean_line(text: str) -> Cleaned:
    """Clean a single-line field (title, store, order number, tracking...)."""
    _, _, control_or_break, line_breaks = _patterns()
    flattened = line_breaks.sub(" ", text)
    return _drop_controls(flattened, control_or_break, strip=lambda t: t.strip())


def clean_multiline(text: str) -> Cleaned:
    """Clean a multi-line field (notes, chat messages): keeps newlines and tabs."""
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    return _drop_controls(normalised, _patterns()[1], strip=_trim_lines)


def _drop_controls(text: str, control: re.Pattern[str], strip) -> Cleaned:
    escape_sequence = _patterns()[0]
    sequences = escape_sequence.findall(text)
    without_sequences = escape_sequence.sub("", text) if sequences else text
    without_controls, control_count = control.subn("", without_sequences)
    removed = sum(map(len, sequences)) + control_count
    return Cleaned(strip(without_controls), removed)


def _trim_lines(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def is_valid_unicode(text: str) -> bool:
    """False for lone surrogates: what Python makes of bytes that are not UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def has_controls(text: str) -> bool:
    """Whether ``text`` holds anything a terminal would act on."""
    return "\x1b" in text or _patterns()[1].search(text) is not None


def shown(text: str, *, multiline: bool = False) -> str:
    """Text read back from the store, safe to display. Input is cleaned when it is
    typed or imported; a restored or hand-edited database may not have been."""
    if text.isprintable() or (
        not has_controls(text) and (multiline or ("\n" not in text and "\t" not in text))
    ):
        return text
    if not multiline:
        text = _patterns()[3].sub(" ", text)
    return _remove_controls(text)


def outgoing(text: str, *, one_line: bool = False, crlf: bool = False) -> str:
    """The one step every string takes on its way out of aliret-tui (standard output
    and error, files written, notifications): escape sequences and control
    characters are removed; newlines and tabs stay, unless ``one_line`` makes every
    line break and tab a space. ``crlf`` keeps the CR of each CR LF (iCalendar)."""
    if text.isprintable():
        return text
    if crlf:
        return "\r\n".join(outgoing(part, one_line=one_line) for part in text.split("\r\n"))
    if one_line:
        text = _patterns()[3].sub(" ", text)
    return _remove_controls(text) if has_controls(text) else text


def outgoing_json(data: object, **dumps_options: object) -> str:
    """``data`` as JSON, every string in it (keys too) passed through ``outgoing``
    first: JSON itself would write ESC as ``\\u001b`` and keep C1 controls as they
    are. Strings are walked only when the JSON shows something to clean (walking
    100,000 orders takes seconds)."""
    import json

    text = json.dumps(data, ensure_ascii=False, **dumps_options)
    if _json_needs_cleaning(text):
        text = json.dumps(_outgoing_data(data), ensure_ascii=False, **dumps_options)
    return text


def _json_needs_cleaning(text: str) -> bool:
    # JSON escapes C0 controls other than newline and tab as \b \f \r or \u00XX (a
    # false alarm, such as an escaped backslash before a "b", only costs the walk).
    escaped, raw = _json_patterns()
    return escaped.search(text) is not None or (
        "\x7f" in text if text.isascii() else raw.search(text) is not None
    )


@cache
def _json_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    import re

    return re.compile(r"\\[bfru]"), re.compile(r"[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _outgoing_data(data: object) -> object:
    if isinstance(data, str):
        return outgoing(data)
    if isinstance(data, dict):
        return {_outgoing_data(key): _outgoing_data(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [_outgoing_data(item) for item in data]
    return data


ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"  # zero-width space, (non-)joiner, word joiner, BOM


def without_zero_width(text: str) -> Cleaned:
    """Text without zero-width characters: for identifiers, where two ids that look
    the same must be the same. (Other text keeps them: emoji sequences need U+200D.)"""
    if text.isascii():
        return Cleaned(text, 0)
    kept = text.translate(_ZERO_WIDTH_TABLE)
    return Cleaned(kept, len(text) - len(kept))


_ZERO_WIDTH_TABLE = dict.fromkeys(map(ord, ZERO_WIDTH))


def _remove_controls(text: str) -> str:
    escape_sequence, control, _, _ = _patterns()
    return control.sub("", escape_sequence.sub("", text))
