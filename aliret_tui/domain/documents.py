"""Whole records read from a document (our JSON export), checked by pydantic.

pydantic walks each record (the order, its dispute, lines, events, chat, evidence),
builds the dataclasses and says where a value is wrong (``events.3.on``); every
value is checked by its record's ``CHECKS``, exactly as typed input is
(``domain.checks``), so both accept and refuse alike (tests/domain/test_checks.py).
Importing pydantic takes several times a command's whole start-up, so only the JSON
import uses it; as fast as ``parse`` over many records (1,000 exported orders:
about 70 ms either way).
"""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from aliret_tui.domain.checks import Context, Record, inside
from aliret_tui.domain.fields import FieldError, FieldErrors, TextNotes

RecordType = TypeVar("RecordType", bound=Record)


def parse_document(
    model: type[RecordType], data: Any, *, notes: TextNotes | None = None
) -> RecordType:
    """``data`` checked into ``model`` as ``parse`` does, refusals in ``FieldErrors``."""
    try:
        return _adapter(model).validate_python(data, context=Context(notes))
    except ValidationError as error:
        raise _field_errors(error) from None


@cache
def _adapter(model: type[Record]) -> TypeAdapter[Any]:
    return TypeAdapter(model)


def _field_errors(error: ValidationError) -> FieldErrors:
    found: list[FieldError] = []
    for detail in error.errors():
        where = ".".join(str(part) for part in detail["loc"])
        original = (detail.get("ctx") or {}).get("error")
        refused = original.errors if isinstance(original, FieldErrors) else [original]
        if isinstance(original, FieldErrors | FieldError):
            found.extend(inside(where, one) for one in refused if isinstance(one, FieldError))
        else:
            message = _OUR_WORDS.get(detail["type"], detail["msg"])
            found.append(FieldError(where or "value", message))
    return FieldErrors(found)


# What pydantic itself refuses (the shape of a document), said as ``parse`` says it.
_OUR_WORDS = {
    "tuple_type": "must be a list",
    "dataclass_type": "must be a set of named fields",
    "dataclass_exact_type": "must be a set of named fields",
}
