"""What the command line prints: every line goes through ``sanitize.outgoing``, and
columns are measured in terminal cells. Standard library only (``check`` uses it)."""

from __future__ import annotations

import sys

from aliret_tui.sanitize import outgoing, outgoing_json


def echo(text: str = "", *, err: bool = False) -> None:
    """Print a line for the user (on standard error with ``err``), made safe."""
    print(outgoing(text), file=sys.stderr if err else sys.stdout)


def echo_error(message: str) -> None:
    """Print a refusal as the one line it is, whatever its text holds."""
    print(outgoing(message, one_line=True), file=sys.stderr)


def echo_json(data: object) -> None:
    """Print data as indented JSON, every string in it made safe first."""
    echo(outgoing_json(data, indent=2))


def echo_lines(lines: list[str]) -> None:
    """``echo`` of the lines joined, each made safe on its own: the same result, since
    no line holds a line break, but printable text (nearly all) passes without the
    patterns being compiled, or even imported."""
    if not "".join(lines).isprintable():
        lines = [outgoing(line) for line in lines]
    sys.stdout.write("\n".join(lines) + "\n")
