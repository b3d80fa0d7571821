"""The chat log on a real SQLite file: a transcript imported twice adds nothing the
second time, and a correction can change a message's sender and time."""

from __future__ import annotations

import datetime as dt

from aliret_tui.domain.models import ChatMessage, parse
from aliret_tui.domain.transcript import parse_transcript
from aliret_tui.domain.vocabulary import Sender

TRANSCRIPT = """[2026-03-02 09:00] Me: The shoes are a size too small.
[2026-03-02 10:15] Seller: Please send a photo.
[2026-03-02 10:20] Me: ok
[2026-03-02 10:20] Me: ok
[2026-03-03 08:00] Seller: We can refund 5 USD.
"""


def test_importing_the_same_transcript_twice_adds_nothing_the_second_time(store, make_facts):
    store.add_order(make_facts("1"))
    assert store.add_messages("1", parse_transcript(TRANSCRIPT)) == 5
    assert store.add_messages("1", parse_transcript(TRANSCRIPT)) == 0
    assert len(store.messages("1")) == 5
    # A longer transcript of the same chat adds only what is new.
    longer = TRANSCRIPT + "[2026-03-04 12:00] Seller: Refund sent.\n"
    assert store.add_messages("1", parse_transcript(longer)) == 1
    assert [m.text for m in store.messages("1")][-1] == "Refund sent."


def test_the_same_words_at_another_time_are_another_message(store, make_facts):
    store.add_order(make_facts("1"))
    said = {"sender": "me", "text": "ok"}
    store.add_messages("1", [parse(ChatMessage, {**said, "sent_at": "2026-03-02 10:20"})])
    added = store.add_messages("1", [parse(ChatMessage, {**said, "sent_at": "2026-03-02 10:21"})])
    assert added == 1


def test_a_correction_can_change_the_sender_and_the_time(store, make_facts):
    store.add_order(make_facts("1"))
    store.add_messages("1", parse_transcript(TRANSCRIPT))
    first = store.messages("1")[0]
    store.edit_message(
        "1", first.id, "The shoes are too small.",
        sender=Sender.SELLER, sent_at=dt.datetime(2026, 3, 4, 7, 5),
    )  # fmt: skip
    moved = next(m for m in store.messages("1") if m.id == first.id)
    assert (moved.sender, moved.sent_at, moved.text) == (
        Sender.SELLER, dt.datetime(2026, 3, 4, 7, 5), "The shoes are too small."
    )  # fmt: skip
    assert moved.edited_at == "2026-03-10T09:30:00"
    assert store.messages("1")[-1].id == first.id  # the log is in time order


def test_an_evidence_item_is_removed_with_its_file_records_and_the_rest_move_up(
    store, make_facts, event, tmp_path
):
    from aliret_tui.domain.models import Attachment

    store.add_order(make_facts("1", delivered_on="2026-03-01"))
    store.record_event("1", event("open_dispute", on="2026-03-02", reason="wrong_size"))
    first, second, *rest = store.evidence("1")
    photo = Attachment(path=str(tmp_path / "a.jpg"), size=3, sha256="0" * 64,
                       attached_at="2026-03-10T09:00:00")  # fmt: skip
    store.attach_file("1", first.id, photo)
    store.remove_evidence_item("1", first.id)
    left = store.evidence("1")
    assert [item.label for item in left] == [second.label, *(item.label for item in rest)]
    assert [item.position for item in left] == list(range(len(left)))
    assert store.db.execute("SELECT count(*) FROM attachments").fetchone()[0] == 0


def test_detaching_forgets_the_files_but_keeps_the_item(store, make_facts, event, tmp_path):
    from aliret_tui.domain.models import Attachment

    store.add_order(make_facts("1", delivered_on="2026-03-01"))
    store.record_event("1", event("open_dispute", on="2026-03-02", reason="wrong_size"))
    item = store.evidence("1")[0]
    for name in ("a.jpg", "b.jpg"):
        store.attach_file("1", item.id, Attachment(
            path=str(tmp_path / name), size=3, sha256="0" * 64,
            attached_at="2026-03-10T09:00:00"))  # fmt: skip
    assert store.detach_files("1", item.id) == 2
    assert store.evidence("1")[0].label == item.label
    assert store.evidence("1")[0].attachments == ()
