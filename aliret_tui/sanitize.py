"""Make user text safe to store and to show: text is data, never terminal control.

Escape sequences (CSI, OSC, DCS, ...) are removed whole, so ``\\x1b[2J`` leaves
nothing behind; any other C0/C1 control character, and the bidi override
characters, are dropped. Right-to-left text itself is kept. Single-line
fields turn line breaks and tabs into spaces; multi-line fields keep them.
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
    return strip_controls(text)


def strip_controls(text: str) -> str:
    """Last line of defence before printing: drop anything a terminal would act on."""
    escape_sequence, control, _, _ = _patterns()
    return control.sub("", escape_sequence.sub("", text))
