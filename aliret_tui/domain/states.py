"""Where an order stands in its return process (pure Python, no I/O)."""

from __future__ import annotations

from enum import StrEnum


class OrderState(StrEnum):
    IN_TRANSIT = "in_transit"
    WINDOW_OPEN = "window_open"
    KEPT = "kept"
    AWAITING_SELLER = "awaiting_seller"
    SELLER_REFUSED = "seller_refused"
    IN_MEDIATION = "in_mediation"
    RETURN_APPROVED = "return_approved"
    RETURN_SHIPPED = "return_shipped"
    REFUND_PENDING = "refund_pending"
    REFUNDED = "refunded"
    MEDIATION_LOST = "mediation_lost"
    CANCELLED = "cancelled"
    ORDER_CANCELLED = "order_cancelled"  # closed before delivery, no dispute

    @property
    def label(self) -> str:
        return STATE_LABELS[self]

    @property
    def is_closed(self) -> bool:
        return self in CLOSED_STATES


STATE_LABELS = {
    OrderState.IN_TRANSIT: "in transit",
    OrderState.WINDOW_OPEN: "window open",
    OrderState.KEPT: "kept",
    OrderState.AWAITING_SELLER: "dispute: awaiting seller",
    OrderState.SELLER_REFUSED: "dispute: seller refused",
    OrderState.IN_MEDIATION: "in mediation",
    OrderState.RETURN_APPROVED: "return approved",
    OrderState.RETURN_SHIPPED: "return shipped",
    OrderState.REFUND_PENDING: "refund pending",
    OrderState.REFUNDED: "refunded",
    OrderState.MEDIATION_LOST: "mediation lost",
    OrderState.CANCELLED: "dispute cancelled",
    OrderState.ORDER_CANCELLED: "order cancelled",
}

# Shown instead of "window open" once the inspection window has passed unused.
EXPIRED_WINDOW_LABEL = "window expired"
# Shown instead of "window open" for an order delivered on a date nobody knows yet.
DELIVERY_UNKNOWN_LABEL = "delivered · date unknown"

CLOSED_STATES = frozenset(
    {
        OrderState.KEPT,
        OrderState.REFUNDED,
        OrderState.MEDIATION_LOST,
        OrderState.CANCELLED,
        OrderState.ORDER_CANCELLED,
    }
)
DISPUTE_OPEN_STATES = frozenset(
    {
        OrderState.AWAITING_SELLER,
        OrderState.SELLER_REFUSED,
        OrderState.IN_MEDIATION,
        OrderState.RETURN_APPROVED,
        OrderState.RETURN_SHIPPED,
        OrderState.REFUND_PENDING,
    }
)
