"""The claim pack (issue 15): a pack for every dispute state of the demo, its manifest
against the unzipped files, byte-identical builds, changed, missing, large and special
attached files (and --strict refusing them), private modes, hostile text, and no path
of the user's machine anywhere in the pack. Real SQLite files in tmp_path."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import sqlite3
import stat
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from aliret_tui.demo import fill_demo
from aliret_tui.domain.models import Attachment, ChatMessage, EventInput, EvidenceItem, parse
from aliret_tui.domain.states import DISPUTE_OPEN_STATES
from aliret_tui.domain.timeline import timeline_text
from aliret_tui.domain.transcript import parse_transcript
from aliret_tui.errors import UserError
from aliret_tui.files import FileState, HashingCancelled, fingerprint
from aliret_tui.reports.claim_pack import (
    LARGE_ATTACHMENT_BYTES,
    PackResult,
    write_claim_pack,
)
from aliret_tui.store.store import Store
from aliret_tui.timesource import TimeSource

FROZEN = TimeSource(frozen_at=dt.datetime(2026, 3, 10, 9, 30))
TODAY = FROZEN.today()
KEYBOARD = "8175100000000017"  # the demo's refused dispute, with a chat log
# Every state of the demo's orders that has a dispute (checked against the demo below).
DISPUTE_STATES_IN_DEMO = (
    "awaiting_seller",
    "seller_refused",
    "in_mediation",
    "return_approved",
    "return_shipped",
    "refund_pending",
    "refunded",
    "mediation_lost",
    "cancelled",
)
TEXT_FILES = {"chat.txt", "manifest.json", "summary.md", "timeline.txt"}
CHANGED_HEADING = "## Files that changed or are missing since they were attached"
# What may never come out: C0 controls but newline and tab, DEL, C1, bidi overrides.
UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
SAFE_EVIDENCE_NAME = re.compile(
    r"^evidence/[0-9]{2,}-[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]{1,10})?$"
)
OSC_TITLE = "\x1b]0;PWNED\x07"


# -- helpers ------------------------------------------------------------------------------


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "data" / "demo.db"
    path.parent.mkdir()
    fill_demo(path, FROZEN)
    return path


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with Store(db_path, time=FROZEN) as opened:
        yield opened


@pytest.fixture
def files(tmp_path: Path) -> Path:
    """Where the user keeps the evidence: a folder whose name must never reach the pack."""
    folder = tmp_path / "my-private-folder"
    folder.mkdir()
    return folder


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def make_file(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def attach(store: Store, order_id: str, label: str, path: Path) -> None:
    """Attach ``path`` to the checklist item ``label`` as the detail screen does."""
    item = next(item for item in store.evidence(order_id) if item.label == label)
    size, digest = fingerprint(path)
    attachment = Attachment(
        path=str(path), size=size, sha256=digest, attached_at="2026-03-09T10:00:00"
    )
    assert item.id is not None
    store.attach_file(order_id, item.id, attachment)


def build(store: Store, order_id: str, **options) -> PackResult:
    return write_claim_pack(
        store.record(order_id),
        today=TODAY,
        policy=store.policy,
        origins=store.fact_origins(order_id),
        **options,
    )


def read_zip(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as pack:
        return {name: pack.read(name) for name in pack.namelist()}


def manifest_of(contents: dict[str, bytes]) -> dict:
    return json.loads(contents["manifest.json"])


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def order_in_state(store: Store, state: str) -> str:
    return next(o.order_id for o in store.list_orders(include_archived=True) if o.state == state)


# -- contents ------------------------------------------------------------------------------


def test_the_demo_has_exactly_these_dispute_states(store):
    """A new dispute state in the demo must get its pack test (the list below)."""
    states = {o.state.value for o in store.list_orders(include_archived=True) if o.dispute}
    assert states == set(DISPUTE_STATES_IN_DEMO)


@pytest.mark.parametrize("state", DISPUTE_STATES_IN_DEMO)
def test_a_pack_for_each_dispute_state_of_the_demo(store, files, out, state):
    order_id = order_in_state(store, state)
    first_item = store.evidence(order_id)[0].label
    attach(store, order_id, first_item, make_file(files / "photo.jpg", b"photo " + state.encode()))
    record = store.record(order_id)
    order, dispute = record.order, record.order.dispute
    assert dispute is not None

    result = build(store, order_id, destination=out / "pack.zip")

    contents = read_zip(result.path)
    names = list(contents)
    assert names == sorted(names)
    evidence = [name for name in names if name not in TEXT_FILES]
    assert set(names) - set(evidence) == TEXT_FILES
    assert len(evidence) == 1 and evidence[0].startswith("evidence/01-")
    assert evidence[0].endswith(".jpg")
    summary = contents["summary.md"].decode()
    for expected in (
        f"# Claim pack: order {order_id}",
        f"- Item: {order.title}",
        f"- Reason: {dispute.reason.label}",
        f"- Wanted outcome: {dispute.outcome.label}",
        f"- Opened: {dispute.opened_on}",
        "- Lines disputed: the whole order",
        f"- State: {order.state_label(store.policy, TODAY)}",
        "## What the seller said",
        "## Deadlines",
        "## Mediation readiness",
        "## Still missing",
    ):
        assert expected in summary, expected
    clock = order.clock(store.policy)
    if state in {s.value for s in DISPUTE_OPEN_STATES} and clock is not None:
        assert f"due {clock.deadline:%a} {clock.deadline}" in summary
    else:
        assert "- No deadline is running" in summary
    assert CHANGED_HEADING not in summary
    expected_timeline = timeline_text(order, record.events, store.fact_origins(order_id))
    assert contents["timeline.txt"].decode() == expected_timeline
    manifest = manifest_of(contents)
    assert [entry["path"] for entry in manifest["files"]] == sorted(set(names) - {"manifest.json"})
    assert result.problems == ()


def test_the_summary_of_the_refused_dispute_says_what_the_mediator_needs(store, out):
    result = build(store, KEYBOARD, destination=out / "pack.zip")
    summary = read_zip(result.path)["summary.md"].decode()
    assert "- 2026-03-06: Seller refused — your note: Seller says it is user error" in summary
    assert "> Sorry, we cannot accept. It is user error." in summary
    assert "Dear friend" in summary and "three keys (E, R and Enter)" not in summary  # seller only
    assert "- Running now: escalate, due Mon 2026-03-16 (6 days left)" in summary
    assert (
        "opened on 2026-03-01, within the inspection window; the inspection deadline was 2026-03-09"
        in summary
    )
    assert "- ✓  photos or videos of the problem" in summary  # the ticked video
    assert "- ✓  messages from both you and the seller" in summary
    # No return approved: nothing to track yet, so tracking is not counted missing.
    assert "- –  return tracking (no return applies)" in summary
    assert "✗  return tracking" not in summary
    assert "- Not collected yet: Tags kept." in summary
    assert "- In the buyer's words: Three keys do not register" in summary


def test_lines_disputed_are_named(store, out):
    order_id = "3071000000000031"  # pasted from an order page: a lantern and headlamps
    request = parse(
        EventInput, {"kind": "open_dispute", "reason": "missing_parts", "lines": [2]}, today=TODAY
    )
    store.record_event(order_id, request)
    contents = read_zip(build(store, order_id, destination=out / "p.zip").path)
    text = contents["summary.md"].decode()
    disputed = text.split("- Lines disputed:")[1].split("\n- ")[0]
    assert "Headlamp" in disputed and "lantern" not in disputed
    assert "- Delivered: 2026-03-04 (from a copied AliExpress page, pasted text" in text
    origins = store.fact_origins(order_id)
    timeline = contents["timeline.txt"].decode()
    assert timeline == timeline_text(store.record(order_id).order, store.events(order_id), origins)
    assert "from a copied AliExpress page" in timeline  # where the imported dates came from


# -- the manifest --------------------------------------------------------------------------


def test_the_manifest_hashes_match_the_unzipped_files(store, files, out, tmp_path):
    label = make_file(files / "IMG_0001.JPG", b"\xff\xd8label" * 1000)
    second = make_file(files / "IMG_0002.jpg", b"\xff\xd8second" * 10)
    video = make_file(files / "keys.mp4", os.urandom(50_000))
    attach(store, KEYBOARD, "Photos of the problem", label)
    attach(store, KEYBOARD, "Photos of the problem", second)
    attach(store, KEYBOARD, "Video showing the defect", video)

    result = build(store, KEYBOARD, destination=out / "pack.zip")
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(result.path) as pack:
        pack.extractall(unpacked)

    with zipfile.ZipFile(result.path) as pack:
        assert pack.namelist() == sorted(pack.namelist())
    manifest = json.loads((unpacked / "manifest.json").read_text())
    on_disk = {
        path.relative_to(unpacked).as_posix(): path.read_bytes()
        for path in unpacked.rglob("*")
        if path.is_file() and path.name != "manifest.json"
    }
    listed = {entry["path"]: entry for entry in manifest["files"]}
    assert set(listed) == set(on_disk)
    for name, data in on_disk.items():
        assert listed[name]["size"] == len(data), name
        assert listed[name]["sha256"] == sha256(data), name
    originals = {"IMG_0001.JPG": label, "IMG_0002.jpg": second, "keys.mp4": video}
    evidence = [entry for entry in manifest["files"] if entry["path"].startswith("evidence/")]
    assert len(evidence) == 3
    for entry in evidence:
        original = originals[entry["original_name"]].read_bytes()
        assert on_disk[entry["path"]] == original
        assert entry["recorded_sha256"] == entry["sha256"] == sha256(original)
        assert entry["recorded_size"] == entry["size"] == len(original)
        assert entry["matches"] is True and entry["state"] == "intact"
    assert {entry["path"] for entry in evidence} == {
        "evidence/01-photos-of-the-problem.jpg",
        "evidence/01-photos-of-the-problem-2.jpg",
        "evidence/06-video-showing-the-defect.mp4",
    }
    assert manifest["not_copied"] == []
    assert {file.name for file in result.files} == set(on_disk) | {"manifest.json"}


def test_two_builds_are_byte_identical(store, files, out):
    photo = make_file(files / "label.jpg", b"label" * 5000)
    attach(store, KEYBOARD, "Photos of the problem", photo)
    first = build(store, KEYBOARD, destination=out / "first.zip")
    os.utime(photo, (time.time() + 3600, time.time() + 3600))  # same bytes, new times
    time.sleep(0.01)
    second = build(store, KEYBOARD, destination=out / "second.zip")

    assert first.path.read_bytes() == second.path.read_bytes()
    with zipfile.ZipFile(first.path) as pack:
        infos = pack.infolist()
    assert [info.filename for info in infos] == sorted(info.filename for info in infos)
    for info in infos:
        assert info.date_time == (1980, 1, 1, 0, 0, 0), info.filename
        assert info.external_attr >> 16 == stat.S_IFREG | 0o600, info.filename
        assert info.create_system == 3
        assert not info.filename.startswith("/") and ".." not in info.filename


# -- changed, missing, large and special files ------------------------------------------------


def test_a_file_changed_after_attaching_is_flagged(store, files, out):
    photo = make_file(files / "label.jpg", b"A" * 1000)
    grown = make_file(files / "box.jpg", b"B" * 1000)
    attach(store, KEYBOARD, "Photos of the problem", photo)
    attach(store, KEYBOARD, "Original packaging kept", grown)
    photo.write_bytes(b"C" * 1000)  # same size, other bytes
    grown.write_bytes(b"B" * 1200)

    result = build(store, KEYBOARD, destination=out / "pack.zip")

    assert {(p.original_name, p.state) for p in result.problems} == {
        ("label.jpg", FileState.CHANGED),
        ("box.jpg", FileState.CHANGED),
    }
    assert any("label.jpg" in p.message and str(files) in p.message for p in result.problems)
    contents = read_zip(result.path)
    entries = {e["original_name"]: e for e in manifest_of(contents)["files"] if "item" in e}
    assert entries["label.jpg"]["matches"] is False
    assert entries["label.jpg"]["sha256"] == sha256(b"C" * 1000)
    assert entries["label.jpg"]["recorded_sha256"] == sha256(b"A" * 1000)
    assert entries["box.jpg"]["size"] == 1200 and entries["box.jpg"]["recorded_size"] == 1000
    summary = contents["summary.md"].decode()
    section = summary.split(CHANGED_HEADING)[1].split("\n## ")[0]
    assert "Photos of the problem: label.jpg" in section
    assert "same size (1,000 bytes), different SHA-256" in section
    assert "Original packaging kept: box.jpg" in section and "now 1,200 bytes, was 1,000" in section
    assert "2 attached files changed or are missing since attached" in summary


def test_strict_refuses_a_changed_file_and_writes_nothing(store, files, out):
    photo = make_file(files / "label.jpg", b"A" * 1000)
    attach(store, KEYBOARD, "Photos of the problem", photo)
    photo.write_bytes(b"C" * 1000)
    (out / "pack.zip").write_bytes(b"the pack built yesterday")

    with pytest.raises(UserError, match=r"label\.jpg.*changed since it was attached"):
        build(store, KEYBOARD, destination=out / "pack.zip", strict=True)
    with pytest.raises(UserError, match=r"label\.jpg.*changed"):
        build(store, KEYBOARD, directory=out / "folder", strict=True)
    assert [path.name for path in out.iterdir()] == ["pack.zip"]  # nothing temporary left
    assert (out / "pack.zip").read_bytes() == b"the pack built yesterday"


def test_strict_builds_a_pack_whose_files_are_intact(store, files, out):
    attach(store, KEYBOARD, "Photos of the problem", make_file(files / "a.jpg", b"a"))
    result = build(store, KEYBOARD, destination=out / "pack.zip", strict=True)
    assert "evidence/01-photos-of-the-problem.jpg" in read_zip(result.path)


def test_a_missing_file_is_reported_and_strict_refuses(store, files, out):
    photo = make_file(files / "label.jpg", b"label")
    attach(store, KEYBOARD, "Photos of the problem", photo)
    photo.unlink()

    result = build(store, KEYBOARD, destination=out / "pack.zip")

    assert [(p.original_name, p.state, p.copied) for p in result.problems] == [
        ("label.jpg", FileState.MISSING, False)
    ]
    contents = read_zip(result.path)
    assert not [name for name in contents if name.startswith("evidence/")]
    (missing,) = manifest_of(contents)["not_copied"]
    assert missing["state"] == "missing" and missing["reason"] == "missing"
    assert missing["recorded_sha256"] == sha256(b"label") and missing["sha256"] is None
    summary = contents["summary.md"].decode()
    assert "label.jpg" in summary.split(CHANGED_HEADING)[1]
    assert "missing: not found where it was attached" in summary
    with pytest.raises(UserError, match=r"label\.jpg.*missing"):
        build(store, KEYBOARD, destination=out / "strict.zip", strict=True)
    assert not (out / "strict.zip").exists()


def test_a_file_over_100_mb_is_listed_but_not_copied(store, files, out):
    large = files / "unboxing.mp4"
    with open(large, "wb") as handle:
        handle.truncate(LARGE_ATTACHMENT_BYTES + 1)  # sparse: no disk used
    attach(store, KEYBOARD, "Video showing the defect", large)

    result = build(store, KEYBOARD, destination=out / "pack.zip", strict=True)  # intact: allowed

    assert result.path.stat().st_size < 100_000
    contents = read_zip(result.path)
    assert not [name for name in contents if name.startswith("evidence/")]
    (listed,) = manifest_of(contents)["not_copied"]
    assert listed["reason"] == "larger than the limit" and listed["state"] == "intact"
    assert listed["size"] == LARGE_ATTACHMENT_BYTES + 1
    assert [(p.original_name, p.large, p.copied) for p in result.problems] == [
        ("unboxing.mp4", True, False)
    ]
    summary = contents["summary.md"].decode()
    assert "## Files not copied: larger than 100 MB" in summary
    assert "Video showing the defect: unboxing.mp4" in summary
    assert CHANGED_HEADING not in summary

    included = build(store, KEYBOARD, destination=out / "all.zip", include_large=True)
    with zipfile.ZipFile(included.path) as pack:
        info = pack.getinfo("evidence/06-video-showing-the-defect.mp4")
    assert info.file_size == LARGE_ATTACHMENT_BYTES + 1
    assert included.problems == ()


def test_a_fifo_where_a_file_was_is_not_opened(store, files, out):
    photo = make_file(files / "label.jpg", b"label")
    attach(store, KEYBOARD, "Photos of the problem", photo)
    photo.unlink()
    os.mkfifo(photo)  # opening it for reading would wait for a writer forever

    result = build(store, KEYBOARD, destination=out / "pack.zip")

    assert [(p.state, p.copied) for p in result.problems] == [(FileState.SPECIAL, False)]
    with pytest.raises(UserError, match="no longer a regular file"):
        build(store, KEYBOARD, destination=out / "strict.zip", strict=True)


def test_stopping_leaves_nothing_behind(store, files, out):
    attach(store, KEYBOARD, "Photos of the problem", make_file(files / "a.jpg", b"a" * 10))
    with pytest.raises(HashingCancelled):
        build(store, KEYBOARD, destination=out / "pack.zip", should_stop=lambda: True)
    assert list(out.iterdir()) == []


# -- where and how it is written ---------------------------------------------------------------


@pytest.mark.parametrize("umask", [0o000, 0o277], ids=["umask-000", "umask-277"])
def test_the_pack_is_private_whatever_the_umask(store, files, out, umask):
    """0600 files and 0700 folders: not wider with umask 0, not narrower with 0277."""
    attach(store, KEYBOARD, "Photos of the problem", make_file(files / "a.jpg", b"a"))
    previous = os.umask(umask)
    try:
        zipped = build(store, KEYBOARD, destination=out / "pack.zip")
        unpacked = build(store, KEYBOARD, directory=out / "new" / "pack")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(zipped.path.stat().st_mode) == 0o600
    assert unpacked.is_folder and unpacked.path == out / "new" / "pack"
    found = [unpacked.path, *unpacked.path.rglob("*")]
    assert {p.relative_to(unpacked.path).as_posix() for p in found if p.is_file()} == {
        "chat.txt", "evidence/01-photos-of-the-problem.jpg", "manifest.json", "summary.md",
        "timeline.txt",
    }  # fmt: skip
    for path in [*found, out / "new"]:
        expected = 0o700 if path.is_dir() else 0o600
        assert stat.S_IMODE(path.stat().st_mode) == expected, path
    assert (unpacked.path / "manifest.json").read_bytes() == read_zip(zipped.path)["manifest.json"]


def test_a_folder_must_be_new_or_empty(store, out):
    (out / "empty").mkdir()
    assert build(store, KEYBOARD, directory=out / "empty").path.joinpath("summary.md").is_file()
    (out / "full").mkdir()
    (out / "full" / "mine.txt").write_text("keep me")
    with pytest.raises(UserError, match="not empty"):
        build(store, KEYBOARD, directory=out / "full")
    assert [p.name for p in (out / "full").iterdir()] == ["mine.txt"]


def test_default_name_and_destinations(store, out, monkeypatch):
    monkeypatch.chdir(out)
    assert build(store, KEYBOARD).path == out / f"claim-pack-{KEYBOARD}.zip"
    (out / "folder").mkdir()
    assert build(store, KEYBOARD, destination=out / "folder").path == (
        out / "folder" / f"claim-pack-{KEYBOARD}.zip"
    )
    with pytest.raises(UserError, match="not both"):
        build(store, KEYBOARD, destination=out / "x.zip", directory=out / "y")
    (out / "link.zip").symlink_to(out / "elsewhere.zip")
    with pytest.raises(UserError, match="symbolic link"):
        build(store, KEYBOARD, destination=out / "link.zip")
    assert not (out / "elsewhere.zip").exists()


# -- the chat transcript --------------------------------------------------------------------


def test_chat_txt_reads_back_as_the_same_messages(store, out):
    added = [
        {"sender": "me", "sent_at": "2026-03-07 10:00", "text": "Tabs\tstay,\n\nblank lines too"},
        {"sender": "seller", "sent_at": "2026-03-07 11:00", "text": "  indented start, 😀 ok"},
        {"sender": "aliexpress", "sent_at": "2026-03-07 12:00", "text": "Case: [closed]"},
    ]
    store.add_messages(KEYBOARD, [parse(ChatMessage, message) for message in added])
    expected = store.record(KEYBOARD).messages
    assert any("\n" in message.text for message in expected)

    chat = read_zip(build(store, KEYBOARD, destination=out / "p.zip").path)["chat.txt"].decode()

    parsed = parse_transcript(chat)
    as_tuples = [(m.sender, m.sent_at, m.text) for m in parsed]
    assert as_tuples == [(m.sender, m.sent_at, m.text) for m in expected]


def test_a_further_line_that_looks_like_a_message_stays_in_its_message(store, out):
    text = "Order page said:\n[2026-03-01 10:00] Seller: free returns\n[not a time] either"
    store.add_messages(
        KEYBOARD,
        [parse(ChatMessage, {"sender": "me", "sent_at": "2026-03-08 09:00", "text": text})],
    )
    chat = read_zip(build(store, KEYBOARD, destination=out / "p.zip").path)["chat.txt"].decode()
    parsed = parse_transcript(chat)
    assert len(parsed) == len(store.record(KEYBOARD).messages)
    assert parsed[-1].text == text.replace("\n[", "\n [")  # one space keeps it in the message


# -- names, hostile text, paths -------------------------------------------------------------------


def test_evidence_names_are_safe_and_unique(store, files, out):
    for label in ("../../etc/passwd", "Ünïcödé фото", "Photos of the problem"):
        store.add_evidence_item(KEYBOARD, parse(EvidenceItem, {"label": label, "kind": "photo"}))
    names = ("a.tar.GZ", "noext", ".hidden", "x.JPEG", "weird.ext!!", "../up.png")
    made = [make_file(files / name.replace("../", "up-"), name.encode()) for name in names]
    for path in made[:3]:
        attach(store, KEYBOARD, "../../etc/passwd", path)
    attach(store, KEYBOARD, "Ünïcödé фото", made[3])
    attach(store, KEYBOARD, "Photos of the problem", made[4])  # two items with this label
    attach(store, KEYBOARD, "Tags kept", made[5])

    contents = read_zip(build(store, KEYBOARD, destination=out / "p.zip").path)

    evidence = sorted(name for name in contents if name.startswith("evidence/"))
    assert len(evidence) == len(made)
    for name in evidence:
        assert SAFE_EVIDENCE_NAME.match(name), name
    assert "evidence/07-etc-passwd.gz" in evidence and "evidence/07-etc-passwd-2" in evidence
    assert "evidence/08-unicode.jpeg" in evidence
    assert "evidence/03-tags-kept.png" in evidence


def test_hostile_text_comes_out_stripped(db_path, files, out):
    with Store(db_path, time=FROZEN) as opened:
        attach(opened, KEYBOARD, "Photos of the problem", make_file(files / "a.jpg", b"a"))
    hostile_id = f"{KEYBOARD}{OSC_TITLE}\x1b[2J\x9b31m\u202e"
    conn = sqlite3.connect(db_path)
    try:
        conn.execute(
            "UPDATE orders SET title = ?, store = ? WHERE order_id = ?",
            (
                f"Keyboard{OSC_TITLE}\x1b[31m red\x7f",
                "Key\x1b]8;;file:///x\x1b\\Craft\x85",
                KEYBOARD,
            ),
        )
        conn.execute(
            "UPDATE messages SET text = ? WHERE order_id = ? AND sender = 'seller'",
            (f"No refund\x1b[2J\x1b[H{OSC_TITLE}\x90dcs\x9c\nsecond\x08 line\x00", KEYBOARD),
        )
        conn.execute(
            "UPDATE evidence SET label = ?, note = ? WHERE order_id = ?",
            ("Label\x1b[1m bold\u2066", "note\x1b]52;c;SGVsbG8=\x07 here", KEYBOARD),
        )
        conn.execute("UPDATE events SET note = ? WHERE order_id = ?", (f"ev{OSC_TITLE}", KEYBOARD))
        conn.execute("UPDATE attachments SET path = path || ?", ("\x1b[31m",))
        tables = conn.execute(
            "SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) c "
            "WHERE m.type = 'table' AND c.name = 'order_id'"
        ).fetchall()
        for (table,) in tables:
            conn.execute(f'UPDATE "{table}" SET order_id = ? WHERE order_id = ?',
                         (hostile_id, KEYBOARD))  # fmt: skip
        conn.commit()
    finally:
        conn.close()

    with Store(db_path, time=FROZEN) as opened:
        result = build(opened, hostile_id, destination=out)

    assert UNSAFE.search(result.path.name) is None and "PWNED" not in result.path.name
    contents = read_zip(result.path)
    for name, data in contents.items():
        text = data.decode("utf-8")  # strict
        assert UNSAFE.search(name) is None
        found = UNSAFE.search(text)
        assert found is None, f"{name}: U+{ord(found.group()):04X} in {text[:200]!r}"
        assert "PWNED" not in text and "SGVsbG8" not in text, name
        assert "\\u001b" not in text and "\\u00" not in text, name
    summary = contents["summary.md"].decode()
    assert "Keyboard red" in summary and "KeyCraft" in summary
    assert "> No refund" in summary and "> second line" in summary
    assert parse_transcript(contents["chat.txt"].decode())


def test_text_not_cleaned_on_read_is_cleaned_on_the_way_out(store, out):
    """A record as a hand-built import could hold it: every text in the pack is cleaned,
    and a title cannot start a heading of its own in summary.md."""
    record = store.record(KEYBOARD)
    hostile = f"x{OSC_TITLE}\x1b[2J\x9b31m\x85\u202e\x00y"
    order = record.order.replace(
        **{"title": f"Title\n# Injected heading {hostile}", "store": hostile}
    )
    raw = record.replace(
        **{
            "order": order,
            "messages": tuple(m.replace(text=m.text + hostile) for m in record.messages),
            "evidence": tuple(
                i.replace(label="L" + hostile, note=hostile) for i in record.evidence
            ),
            "events": tuple(e.replace(note=hostile) for e in record.events),
        }
    )

    result = write_claim_pack(raw, today=TODAY, destination=out / "p.zip")

    contents = read_zip(result.path)
    for name, data in contents.items():
        text = data.decode("utf-8")
        found = UNSAFE.search(text)
        assert found is None, f"{name}: U+{ord(found.group()):04X}"
        assert "PWNED" not in text and "\\u00" not in text, name
    summary = contents["summary.md"].decode()
    assert "# Injected" in summary
    assert not [line for line in summary.splitlines() if line.startswith("# Injected")]


def test_no_path_of_the_users_machine_is_in_the_pack(store, files, out, tmp_path):
    for label, name in (("Photos of the problem", "IMG_1.jpg"), ("Tags kept", "tags.png")):
        attach(store, KEYBOARD, label, make_file(files / name, name.encode() * 100))
    (files / "tags.png").write_bytes(b"changed")  # a changed file is described too
    result = build(store, KEYBOARD, destination=out / "pack.zip")
    assert result.problems

    raw = result.path.read_bytes()
    contents = read_zip(result.path)
    for where, data in [("the zip itself", raw), *contents.items()]:
        for secret in (str(tmp_path), str(files), "my-private-folder"):
            assert secret.encode() not in data, f"{secret} in {where}"
    for name in contents:
        assert not name.startswith("/") and ".." not in name.split("/")
