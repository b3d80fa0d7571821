"""The evidence checklist for a dispute, and how ready the case is for mediation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from aliret_tui.domain.models import ChatMessage, Dispute, EvidenceItem
from aliret_tui.domain.vocabulary import EvidenceKind, Reason, Sender

K = EvidenceKind

_ITEM_RECEIVED = (
    ("Photos of the problem", K.PHOTO),
    ("Original packaging kept", K.KEPT),
    ("Tags kept", K.KEPT),
    ("Accessories and all parts kept", K.KEPT),
    ("All talk with the seller kept on AliExpress messaging", K.MESSAGES),
)
_EVERYTHING_THAT_ARRIVED = (
    ("Photo of everything that arrived", K.PHOTO),
    ("Photo of the shipping label", K.PHOTO),
)
_FOR_REASON: dict[Reason, tuple[tuple[str, EvidenceKind], ...]] = {
    Reason.WRONG_SIZE: (
        ("Item measured with a ruler on a flat surface (photo)", K.PHOTO),
        ("Photo of the size label", K.PHOTO),
    ),
    Reason.ITEM_DEFECTIVE: (("Video showing the defect", K.VIDEO),),
    Reason.DAMAGED_IN_TRANSIT: (
        ("Photos of the outer package", K.PHOTO),
        ("Unboxing video, if there is one", K.VIDEO),
    ),
    Reason.MISSING_PARTS: _EVERYTHING_THAT_ARRIVED,
    Reason.WRONG_ITEM: _EVERYTHING_THAT_ARRIVED,
    Reason.NOT_RECEIVED: (
        ("Screenshot of the tracking page", K.DOCUMENT),
        ("Customs documents, if it is held at customs", K.DOCUMENT),
    ),
}
_RETURN_APPROVED = (
    ("Return tracking number", K.DOCUMENT),
    ("Proof of postage (receipt photo)", K.DOCUMENT),
)


def checklist_for(reason: Reason, start_position: int = 0) -> list[EvidenceItem]:
    """The items a dispute with this reason should collect."""
    general = () if reason is Reason.NOT_RECEIVED else _ITEM_RECEIVED
    return _items(general + _FOR_REASON.get(reason, ()), start_position)


def return_checklist(existing: Iterable[EvidenceItem], start_position: int) -> list[EvidenceItem]:
    """The return items, unless the checklist has them already."""
    have = {item.label for item in existing}
    missing = tuple(entry for entry in _RETURN_APPROVED if entry[0] not in have)
    return _items(missing, start_position)


def _items(entries: Iterable[tuple[str, EvidenceKind]], start: int) -> list[EvidenceItem]:
    return [
        EvidenceItem(label=label, kind=kind, position=start + offset)
        for offset, (label, kind) in enumerate(entries)
    ]


@dataclass(frozen=True)
class Readiness:
    """The three things a mediator asks for. ``tracking`` is None until a return is
    approved (there is nothing to track before)."""

    photos: bool
    messages: bool
    tracking: bool | None

    @property
    def missing(self) -> list[str]:
        gaps = [name for name in ("photos", "messages") if not getattr(self, name)]
        if self.tracking is False:
            gaps.append("tracking")
        return gaps


def readiness(
    dispute: Dispute | None,
    evidence: Iterable[EvidenceItem],
    messages: Iterable[ChatMessage],
) -> Readiness:
    photos = any(
        item.has_proof for item in evidence if item.kind in (EvidenceKind.PHOTO, EvidenceKind.VIDEO)
    )
    senders = {message.sender for message in messages}
    both_sides = Sender.ME in senders and Sender.SELLER in senders
    # Tracking is asked for only once a return is approved: before that there is no
    # parcel to track, whatever outcome the dispute asked for.
    tracking: bool | None = None
    if dispute is not None and dispute.return_shipment is not None:
        tracking = bool(dispute.return_shipment.tracking)
    return Readiness(photos=photos, messages=both_sides, tracking=tracking)
