"""Realistic benchmark databases: 1k, 10k and 100k orders, as a heavy buyer has them.

The mix is the same at every size, so the live orders grow with it: about 4% of
the orders are inside their inspection window, 2% are in transit, 1.5% are in an
open dispute (every dispute state), and the rest are settled (kept, refunded,
cancelled, lost, or delivered long ago with the window left to expire). Nothing
is archived. Stores, prices and currencies vary. Every order has the timeline its
state implies (delivered, kept, dispute events, refund).

Orders are built in memory (the domain's own models and clocks) and written in one
transaction through the store's row format, which takes seconds instead of
replaying every event through the workflow. One order carries a 2,000-message chat
log and a full evidence checklist, for the order screen.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

from aliret_tui.domain.evidence import checklist_for
from aliret_tui.domain.models import ChatMessage, Dispute, Order, Refund, ReturnShipment
from aliret_tui.domain.states import OrderState
from aliret_tui.domain.vocabulary import Outcome, Reason, Sender
from aliret_tui.store.rows import dispute_row
from aliret_tui.store.store import Store
from aliret_tui.timesource import TimeSource

TODAY = dt.date(2026, 11, 29)
TIME = TimeSource(frozen_at=dt.datetime(2026, 11, 29, 10, 30))
DATA_VERSION = 2  # part of the file name: a changed mix makes new databases
CHATTY_ORDER = "8175000000000000"
CHAT_MESSAGES = 2000
WORDS = (
    "cable charger jacket lamp shoes watch strap earbuds phone case keyboard mouse "
    "speaker backpack tripod scale bottle headphones drone ring light kettle sock "
    "blanket router adapter hub stand mug brush glove filter battery sticker"
).split()
STORE_WORDS = "Alpha Beta Gamma Delta Omega Nova Lumen Nordic Sun Star Tech Home Life".split()
STORES = [f"{a} {b} Store" for a in STORE_WORDS for b in STORE_WORDS if a != b][:150]
CURRENCIES = ("USD", "USD", "USD", "EUR", "EUR", "GBP", "PLN", "BRL")
# Shares of all orders, the same at every size.
LIVE_MIX = (
    (0.040, OrderState.WINDOW_OPEN),  # delivered in the last 15 days
    (0.020, OrderState.IN_TRANSIT),
    (0.004, OrderState.AWAITING_SELLER),
    (0.003, OrderState.SELLER_REFUSED),
    (0.002, OrderState.IN_MEDIATION),
    (0.002, OrderState.RETURN_APPROVED),
    (0.002, OrderState.RETURN_SHIPPED),
    (0.002, OrderState.REFUND_PENDING),
)
SETTLED_MIX = (
    (0.45, OrderState.KEPT),
    (0.33, OrderState.WINDOW_OPEN),  # delivered long ago: the window expired unused
    (0.12, OrderState.REFUNDED),
    (0.05, OrderState.CANCELLED),
    (0.03, OrderState.MEDIATION_LOST),
    (0.02, OrderState.ORDER_CANCELLED),
)
# The dispute columns each event is dated from, in timeline order.
DISPUTE_EVENTS = (
    ("open_dispute", "opened_on"),
    ("escalated", "escalated_on"),
    ("return_approved", "return_approved_on"),
    ("return_shipped", "return_shipped_on"),
    ("return_delivered", "return_delivered_on"),
)


def database(folder: Path, count: int) -> Path:
    """The benchmark database with ``count`` orders, made once and reused."""
    path = folder / f"orders-{count}-d{DATA_VERSION}.db"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        fill(partial, count)
        partial.rename(path)
    return path


def fill(path: Path, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with Store(path, time=TIME) as store, store.transaction():
        orders = [_order(index, *_state(rng), rng) for index in range(count)]
        rng.shuffle(orders)
        store.db.insert_all("orders", (store.row_of(order) for order in orders))
        store.db.insert_all(
            "disputes",
            (dispute_row(order.order_id, order.dispute) for order in orders if order.dispute),
        )
        chatty = next(order for order in orders if order.order_id == CHATTY_ORDER)
        store.insert_evidence(chatty.order_id, checklist_for(Reason.WRONG_SIZE))
        store.insert_messages(chatty.order_id, _chat(rng))
        add_timelines(store.db.conn)


def _state(rng: random.Random) -> tuple[OrderState, bool]:
    """A state, and whether the order is recent (live) or settled long ago."""
    draw = rng.random()
    for share, state in LIVE_MIX:
        if draw < share:
            return state, True
        draw -= share
    shares = [share for share, _ in SETTLED_MIX]
    return rng.choices([state for _, state in SETTLED_MIX], shares)[0], False


def _order(index: int, state: OrderState, live: bool, rng: random.Random) -> Order:
    if index == 0:
        state, live = OrderState.SELLER_REFUSED, True  # the order with the long chat
    days = dt.timedelta
    if not live:
        ordered = TODAY - days(rng.randint(60, 2000))
        delivered = ordered + days(rng.randint(7, 30))
        opened = delivered + days(rng.randint(1, 10))
    elif state is OrderState.WINDOW_OPEN:
        delivered = TODAY - days(rng.randint(0, 14))
        ordered = delivered - days(rng.randint(7, 30))
        opened = None
    elif state is OrderState.IN_TRANSIT:
        ordered, delivered, opened = TODAY - days(rng.randint(3, 40)), None, None
    else:  # an open dispute
        opened = TODAY - days(rng.randint(0, 12))
        delivered = opened - days(rng.randint(1, 10))
        ordered = delivered - days(rng.randint(7, 30))
    if state is OrderState.ORDER_CANCELLED:
        delivered = None
    price = Decimal(rng.randint(49, 25000)) / 100
    title = " ".join(rng.sample(WORDS, 3)).capitalize()
    dispute = _dispute(state, opened, price, rng) if opened else None
    return Order(
        order_id=str(8175000000000000 + index),
        title=f"{title} #{index}",
        price=price,
        currency=rng.choice(CURRENCIES),
        store=rng.choice(STORES),
        ordered_on=ordered,
        delivered_on=delivered,
        window_days=None,
        protection_ends=None,
        country=rng.choice((None, "US", "FR", "ES", "DE", "PL", "BR")),
        free_return=rng.random() < 0.2,
        local_return=rng.random() < 0.05,
        note="",
        state=state,
        clock_since=_clock_since(state, dispute),
        archived=False,
        version=1,
        created_at=f"{ordered}T12:00:00",
        updated_at=f"{opened or delivered or ordered}T12:00:00",
        dispute=dispute,
    )


def _dispute(state: OrderState, opened: dt.date, price: Decimal, rng: random.Random):
    if state in (OrderState.IN_TRANSIT, OrderState.WINDOW_OPEN, OrderState.KEPT,
                 OrderState.ORDER_CANCELLED):  # fmt: skip
        return None
    later = opened + dt.timedelta(days=rng.randint(1, 5))
    if not state.is_closed:
        later = min(later, TODAY)
    shipment = None
    if state in (OrderState.RETURN_APPROVED, OrderState.RETURN_SHIPPED):
        shipped = later if state is OrderState.RETURN_SHIPPED else None
        tracking = f"LP{rng.randint(10**11, 10**12)}CN" if shipped else ""
        shipment = ReturnShipment(approved_on=opened, tracking=tracking, shipped_on=shipped)
    refund = None
    if state is OrderState.REFUND_PENDING:
        refund = Refund(due_since=later)
    elif state is OrderState.REFUNDED:
        refund = Refund(due_since=later, amount=price, refunded_on=later)
    return Dispute(
        reason=rng.choice(list(Reason)[:-2]),
        outcome=Outcome.RETURN_AND_REFUND,
        opened_on=opened,
        escalated_on=later
        if state in (OrderState.IN_MEDIATION, OrderState.MEDIATION_LOST)
        else None,
        return_shipment=shipment,
        refund=refund,
    )


def _clock_since(state: OrderState, dispute: Dispute | None) -> dt.date | None:
    if dispute is None:
        return None
    if state in (OrderState.AWAITING_SELLER, OrderState.SELLER_REFUSED):
        return dispute.opened_on
    if state is OrderState.RETURN_APPROVED:
        return dispute.return_shipment.approved_on
    if state is OrderState.REFUND_PENDING:
        return dispute.refund.due_since
    return None


def add_timelines(conn) -> None:
    """Each order's events, dated from its columns: the timeline its state implies."""
    orders = conn.execute(
        "SELECT o.order_id, o.state, o.ordered_on, o.delivered_on, d.reason, d.outcome, "
        "d.opened_on, d.escalated_on, d.return_approved_on, d.return_shipped_on, "
        "d.return_delivered_on, d.return_tracking, d.refund_due_since, d.refunded_on, "
        "d.refund_amount FROM orders o LEFT JOIN disputes d ON d.order_id = o.order_id"
    ).fetchall()
    rows = []
    for order in orders:
        order_id, state, ordered_on, delivered_on, reason, outcome, opened_on = order[:7]
        escalated_on, approved_on, shipped_on, returned_on, tracking = order[7:12]
        due_since, refunded_on, amount = order[12:]
        timeline = []  # (kind, on, reason, outcome, tracking, amount)
        if delivered_on:
            timeline.append(("delivered", delivered_on, None, None, "", None))
        if state == "kept":
            timeline.append(("keep", delivered_on, None, None, "", None))
        if state == "order_cancelled":
            timeline.append(("order_cancelled", ordered_on, None, None, "", None))
        if opened_on:
            timeline.append(("open_dispute", opened_on, reason, outcome, "", None))
        if state == "seller_refused":
            timeline.append(("seller_refused", opened_on, None, None, "", None))
        if escalated_on:
            timeline.append(("escalated", escalated_on, None, None, "", None))
        if approved_on:
            timeline.append(("return_approved", approved_on, None, None, "", None))
        if shipped_on:
            timeline.append(("return_shipped", shipped_on, None, None, tracking, None))
        if returned_on:
            timeline.append(("return_delivered", returned_on, None, None, "", None))
        if due_since and not returned_on:
            timeline.append(("seller_agreed", due_since, None, None, "", None))
        if refunded_on:
            timeline.append(("refunded", refunded_on, None, None, "", amount))
        if state in ("cancelled", "mediation_lost") and opened_on:
            timeline.append((state, escalated_on or opened_on, None, None, "", None))
        rows += [
            (order_id, seq, *event, f"{TODAY}T09:00:00")
            for seq, event in enumerate(timeline, start=1)
        ]
    conn.executemany(
        "INSERT INTO events (order_id, seq, kind, on_date, reason, outcome, tracking, amount,"
        " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def _chat(rng: random.Random) -> list[ChatMessage]:
    start = dt.datetime(2026, 9, 1, 9, 0)
    return [
        ChatMessage(
            id=None,
            sender=Sender.ME if index % 2 else Sender.SELLER,
            sent_at=start + dt.timedelta(minutes=37 * index),
            text=" ".join(rng.choices(WORDS, k=rng.randint(4, 40))),
            edited_at="",
        )
        for index in range(CHAT_MESSAGES)
    ]


if __name__ == "__main__":
    import sys

    folder = Path(__file__).resolve().parent / "data"
    for size in (int(arg) for arg in sys.argv[1:] or ["1000", "10000", "100000"]):
        print(database(folder, size))
