"""Checking input into records: each record class names a check for every one of its
fields (``Record.CHECKS``), and ``parse`` runs them, so a value is refused the same
way in the CLI, the forms, an import and a restore, with a message naming the field.

Plain Python on purpose: ``add`` and ``event`` check what was typed and must start
in a blink (pydantic's import alone costs several times Python's own start-up).
The whole records of a JSON import are walked by pydantic instead, with these same
checks (``domain.documents``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any, ClassVar, Self, TypeVar

from aliret_tui.domain.fields import MAX_AMOUNT, FieldError, FieldErrors, TextNotes
from aliret_tui.sanitize import clean_line

MAX_INTEGER = 2**62  # counters and sizes; SQLite integers stop at 2**63 - 1


@dataclasses.dataclass(frozen=True, slots=True)
class Context:
    """What checking a value may depend on. ``today``: given for what a person typed
    (dates may then be ``today``, ``yesterday`` or ``-3``); ``currency``: the order's,
    for an event's amount (``1,234`` is one thousand and more in yen)."""

    notes: TextNotes | None = None
    today: dt.date | None = None
    currency: str | None = None
    # pydantic checks the records inside a document itself (``domain.documents``).
    nested_checked_by_caller: bool = False


Check = Callable[[Any, Context], Any]


class Record:
    """A frozen dataclass the app keeps. Building one directly checks nothing (the
    store's rows are already checked); ``parse`` checks input into one."""

    __slots__ = ()
    CHECKS: ClassVar[Mapping[str, Check]]  # every field's check, in field order

    def replace(self, **changes: Any) -> Self:
        return dataclasses.replace(self, **changes)  # type: ignore[type-var]

    def values(self) -> dict[str, Any]:
        """The fields and their values (nested records stay records)."""
        return {name: getattr(self, name) for name in field_names(type(self))}

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        """For pydantic (``domain.documents``): the dataclass's own schema, with
        ``checked_values`` run first on each record; pydantic checks the records
        inside it the same way."""
        from pydantic_core import core_schema  # only documents use pydantic

        schema = handler(source)
        definition = handler.resolve_ref_schema(schema)  # shared by every use of the record

        def check_values(data: Any, info: Any) -> Any:
            if isinstance(data, cls):
                return data
            if not isinstance(data, Mapping):
                raise FieldError("", not_a_record(data))
            context = info.context if isinstance(info.context, Context) else Context()
            checking = dataclasses.replace(context, nested_checked_by_caller=True)
            return cls.checked_values(data, checking)

        definition["schema"] = core_schema.with_info_before_validator_function(
            check_values, definition["schema"]
        )
        return schema

    @classmethod
    def checked_values(cls, data: Mapping[str, Any], context: Context) -> dict[str, Any]:
        """Every field of ``data`` checked; the fields left out take their default.
        A record with rules across fields (dates in order) adds them here."""
        return check_fields(cls, data, context)


RecordType = TypeVar("RecordType", bound=Record)


def parse(
    model: type[RecordType],
    data: Any,
    *,
    notes: TextNotes | None = None,
    today: dt.date | None = None,
    currency: str | None = None,
) -> RecordType:
    """Check ``data`` into ``model``; every refused value is in the ``FieldErrors``."""
    return parse_in(model, data, Context(notes, today, currency), where="")


def parse_in(model: type[RecordType], data: Any, context: Context, where: str) -> RecordType:
    if not isinstance(data, Mapping):
        raise FieldErrors([inside(where, FieldError("", not_a_record(data)))])
    try:
        values = model.checked_values(data, context)
    except FieldErrors as errors:
        if not where:
            raise
        raise FieldErrors([inside(where, error) for error in errors.errors]) from None
    return model(**values)


def not_a_record(data: Any) -> str:
    """Why ``data``, given for a record, is none."""
    return "is required" if data is None else "must be a set of named fields"


def inside(where: str, error: FieldError) -> FieldError:
    """``error`` of a record found at ``where`` (``events.1``): named from the top."""
    field = ".".join(part for part in (where, error.field) if part)
    return FieldError(field or "value", error.message)


def check_fields(model: type[Record], data: Mapping[str, Any], context: Context) -> dict[str, Any]:
    errors: list[FieldError] = []
    if not data.keys() <= model.CHECKS.keys():
        errors.extend(
            FieldError(str(name), f"is not a field of {_record_name(model)}")
            for name in data
            if name not in model.CHECKS
        )
    values: dict[str, Any] = {}
    leave_nested = context.nested_checked_by_caller
    for name, check, may_be_left_out, may_be_none, is_nested in _field_plan(model):
        if name not in data:
            if may_be_left_out:
                continue
            value = None
        else:
            value = data[name]
            if leave_nested and is_nested:
                values[name] = value
                continue
        try:
            value = check(value, context)
        except FieldErrors as nested_errors:
            errors.extend(nested_errors.errors)
            continue
        except FieldError as error:
            errors.append(error)
            continue
        if value is None and not may_be_none:
            errors.append(FieldError(name, "is required"))
        values[name] = value
    if errors:
        raise FieldErrors(errors)
    return values


@cache
def _field_plan(model: type[Record]) -> tuple[tuple[str, Check, bool, bool, bool], ...]:
    """Each field's name and check; whether it may be left out, may be None, and
    holds records."""
    defaults, optional = field_defaults(model), optional_fields(model)
    return tuple(
        (name, check, name in defaults, name in optional, check in NESTED_CHECKS)
        for name, check in model.CHECKS.items()
    )


def _record_name(model: type[Record]) -> str:
    return "".join(f" {c.lower()}" if c.isupper() else c for c in model.__name__).strip()


@cache
def field_names(model: type[Record]) -> tuple[str, ...]:
    return tuple(field.name for field in dataclasses.fields(model))  # type: ignore[arg-type]


@cache
def field_defaults(model: type[Record]) -> Mapping[str, Any]:
    """The fields that may be left out, and what they then hold."""
    return {
        field.name: field.default
        for field in dataclasses.fields(model)  # type: ignore[arg-type]
        if field.default is not dataclasses.MISSING
    }


@cache
def optional_fields(model: type[Record]) -> frozenset[str]:
    """The fields that may hold None (their type says ``| None``)."""
    return frozenset(
        field.name
        for field in dataclasses.fields(model)  # type: ignore[arg-type]
        if "None" in str(field.type)
    )


# -- checks for values that are not typed by a person ------------------------------
# (a person's values have their checks in ``domain.fields``)


def _shown(value: Any) -> str:
    return clean_line(str(value)).text[:30]


def whole_number(field: str, low: int, high: int, *, optional: bool = False) -> Check:
    """An int (not a bool, not text) from ``low`` to ``high``."""

    def check(value: Any, context: Context) -> int | None:
        if value is None and optional:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise FieldError(field, f"must be a whole number (got {_shown(value)!r})")
        if not low <= value <= high:
            raise FieldError(field, f"must be from {low} to {high} (got {value})")
        return value

    return check


def enum_member(kind: type[enum.StrEnum], field: str, *, optional: bool = False) -> Check:
    def check(value: Any, context: Context) -> enum.StrEnum | None:
        if optional and value in (None, ""):
            return None
        try:
            return kind(value)
        except ValueError:
            allowed = ", ".join(member.value for member in kind)
            shown = _shown(value) if value is not None else "nothing"
            raise FieldError(field, f"must be one of {allowed} (got {shown!r})") from None

    return check


def flag(field: str) -> Check:
    """True or false, as stored (a bool, or 0 and 1)."""

    def check(value: Any, context: Context) -> bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        raise FieldError(field, f"must be true or false (got {_shown(value)!r})")

    return check


def number(field: str) -> Check:
    """A stored amount: a plain number below ``MAX_AMOUNT`` (no exponent), or nothing."""

    def check(value: Any, context: Context) -> Decimal | None:
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
            raise FieldError(field, f"must be a number (got {_shown(value)!r})")
        try:
            amount = Decimal(repr(value) if isinstance(value, float) else value)
        except (InvalidOperation, ValueError):
            raise FieldError(field, f"must be a number (got {_shown(value)!r})") from None
        exponent = amount.as_tuple().exponent
        if not amount.is_finite() or not isinstance(exponent, int) or not -12 <= exponent <= 0:
            raise FieldError(field, f"must be a plain number (got {_shown(value)!r})")
        if abs(amount) >= MAX_AMOUNT:
            raise FieldError(field, f"is too large (at most {MAX_AMOUNT - 1})")
        return amount

    return check


def stored_text(field: str, max_length: int = 40) -> Check:
    """Text the app wrote itself (times of changes): one short line, as it is."""

    def check(value: Any, context: Context) -> str:
        if value is None:
            return ""
        if not isinstance(value, str) or not value.isprintable() or len(value) > max_length:
            raise FieldError(field, f"must be a time as the app writes it (got {_shown(value)!r})")
        return value

    return check


NESTED_CHECKS: set[Check] = set()  # the checks below, which parse records inside a record


def nested(model: type[Record], field: str) -> Check:
    """One record inside another, or nothing."""

    def check(value: Any, context: Context) -> Record | None:
        if value is None or isinstance(value, model):
            return value
        return parse_in(model, value, context, where=field)

    NESTED_CHECKS.add(check)
    return check


def nested_many(model: type[Record], field: str) -> Check:
    """A list of records inside another (a tuple once checked)."""

    def check(value: Any, context: Context) -> tuple[Record, ...]:
        if not isinstance(value, list | tuple):
            raise FieldError(field, "must be a list")
        records, errors = [], []
        for index, item in enumerate(value):
            try:
                records.append(
                    item
                    if isinstance(item, model)
                    else parse_in(model, item, context, f"{field}.{index}")
                )
            except FieldErrors as refused:
                errors.extend(refused.errors)
        if errors:
            raise FieldErrors(errors)
        return tuple(records)

    NESTED_CHECKS.add(check)
    return check
