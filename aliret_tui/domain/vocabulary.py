"""The names users type and scripts rely on: events, dispute reasons, outcomes, senders.

Plain enums (no pydantic) so the command line can list them cheaply.
"""

from __future__ import annotations

from enum import StrEnum


class EventKind(StrEnum):
    DELIVERED = "delivered"
    KEEP = "keep"
    OPEN_DISPUTE = "open_dispute"
    SELLER_AGREED = "seller_agreed"
    RETURN_APPROVED = "return_approved"
    SELLER_REFUSED = "seller_refused"
    ESCALATED = "escalated"
    MEDIATION_WON = "mediation_won"
    MEDIATION_LOST = "mediation_lost"
    RETURN_SHIPPED = "return_shipped"
    RETURN_DELIVERED = "return_delivered"
    REFUNDED = "refunded"
    CANCELLED = "cancelled"
    ORDER_CANCELLED = "order_cancelled"

    @property
    def label(self) -> str:
        return EVENT_LABELS[self]


EVENT_LABELS = {
    EventKind.DELIVERED: "Delivered",
    EventKind.KEEP: "Kept the item",
    EventKind.OPEN_DISPUTE: "Opened a dispute",
    EventKind.SELLER_AGREED: "Seller agreed to refund",
    EventKind.RETURN_APPROVED: "Return approved",
    EventKind.SELLER_REFUSED: "Seller refused",
    EventKind.ESCALATED: "Escalated to mediation",
    EventKind.MEDIATION_WON: "Mediation won",
    EventKind.MEDIATION_LOST: "Mediation lost",
    EventKind.RETURN_SHIPPED: "Return shipped",
    EventKind.RETURN_DELIVERED: "Return delivered to seller",
    EventKind.REFUNDED: "Refunded",
    EventKind.CANCELLED: "Dispute cancelled",
    EventKind.ORDER_CANCELLED: "Order cancelled before delivery",
}


class Reason(StrEnum):
    ITEM_DEFECTIVE = "item_defective"
    NOT_AS_DESCRIBED = "not_as_described"
    WRONG_SIZE = "wrong_size"
    DAMAGED_IN_TRANSIT = "damaged_in_transit"
    MISSING_PARTS = "missing_parts"
    WRONG_ITEM = "wrong_item"
    COUNTERFEIT = "counterfeit"
    NOT_RECEIVED = "not_received"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class Outcome(StrEnum):
    REFUND_ONLY = "refund_only"
    RETURN_AND_REFUND = "return_and_refund"

    @property
    def label(self) -> str:
        return "refund only (keep the item)" if self is Outcome.REFUND_ONLY else "return and refund"


class Sender(StrEnum):
    ME = "me"
    SELLER = "seller"
    ALIEXPRESS = "aliexpress"

    @property
    def label(self) -> str:
        return {"me": "Me", "seller": "Seller", "aliexpress": "AliExpress"}[self.value]


class EvidenceKind(StrEnum):
    PHOTO = "photo"
    VIDEO = "video"
    KEPT = "kept"  # something physical to keep (packaging, tags, parts)
    MESSAGES = "messages"
    DOCUMENT = "document"
    OTHER = "other"


def names(enum: type[StrEnum]) -> list[str]:
    return [member.value for member in enum]
