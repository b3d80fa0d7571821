"""The rows the store reads for an export, and in which order (``store.records``
reads them, ``transfer.documents`` writes them out). Plain constants, so the store
does not import the export code to open."""

from __future__ import annotations

from typing import Any, NamedTuple

# The columns the store reads for an export, in this order.
ORDER_COLUMNS = (
    "order_id", "title", "price", "currency", "store", "ordered_on", "delivered_on",
    "window_days", "protection_ends", "country", "free_return", "local_return", "note",
    "state", "clock_since", "archived", "delivery_unknown", "version", "created_at",
    "updated_at",
)  # fmt: skip
# The CSV reads these, then the dispute's opening day.
CSV_ORDER_COLUMNS = ORDER_COLUMNS[: ORDER_COLUMNS.index("clock_since") + 1]
# An order's row goes on with whether it has a dispute, then the dispute's columns.
DISPUTE_COLUMNS = (
    "reason", "outcome", "opened_on", "escalated_on", "return_approved_on", "return_carrier",
    "return_tracking", "return_shipped_on", "return_delivered_on", "refund_due_since",
    "refund_expected", "refund_amount", "refunded_on",
)  # fmt: skip
# Each of these rows starts with the order id (evidence: the order id, then its own
# id; attachments: the evidence id).
LINE_COLUMNS = (
    "position", "title", "quantity", "unit_price", "attributes", "product_url", "line_id",
    "free_return", "disputed",
)  # fmt: skip
EVENT_COLUMNS = (
    "seq", "kind", "on_date", "note", "reason", "outcome", "tracking", "carrier", "amount",
    "lines", "recorded_at", "source",
)  # fmt: skip
MESSAGE_COLUMNS = ("sender", "sent_at", "text", "edited_at")
EVIDENCE_COLUMNS = ("label", "kind", "done", "note", "custom", "position")
ATTACHMENT_COLUMNS = ("path", "size", "sha256", "attached_at")

Row = tuple[Any, ...]


class OrderRows(NamedTuple):
    """A batch of orders as stored: the orders' rows in order id order, and their
    lines, events, messages and evidence grouped by order id (each in the order the
    record keeps them), the attachments by evidence id."""

    orders: list[Row]
    lines: dict[str, list[Row]]
    events: dict[str, list[Row]]
    messages: dict[str, list[Row]]
    evidence: dict[str, list[Row]]
    attachments: dict[int, list[Row]]
