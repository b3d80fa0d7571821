"""Reading a source safely: regular files only, a size limit, text decoded once,
JSON parsed once with duplicate keys, deep nesting and huge numbers refused."""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from aliret_tui.importing.incoming import ImportRefused

MAX_BYTES = 200 * 1024 * 1024
MAX_JSON_DEPTH = 64
MAX_INTEGER_DIGITS = 30
_NOT_PARSED = object()


@dataclass
class RawInput:
    """One input: a file's bytes (or pasted text) and its name for messages."""

    name: str
    data: bytes
    _json: Any = field(default=_NOT_PARSED, repr=False)

    @classmethod
    def from_text(cls, name: str, text: str) -> RawInput:
        return cls(name, text.encode("utf-8", "surrogatepass"))

    @cached_property
    def text(self) -> str | None:
        """The content as UTF-8 text (a BOM dropped), or None for binary data."""
        if b"\x00" in self.data[:8192]:
            return None
        try:
            return self.data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return None

    @property
    def looks_like_json(self) -> bool:
        text = self.text
        return text is not None and text.lstrip()[:1] in ("{", "[")

    def json(self) -> Any:
        """The parsed JSON document; ``ImportRefused`` if it is not one."""
        if self._json is _NOT_PARSED:
            self._json = parse_json(self.text or "", self.name)
        return self._json

    def first_line(self) -> str:
        text = self.text or ""
        return text.split("\n", 1)[0].strip("\r")


def read_file(path: str) -> list[RawInput]:
    """The inputs at ``path``: one regular file, or every ``.eml`` file of a folder."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise ImportRefused(path, "", "no such file") from None
    except OSError as error:
        raise ImportRefused(path, "", f"cannot be read ({error.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        return _mail_folder(path)
    return [_read_regular(path)]


def _mail_folder(path: str) -> list[RawInput]:
    try:
        names = sorted(os.listdir(path))
    except OSError as error:
        raise ImportRefused(path, "", f"cannot be read ({error.strerror})") from None
    mails = [name for name in names if name.lower().endswith(".eml")]
    if not mails:
        raise ImportRefused(
            path, "", "is a folder; give a file, or a folder of .eml mails (this one has none)"
        )
    return [_read_regular(os.path.join(path, name)) for name in mails]


def _read_regular(path: str) -> RawInput:
    """Open without following into FIFOs or devices, and never read past the limit."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        raise ImportRefused(path, "", f"cannot be read ({error.strerror})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ImportRefused(path, "", "is not a regular file (a pipe, device or socket)")
        if info.st_size > MAX_BYTES:
            raise ImportRefused(
                path, "", f"is too large ({info.st_size:,} bytes; at most {MAX_BYTES:,})"
            )
        chunks, total = [], 0
        while chunk := os.read(fd, 1024 * 1024):
            total += len(chunk)
            if total > MAX_BYTES:
                raise ImportRefused(path, "", f"is too large (over {MAX_BYTES:,} bytes)")
            chunks.append(chunk)
    except OSError as error:
        raise ImportRefused(path, "", f"cannot be read ({error.strerror})") from None
    finally:
        os.close(fd)
    return RawInput(os.path.basename(path) or path, b"".join(chunks))


def read_stream(name: str, stream: Any) -> RawInput:
    """Standard input (``-``), with the same size limit."""
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ImportRefused(name, "", f"is too large (over {MAX_BYTES:,} bytes)")
    return RawInput(name, data)


def parse_json(text: str, name: str) -> Any:
    """``json.loads`` that refuses duplicate keys, deep nesting and huge integers."""
    try:
        document = json.loads(
            text,
            object_pairs_hook=_refuse_duplicate_keys,
            parse_int=_bounded_int,
            parse_constant=_no_constant,
        )
    except json.JSONDecodeError as error:
        raise ImportRefused(
            name, "", f"not valid JSON ({error.msg} at line {error.lineno})"
        ) from None
    except RecursionError:
        raise ImportRefused(name, "", "JSON nested too deeply") from None
    except _JsonRefused as error:
        raise ImportRefused(name, "", str(error)) from None
    if _depth(document) > MAX_JSON_DEPTH:
        raise ImportRefused(name, "", f"JSON nested too deeply (over {MAX_JSON_DEPTH} levels)")
    return document


class _JsonRefused(ValueError):
    pass


def _refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _JsonRefused(f"JSON key {key[:40]!r} appears twice in one object")
        result[key] = value
    return result


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise _JsonRefused(f"a number with {len(text)} digits is too large")
    return int(text)


def _no_constant(name: str) -> Any:
    raise _JsonRefused(f"{name} is not a number")


def _depth(value: Any) -> int:
    """Nesting depth, without recursion (the document may be deep)."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, level = pending.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if deepest > MAX_JSON_DEPTH:
                return deepest
            children = item.values() if isinstance(item, dict) else item
            pending.extend((child, level + 1) for child in children)
    return deepest
