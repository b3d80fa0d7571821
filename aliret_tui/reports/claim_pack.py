"""The claim pack: everything about one dispute, in one zip (or folder) for a mediator.

This module owns what goes into the pack and how it is written:

- ``summary.md``: the order's facts, the dispute, what the seller said, the
  deadlines, the readiness check, what is still missing, and the attached files
  that changed or went missing;
- ``timeline.txt``: the timeline copy (``timeline_text``), as the detail screen copies it;
- ``chat.txt``: the chat log in the transcript format that ``i`` imports;
- ``evidence/``: a copy of each attached file, named by its checklist item;
- ``manifest.json``: size and SHA-256 of every file in the pack, next to the
  fingerprint taken when the file was attached, and whether they match.

The same order, the same files and the same day give a byte-identical zip: fixed
timestamps and permissions, entries in sorted order, deterministic JSON, and no
path of the user's machine. Every text is passed through ``sanitize.outgoing``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import stat
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any, Protocol

from aliret_tui.domain.clocks import Clock, ClockKind, describe_days_left, inspection_deadline
from aliret_tui.domain.corrections import RecordedCorrection
from aliret_tui.domain.deadline_rule import deadline_rule, origin_of
from aliret_tui.domain.evidence import Readiness, readiness
from aliret_tui.domain.models import Attachment, ChatMessage, EvidenceItem, Order, OrderRecord
from aliret_tui.domain.policy import DEFAULT_POLICY, Policy
from aliret_tui.domain.timeline import event_details, timeline_text
from aliret_tui.domain.vocabulary import EventKind, Sender
from aliret_tui.errors import UserError
from aliret_tui.files import (
    CHUNK,
    PRIVATE_FILE_MODE,
    PRIVATE_FOLDER_MODE,
    FileState,
    HashingCancelled,
    NotRegularFile,
    file_state,
    fresh_name_beside,
    make_private_folder,
    sync_folder,
    writing_private_file,
)
from aliret_tui.sanitize import outgoing, outgoing_json

LARGE_ATTACHMENT_BYTES = 100_000_000  # larger attachments are listed, not copied (100 MB)
PACK_FORMAT_VERSION = 1
SUMMARY, TIMELINE, CHAT, MANIFEST = "summary.md", "timeline.txt", "chat.txt", "manifest.json"
EVIDENCE_FOLDER = "evidence"
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say: no clock in the pack
ZIP_FILE_ATTR = (stat.S_IFREG | PRIVATE_FILE_MODE) << 16
ZIP_UNIX = 3  # "made on Unix", whatever the platform: external_attr holds Unix modes
MAX_SLUG = 60
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC

Origins = Mapping[str, tuple[str, str]]


# -- results -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PackedFile:
    """One file of the pack, as written."""

    name: str  # inside the pack, e.g. "evidence/03-photo-of-the-size-label.jpg"
    size: int
    sha256: str


@dataclass(frozen=True)
class PackedAttachment:
    """What became of one attached file. ``size`` and ``sha256`` are those of the
    copy in the pack (or of the file now, when it was not copied); None when unknown."""

    item_label: str
    attachment: Attachment
    name: str  # its name in the pack (also given when it was not copied)
    state: FileState
    copied: bool
    large: bool = False  # larger than the limit and not copied
    size: int | None = None
    sha256: str | None = None
    detail: str = ""  # what went wrong, in words ("grew while being copied")

    @property
    def original_name(self) -> str:
        """The file's own name, without its folders (never a path of the user's machine)."""
        return _original_name(self.attachment.path)

    @property
    def matches(self) -> bool | None:
        """Whether the file is still what was attached; None when it could not be checked."""
        if self.state is FileState.INTACT:
            return True
        return False if self.state is FileState.CHANGED else None

    @property
    def is_problem(self) -> bool:
        return self.state is not FileState.INTACT or not self.copied

    @property
    def changed_or_missing(self) -> bool:
        """Not exactly the file that was attached (what ``strict`` refuses)."""
        return self.state is not FileState.INTACT

    def describe(self) -> str:
        """What is wrong with it, in plain words (empty when nothing is)."""
        return _describe_problem(self)

    @property
    def message(self) -> str:
        """One line for the command line or a notification: item, full path, problem."""
        return outgoing(
            f"{self.item_label}: {self.attachment.path}: {self.describe()}", one_line=True
        )


@dataclass(frozen=True)
class PackResult:
    """What ``write_claim_pack`` wrote: a zip file or a folder, its files, and the
    attached files that changed, are missing, or were too large to copy."""

    path: Path
    is_folder: bool
    files: tuple[PackedFile, ...]
    attachments: tuple[PackedAttachment, ...]

    @property
    def problems(self) -> tuple[PackedAttachment, ...]:
        return tuple(attachment for attachment in self.attachments if attachment.is_problem)


# -- writing -------------------------------------------------------------------------------


def default_pack_name(order_id: str) -> str:
    """'claim-pack-<order_id>.zip', with anything unsafe in a file name replaced."""
    return f"claim-pack-{safe_file_part(order_id)}.zip"


def safe_file_part(order_id: str) -> str:
    """The order id as a part of a file name: anything unsafe replaced."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", outgoing(order_id, one_line=True))
    return safe.strip("-.")[:80] or "order"


def write_claim_pack(
    record: OrderRecord,
    *,
    today: dt.date,
    policy: Policy = DEFAULT_POLICY,
    origins: Origins | None = None,
    corrections: Sequence[RecordedCorrection] = (),
    destination: Path | None = None,
    directory: Path | None = None,
    include_large: bool = False,
    strict: bool = False,
    large_bytes: int = LARGE_ATTACHMENT_BYTES,
    should_stop: Callable[[], bool] | None = None,
) -> PackResult:
    """Write the claim pack of ``record`` (from ``store.record``; ``origins`` from
    ``store.fact_origins``) as a zip (0600, replaced all at once) at ``destination``,
    or unpacked into the new or empty folder ``directory`` (files 0600, folders 0700).

    ``destination`` defaults to ``default_pack_name`` in the current folder; an
    existing folder gets that name inside it. Attachments over ``large_bytes`` are
    listed but not copied unless ``include_large``. With ``strict``, an attached file
    that changed, is missing or cannot be checked raises ``UserError`` and nothing is
    written. ``should_stop`` is asked between chunks (``HashingCancelled``)."""
    if destination is not None and directory is not None:
        raise UserError("write the claim pack either to a zip file or to a folder, not both")
    builder = _PackBuilder(
        record, today, policy, origins, include_large, strict, large_bytes, should_stop
    )
    builder.corrections = tuple(corrections)  # listed after the timeline
    if directory is not None:
        folder = Path(directory)
        files = _write_folder_atomically(folder, builder.build)
        return PackResult(folder, True, files, tuple(builder.attachments))
    path = Path.cwd() if destination is None else Path(destination)
    if destination is None or path.is_dir():
        path = path / default_pack_name(record.order.order_id)
    files = _write_zip_atomically(path, builder.build)
    return PackResult(path, False, files, tuple(builder.attachments))


class _Sink(Protocol):
    def add(self, name: str, data: bytes) -> None: ...

    def open_entry(self, name: str, size: int) -> Any: ...


class _ZipSink:
    def __init__(self, handle: IO[bytes]):
        self.zip = zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED)

    def _info(self, name: str, size: int) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=ZIP_TIMESTAMP)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.create_system = ZIP_UNIX
        info.external_attr = ZIP_FILE_ATTR
        info.file_size = size  # decides ZIP64 up front, from the size alone
        return info

    def add(self, name: str, data: bytes) -> None:
        with self.zip.open(self._info(name, len(data)), "w") as entry:
            entry.write(data)

    def open_entry(self, name: str, size: int) -> Any:
        return self.zip.open(self._info(name, size), "w")


class _FolderSink:
    def __init__(self, folder: Path):
        self.folder = folder

    def add(self, name: str, data: bytes) -> None:
        with self.open_entry(name, len(data)) as entry:
            entry.write(data)

    @contextmanager
    def open_entry(self, name: str, size: int) -> Iterator[IO[bytes]]:
        path = self.folder / name
        if not path.parent.is_dir():
            os.mkdir(path.parent, PRIVATE_FOLDER_MODE)
            os.chmod(path.parent, PRIVATE_FOLDER_MODE)  # whatever the umask
        fd = os.open(path, _NEW_FILE, PRIVATE_FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(fd, PRIVATE_FILE_MODE)
            yield handle
            handle.flush()
            os.fsync(fd)


def _write_zip_atomically(
    path: Path, fill: Callable[[_Sink], tuple[PackedFile, ...]]
) -> tuple[PackedFile, ...]:
    """The zip, streamed into a private file that replaces ``path`` only when whole."""
    with writing_private_file(path) as handle:
        sink = _ZipSink(handle)
        with sink.zip:
            files = fill(sink)
    return files


def _write_folder_atomically(
    folder: Path, fill: Callable[[_Sink], tuple[PackedFile, ...]]
) -> tuple[PackedFile, ...]:
    """The pack unpacked into ``folder``, which must be new or empty: built in a fresh
    0700 folder beside it, then renamed into place. Nothing is left on failure."""
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise UserError(f"{folder}: is not a folder; the claim pack was not written")
    if folder.is_dir() and any(folder.iterdir()):
        raise UserError(f"{folder}: is not empty; choose a new or empty folder for the pack")
    try:
        make_private_folder(folder.parent)
        temporary = fresh_name_beside(folder)
        os.mkdir(temporary, PRIVATE_FOLDER_MODE)
        os.chmod(temporary, PRIVATE_FOLDER_MODE)
    except OSError as error:
        raise UserError(f"{folder}: cannot be written ({error.strerror})") from None
    try:
        files = fill(_FolderSink(temporary))
        sync_folder(temporary)
        os.rename(temporary, folder)  # replaces an empty folder, never a full one
    except OSError as error:
        shutil.rmtree(temporary, ignore_errors=True)
        raise UserError(f"{folder}: cannot be written ({error.strerror})") from None
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    sync_folder(folder.parent)
    return files


# -- building ----------------------------------------------------------------------------


class _PackBuilder:
    """Writes the pack's entries, in sorted order, into a sink."""

    def __init__(
        self,
        record: OrderRecord,
        today: dt.date,
        policy: Policy,
        origins: Origins | None,
        include_large: bool,
        strict: bool,
        large_bytes: int,
        should_stop: Callable[[], bool] | None,
    ):
        self.record = record
        self.today = today
        self.policy = policy
        self.origins = origins
        self.include_large = include_large
        self.strict = strict
        self.large_bytes = large_bytes
        self.should_stop = should_stop
        self.corrections: tuple[RecordedCorrection, ...] = ()
        self.attachments: list[PackedAttachment] = []

    def build(self, sink: _Sink) -> tuple[PackedFile, ...]:
        record = self.record
        written: list[PackedFile] = []

        def add(name: str, data: bytes) -> None:
            sink.add(name, data)
            written.append(PackedFile(name, len(data), hashlib.sha256(data).hexdigest()))

        add(CHAT, outgoing(chat_transcript(record.messages)).encode())
        self.attachments = [self._pack_one(planned, sink) for planned in _plan_evidence(record)]
        refused = [attachment for attachment in self.attachments if attachment.changed_or_missing]
        if self.strict and refused:
            raise UserError(
                "Claim pack not written (strict): "
                + "; ".join(attachment.message for attachment in refused)
            )
        written += [
            PackedFile(a.name, a.size or 0, a.sha256 or "") for a in self.attachments if a.copied
        ]
        summary = outgoing(
            summary_markdown(
                record,
                today=self.today,
                policy=self.policy,
                origins=self.origins,
                attachments=self.attachments,
                large_bytes=self.large_bytes,
            )
        ).encode()
        timeline = outgoing(
            timeline_text(record.order, record.events, self.origins, self.corrections)
        ).encode()
        later = {SUMMARY: summary, TIMELINE: timeline}
        listed = [*written, *(_packed(name, data) for name, data in later.items())]
        manifest = manifest_json(record, self.today, listed, self.attachments).encode()
        for name, data in sorted({MANIFEST: manifest, **later}.items()):
            add(name, data)
        return tuple(sorted(written, key=lambda file: file.name))

    def _pack_one(self, planned: _Planned, sink: _Sink) -> PackedAttachment:
        attachment = planned.attachment
        base = PackedAttachment(
            planned.item_label, attachment, planned.name, FileState.INTACT, copied=False
        )
        try:
            fd = _open_regular_file(attachment.path)
        except NotRegularFile:
            return replace(base, state=FileState.SPECIAL)
        except (FileNotFoundError, NotADirectoryError):
            return replace(base, state=FileState.MISSING)
        except OSError as error:
            return replace(base, state=FileState.UNREADABLE, detail=error.strerror or "")
        try:
            size_now = os.fstat(fd).st_size
            if size_now > self.large_bytes and not self.include_large:
                os.close(fd)
                fd = -1
                state = file_state(
                    attachment.path,
                    attachment.size,
                    attachment.sha256,
                    should_stop=self.should_stop,
                )
                digest = attachment.sha256 if state is FileState.INTACT else None
                return replace(base, state=state, large=True, size=size_now, sha256=digest)
            with sink.open_entry(planned.name, size_now) as entry:
                copy = _copy(fd, size_now, entry, self.should_stop)
        finally:
            if fd >= 0:
                os.close(fd)
        same = copy.size == attachment.size and copy.sha256 == attachment.sha256
        if copy.read_failed:
            state = FileState.UNREADABLE
        else:
            state = FileState.INTACT if same and not copy.detail else FileState.CHANGED
        return replace(
            base, state=state, copied=True, size=copy.size, sha256=copy.sha256, detail=copy.detail
        )


def _packed(name: str, data: bytes) -> PackedFile:
    return PackedFile(name, len(data), hashlib.sha256(data).hexdigest())


@dataclass(frozen=True)
class _Copy:
    size: int
    sha256: str
    detail: str = ""
    read_failed: bool = False


def _open_regular_file(path: str) -> int:
    """A read-only descriptor on a regular file; a FIFO or a device is never opened
    (NotRegularFile), and O_NONBLOCK keeps one swapped in meanwhile from blocking."""
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise NotRegularFile(0, "not a regular file")
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise NotRegularFile(0, "not a regular file")
    return fd


def _copy(fd: int, size: int, entry: IO[bytes], should_stop: Callable[[], bool] | None) -> _Copy:
    """Copy ``size`` bytes (no more) into ``entry``, hashing what is copied."""
    digest = hashlib.sha256()
    copied = 0
    while copied < size:
        try:
            chunk = os.read(fd, min(CHUNK, size - copied))
        except OSError as error:
            problem = f"reading stopped after {copied:,} bytes ({error.strerror})"
            return _Copy(copied, digest.hexdigest(), problem, read_failed=True)
        if not chunk:
            return _Copy(copied, digest.hexdigest(), "shrank while being copied")
        entry.write(chunk)
        digest.update(chunk)
        copied += len(chunk)
        if should_stop is not None and should_stop():
            raise HashingCancelled("claim pack")
    try:
        grew = bool(os.read(fd, 1))
    except OSError:
        grew = False
    return _Copy(copied, digest.hexdigest(), "grew while being copied" if grew else "")


# -- evidence names ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Planned:
    item_label: str
    attachment: Attachment
    name: str


def _plan_evidence(record: OrderRecord) -> list[_Planned]:
    """Every attachment with its name in the pack, sorted by that name:
    'evidence/<position>-<item label>[-<n>].<extension>', unique, ASCII only."""
    taken: set[str] = set()
    planned = []
    for item in record.evidence:
        stem = f"{item.position + 1:02d}-{_slug(item.label, 'item')}"
        for attachment in item.attachments:
            extension = _extension(attachment.path)
            name, count = f"{stem}{extension}", 1
            while name in taken:
                count += 1
                name = f"{stem}-{count}{extension}"
            taken.add(name)
            planned.append(_Planned(item.label, attachment, f"{EVIDENCE_FOLDER}/{name}"))
    return sorted(planned, key=lambda entry: entry.name)


def _slug(text: str, fallback: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:MAX_SLUG].rstrip("-") or fallback


def _original_name(path: str) -> str:
    return outgoing(re.split(r"[\\/]", path)[-1], one_line=True)[:200]


def _extension(path: str) -> str:
    stem, dot, extension = _original_name(path).rpartition(".")
    if not dot or not stem or not re.fullmatch(r"[A-Za-z0-9]{1,10}", extension):
        return ""
    return "." + extension.lower()


# -- the texts ---------------------------------------------------------------------------


def chat_transcript(messages: Sequence[ChatMessage]) -> str:
    """The chat log in the format ``parse_transcript`` reads (the inverse of it): one
    '[YYYY-MM-DD HH:MM] Sender: text' line per message, its further lines below. A
    further line that would read as a message line of its own gets one space in front."""
    lines = []
    for message in messages:
        first, *rest = message.text.split("\n")
        lines.append(f"[{message.sent_at:%Y-%m-%d %H:%M}] {message.sender.label}: {first}")
        lines.extend(" " + line if line.startswith("[") else line for line in rest)
    return "".join(line + "\n" for line in lines)


def summary_markdown(
    record: OrderRecord,
    *,
    today: dt.date,
    policy: Policy = DEFAULT_POLICY,
    origins: Origins | None = None,
    attachments: Sequence[PackedAttachment] = (),
    large_bytes: int = LARGE_ATTACHMENT_BYTES,
) -> str:
    """summary.md: what a mediator needs first, in plain words."""
    order = record.order
    ready = readiness(order.dispute, record.evidence, record.messages)
    copied = sum(1 for attachment in attachments if attachment.copied)
    sections = [
        [
            f"# Claim pack: order {_one_line(order.order_id)}",
            "",
            f"{_one_line(order.title)} · {_one_line(order.store) or 'store not recorded'} · "
            f"{order.price} {order.currency}",
            "",
            f"Prepared with aliret-tui; deadlines as of {today.isoformat()}. In this pack:",
            "",
            f"- {SUMMARY}: this page",
            f"- {TIMELINE}: what happened, day by day",
            f"- {CHAT}: the conversation, one message per line",
            f"- {EVIDENCE_FOLDER}/: {_count(copied, 'file')} from the evidence checklist",
            f"- {MANIFEST}: size and SHA-256 of every file, and whether each attached file "
            "is still the one that was attached",
        ],
        _facts_section(record, policy, today, origins),
        _dispute_section(record),
        _seller_section(record),
        _deadlines_section(order, policy, today, origins),
        _readiness_section(ready),
        _missing_section(record, ready, attachments, large_bytes),
        _file_problems_section(attachments),
        _large_section(attachments, large_bytes),
        _checklist_section(record.evidence, attachments),
    ]
    return "\n\n".join("\n".join(section) for section in sections if section) + "\n"


def _facts_section(
    record: OrderRecord, policy: Policy, today: dt.date, origins: Origins | None
) -> list[str]:
    order = record.order
    rows = [
        ("Order number", _one_line(order.order_id)),
        ("Item", _one_line(order.title)),
        ("Store", _one_line(order.store) or "not recorded"),
        ("Price", f"{order.price} {order.currency}"),
        ("Ordered", _day(order.ordered_on)),
        ("Delivered", _delivered(order, origins)),
    ]
    if order.protection_ends:
        origin = origin_of(origins, "protection_ends")
        rows.append(("Buyer protection ends", f"{order.protection_ends} ({origin})"))
    window = order.window_days or policy.window_days_for(local_return=order.local_return)
    source = "set for this order" if order.window_days else "the policy's default"
    rows.append(("Inspection window", f"{window} days ({source})"))
    flags = ((order.free_return, "Free Return"), (order.local_return, "Local Return"))
    programmes = [name for flag, name in flags if flag]
    rows.append(("Ship to", " · ".join([order.country or "not recorded", *programmes])))
    rows.append(("State", order.state_label(policy, today)))
    lines = ["## The order", ""] + [f"- {label}: {value}" for label, value in rows]
    if record.lines:
        lines.append("- Items in the order:")
        lines += [
            f"  {line.position}. {_one_line(line.describe(order.currency))}"
            for line in record.lines
        ]
    return lines


def _delivered(order: Order, origins: Origins | None) -> str:
    if order.delivered_on is None:
        return "yes, date not recorded" if order.delivery_unknown else "not yet"
    origin = origin_of(origins, "delivered_on")
    return order.delivered_on.isoformat() + ("" if origin == "typed" else f" ({origin})")


def _dispute_section(record: OrderRecord) -> list[str]:
    order, dispute = record.order, record.order.dispute
    lines = ["## The dispute", ""]
    if dispute is None:
        return [*lines, "No dispute has been opened for this order."]
    lines += [
        f"- Reason: {dispute.reason.label}",
        f"- Wanted outcome: {dispute.outcome.label}",
        f"- Opened: {dispute.opened_on}",
    ]
    if dispute.escalated_on:
        lines.append(f"- Escalated to AliExpress mediation: {dispute.escalated_on}")
    disputed = [line for line in record.lines if line.disputed]
    if disputed:
        lines.append("- Lines disputed:")
        lines += [
            f"  {line.position}. {_one_line(line.describe(order.currency))}" for line in disputed
        ]
    else:
        lines.append("- Lines disputed: the whole order")
    opening = next((e for e in record.events if e.kind is EventKind.OPEN_DISPUTE), None)
    if opening is not None and opening.note:
        lines.append("- In the buyer's words:" + _indented(opening.note))
    shipment = dispute.return_shipment
    if shipment:
        lines.append(f"- Return approved: {shipment.approved_on}")
        if shipment.tracking:
            carrier = _one_line(shipment.carrier) or "carrier not recorded"
            lines.append(f"- Return tracking: {_one_line(shipment.tracking)} ({carrier})")
            lines.append(f"- Return shipped: {_day(shipment.shipped_on)}")
        if shipment.delivered_on:
            lines.append(f"- The seller received the return: {shipment.delivered_on}")
    refund = dispute.refund
    if refund and refund.expected_amount is not None:
        lines.append(f"- Refund agreed: {refund.expected_amount} {order.currency} (partial)")
    if refund and refund.amount is not None:
        kind = (
            f"partial, {order.price - refund.amount} short" if order.is_partial_refund else "full"
        )
        lines.append(
            f"- Refunded: {refund.amount} {order.currency} on {refund.refunded_on} ({kind})"
        )
    return lines


_SELLER_EVENTS = (EventKind.SELLER_AGREED, EventKind.SELLER_REFUSED, EventKind.RETURN_APPROVED)


def _seller_section(record: OrderRecord) -> list[str]:
    lines = ["## What the seller said", ""]
    decisions = [event for event in record.events if event.kind in _SELLER_EVENTS]
    for event in decisions:
        details = event_details(event, record.order.currency)
        text = f"- {event.on}: {event.kind.label}" + (f" ({details})" if details else "")
        lines.append(text + (" — your note:" + _indented(event.note) if event.note else ""))
    said = [message for message in record.messages if message.sender is Sender.SELLER]
    if decisions and said:
        lines.append("")
    for message in said:
        edited = f" (edited {_one_line(message.edited_at)})" if message.edited_at else ""
        lines.append(f"> **{message.sent_at:%Y-%m-%d %H:%M}**{edited}")
        lines += [f"> {line}".rstrip() for line in message.text.split("\n")]
        lines.append("")
    if not said:
        lines.append("No message from the seller is recorded in the chat log.")
    elif lines[-1] == "":
        lines.pop()
    if record.messages:
        lines += [
            "",
            f"The whole conversation ({_count(len(record.messages), 'message')}) is in {CHAT}.",
        ]
    return lines


def _deadlines_section(
    order: Order, policy: Policy, today: dt.date, origins: Origins | None
) -> list[str]:
    lines = ["## Deadlines", "", f"As of {today.isoformat()}:", ""]
    clock = order.clock(policy)
    if clock is None:
        lines.append(f"- No deadline is running ({order.state_label(policy, today)}).")
    elif clock.is_expired(today):
        lines.append(f"- The inspection window ended on {clock.deadline}.")
    else:
        left = describe_days_left(clock.days_left(today))
        lines += [
            f"- Running now: {clock.kind.label}, due {clock.deadline:%a} {clock.deadline} ({left})",
            f"  - What to do: {clock.action(today)}",
            f"  - Why that day: {deadline_rule(order, clock, policy, origins)}",
        ]
    dispute = order.dispute
    window_end = inspection_deadline(
        delivered_on=order.delivered_on,
        protection_ends=order.protection_ends,
        window_days=order.window_days,
        local_return=order.local_return,
        policy=policy,
    )
    if dispute is not None and window_end is not None:
        inspection = Clock(ClockKind.INSPECTION, window_end, order.delivered_on)
        within = ", within the inspection window" if dispute.opened_on <= window_end else ""
        lines += [
            f"- The dispute was opened on {dispute.opened_on}{within}; the inspection "
            f"deadline was {window_end}",
            f"  - Why that day: {deadline_rule(order, inspection, policy, origins)}",
        ]
    return lines


def _readiness_section(ready: Readiness) -> list[str]:
    def mark(ok: bool | None, name: str) -> str:
        if ok is None:
            return f"- –  {name} (no return applies)"
        return f"- {'✓' if ok else '✗'}  {name}"

    return [
        "## Mediation readiness",
        "",
        "What a mediator asks for:",
        "",
        mark(ready.photos, "photos or videos of the problem"),
        mark(ready.messages, "messages from both you and the seller"),
        mark(ready.tracking, "return tracking"),
    ]


def _missing_section(
    record: OrderRecord,
    ready: Readiness,
    attachments: Sequence[PackedAttachment],
    large_bytes: int,
) -> list[str]:
    gaps = []
    if not ready.photos:
        gaps.append(
            "A photo or video of the problem: no photo or video item of the "
            "checklist is ticked or has a file yet."
        )
    if not ready.messages:
        senders = {message.sender for message in record.messages}
        who = [
            name
            for sender, name in ((Sender.ME, "you"), (Sender.SELLER, "the seller"))
            if sender not in senders
        ]
        gaps.append(
            f"A message from {' and from '.join(who)} in the chat log: import the "
            "conversation from AliExpress messaging (the format of chat.txt)."
        )
    if ready.tracking is False:
        approved = record.order.dispute is not None and record.order.dispute.return_shipment
        gaps.append(
            "The return tracking number: ship the item back and record the return as "
            "shipped, with its tracking number and carrier."
            if approved
            else "The return tracking number, once the return is approved and the item "
            "shipped back (a return is wanted)."
        )
    for item in record.evidence:
        if not item.has_proof:
            gaps.append(f"Not collected yet: {_one_line(item.label)}.")
    broken = [attachment for attachment in attachments if attachment.changed_or_missing]
    if broken:
        gaps.append(
            f"{_count(len(broken), 'attached file')} changed or "
            f"{'is' if len(broken) == 1 else 'are'} missing since "
            "attached: see below."
        )
    large = [attachment for attachment in attachments if attachment.large]
    if large:
        gaps.append(
            f"{_count(len(large), 'attached file')} larger than {_size(large_bytes)} "
            "not copied into the pack: send separately."
        )
    lines = ["## Still missing", ""]
    if not gaps:
        return [
            *lines,
            "Nothing: every checklist item is ticked or has a file, and the "
            "mediator's three questions are answered.",
        ]
    return lines + [f"- {gap}" for gap in gaps]


def _checklist_section(
    evidence: Sequence[EvidenceItem], attachments: Sequence[PackedAttachment]
) -> list[str]:
    lines = ["## Evidence checklist", ""]
    if not evidence:
        return [*lines, "No checklist items."]
    by_attachment = {id(packed.attachment): packed for packed in attachments}
    for item in evidence:
        lines.append(
            f"- [{'x' if item.has_proof else ' '}] {_one_line(item.label)} ({item.kind.value})"
        )
        for attachment in item.attachments:
            packed = by_attachment.get(id(attachment))
            if packed is None:
                continue
            where = packed.name if packed.copied else "not in the pack"
            state = "intact" if not packed.is_problem else packed.describe()
            lines.append(f"  - file {packed.original_name}: {where}; {state}")
        if item.note:
            lines.append("  - note:" + _indented(item.note, "    "))
    return lines


def _file_problems_section(attachments: Sequence[PackedAttachment]) -> list[str]:
    broken = [attachment for attachment in attachments if attachment.changed_or_missing]
    if not broken:
        return []
    lines = ["## Files that changed or are missing since they were attached", ""]
    for packed in broken:
        attached = _one_line(packed.attachment.attached_at) or "an unknown time"
        where = (
            f"the pack holds it as it is now: {packed.name}"
            if packed.copied
            else ("it is not in the pack")
        )
        lines.append(
            f"- {_one_line(packed.item_label)}: {packed.original_name}, attached "
            f"{attached}: {packed.describe()}; {where}."
        )
    return lines


def _large_section(attachments: Sequence[PackedAttachment], large_bytes: int) -> list[str]:
    large = [attachment for attachment in attachments if attachment.large]
    if not large:
        return []
    lines = [f"## Files not copied: larger than {_size(large_bytes)}", ""]
    for packed in large:
        state = "unchanged since attached" if packed.state is FileState.INTACT else packed.state
        lines.append(
            f"- {_one_line(packed.item_label)}: {packed.original_name} "
            f"({_size(packed.size or 0)}, {state})"
        )
    return lines


def _describe_problem(packed: PackedAttachment) -> str:
    text = _describe_state(packed)
    if packed.large and packed.state is not FileState.INTACT:
        text += f"; larger than the limit ({_size(packed.size or 0)}), not copied"
    return text


def _describe_state(packed: PackedAttachment) -> str:
    recorded = packed.attachment
    detail = f" ({packed.detail})" if packed.detail else ""
    if packed.state is FileState.MISSING:
        return "missing: not found where it was attached"
    if packed.state is FileState.SPECIAL:
        return "no longer a regular file (a FIFO or a device?), not read"
    if packed.state is FileState.UNREADABLE:
        return f"cannot be read{detail}"
    if packed.state is FileState.TOO_SLOW:
        return "could not be checked in time"
    if packed.state is FileState.CHANGED:
        if packed.size is not None and packed.size != recorded.size:
            what = f"now {packed.size:,} bytes, was {recorded.size:,}"
        else:
            what = f"same size ({recorded.size:,} bytes), different SHA-256"
        return f"changed since it was attached ({what}){detail}"
    if packed.large:
        return f"larger than the limit ({_size(packed.size or 0)}), not copied"
    return ""


# -- the manifest ----------------------------------------------------------------------------


def manifest_json(
    record: OrderRecord,
    today: dt.date,
    files: Sequence[PackedFile],
    attachments: Sequence[PackedAttachment],
) -> str:
    """manifest.json: each file of the pack (but itself) with size and SHA-256; each
    evidence copy beside its fingerprint from when it was attached; and the
    attachments not copied, with why."""
    by_name = {attachment.name: attachment for attachment in attachments if attachment.copied}
    entries = []
    for file in sorted(files, key=lambda file: file.name):
        entry: dict[str, Any] = {"path": file.name, "size": file.size, "sha256": file.sha256}
        packed = by_name.get(file.name)
        if packed is not None:
            entry.update(_attachment_fields(packed))
        entries.append(entry)
    not_copied = [
        {"reason": "larger than the limit" if a.large else a.state.value, **_attachment_fields(a)}
        for a in attachments
        if not a.copied
    ]
    data = {
        "format": "aliret-tui claim pack",
        "format_version": PACK_FORMAT_VERSION,
        "order_id": record.order.order_id,
        "as_of": today.isoformat(),
        "files": entries,
        "not_copied": not_copied,
    }
    return outgoing_json(data, sort_keys=True, indent=2) + "\n"


def _attachment_fields(packed: PackedAttachment) -> dict[str, Any]:
    recorded = packed.attachment
    fields: dict[str, Any] = {
        "item": packed.item_label,
        "original_name": packed.original_name,
        "attached_at": recorded.attached_at,
        "recorded_size": recorded.size,
        "recorded_sha256": recorded.sha256,
        "state": packed.state.value,
        "matches": packed.matches,
    }
    if not packed.copied:
        fields.update(size=packed.size, sha256=packed.sha256)
    return fields


# -- small helpers -----------------------------------------------------------------------------


def _one_line(text: str) -> str:
    return outgoing(text, one_line=True)


def _indented(text: str, indent: str = "  ") -> str:
    """A note under a list item: on the same line when it has one line, else below it."""
    lines = text.split("\n")
    if len(lines) == 1:
        return f" {text}"
    return "".join(f"\n{indent}{line}".rstrip(" ") for line in lines)


def _day(day: dt.date | None) -> str:
    return day.isoformat() if day else "not recorded"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _size(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:,.0f} MB"
    return f"{size:,} bytes"
