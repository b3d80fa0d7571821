"""Realistic benchmark databases: 1k, 10k and 100k orders in a mix of states.

Orders are built in memory (the domain's own models and clocks) and written in
one transaction through the store's row format, which takes seconds instead of
replaying every event through the workflow. One order in each database carries
a 2,000-message chat log and a full evidence checklist, for the detail screen.
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
CHATTY_ORDER = "8175000000000000"
CHAT_MESSAGES = 2000
WORDS = (
    "cable charger jacket lamp shoes watch strap earbuds phone case keyboard mouse "
    "speaker backpack tripod scale bottle headphones drone ring light kettle"
).split()
STORES = [f"Store {name}" for name in "Alpha Beta Gamma Delta Omega Nova Lumen Nordic".split()]
# A heavy buyer's orders are mostly settled: a few hundred are live at any time,
# the rest kept, refunded, or delivered long ago with the window left to expire.
LIVE_ORDERS = 400
LIVE_MIX = (
    (0.40, OrderState.WINDOW_OPEN),
    (0.20, OrderState.IN_TRANSIT),
    (0.12, OrderState.AWAITING_SELLER),
    (0.08, OrderState.SELLER_REFUSED),
    (0.05, OrderState.IN_MEDIATION),
    (0.05, OrderState.RETURN_APPROVED),
    (0.05, OrderState.RETURN_SHIPPED),
    (0.05, OrderState.REFUND_PENDING),
)
SETTLED_MIX = (
    (0.45, OrderState.KEPT),
    (0.35, OrderState.WINDOW_OPEN),  # delivered long ago: the window expired unused
    (0.12, OrderState.REFUNDED),
    (0.05, OrderState.CANCELLED),
    (0.03, OrderState.MEDIATION_LOST),
)


def database(folder: Path, count: int) -> Path:
    """The benchmark database with ``count`` orders, made once and reused."""
    path = folder / f"orders-{count}.db"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        fill(partial, count)
        partial.rename(path)
    return path


def fill(path: Path, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    live = min(LIVE_ORDERS, count // 4)
    with Store(path, time=TIME) as store, store.transaction():
        orders = [
            _order(index, _pick(LIVE_MIX if index < live else SETTLED_MIX, rng), index < live, rng)
            for index in range(count)
        ]
        rng.shuffle(orders)
        store.db["orders"].insert_all((store.row_of(order) for order in orders), batch_size=2000)
        store.db["disputes"].insert_all(
            (dispute_row(order.order_id, order.dispute) for order in orders if order.dispute),
            batch_size=2000,
        )
        chatty = next(order for order in orders if order.order_id == CHATTY_ORDER)
        store.insert_evidence(chatty.order_id, checklist_for(Reason.WRONG_SIZE))
        store.insert_messages(chatty.order_id, _chat(rng))


def _pick(mix: tuple[tuple[float, OrderState], ...], rng: random.Random) -> OrderState:
    return rng.choices([state for _, state in mix], [share for share, _ in mix])[0]


def _order(index: int, state: OrderState, live: bool, rng: random.Random) -> Order:
    if index == 0:
        state = OrderState.SELLER_REFUSED  # the order with the long chat
    age = rng.randint(5, 40) if live else rng.randint(60, 2000)
    ordered = TODAY - dt.timedelta(days=age)
    shipping = dt.timedelta(days=rng.randint(7, 30))
    delivered = None if state is OrderState.IN_TRANSIT else ordered + shipping
    if delivered and (delivered > TODAY or (live and state is OrderState.WINDOW_OPEN)):
        delivered = TODAY - dt.timedelta(days=rng.randint(0, 14))
    price = Decimal(rng.randint(99, 15000)) / 100
    title = " ".join(rng.sample(WORDS, 3)).capitalize()
    dispute = _dispute(state, delivered or ordered, price, rng)
    return Order.model_construct(
        order_id=str(8175000000000000 + index),
        title=f"{title} #{index}",
        price=price,
        currency=rng.choice(("USD", "USD", "EUR", "GBP")),
        store=rng.choice(STORES),
        ordered_on=ordered,
        delivered_on=delivered,
        window_days=None,
        protection_ends=None,
        country=rng.choice((None, "US", "FR", "ES", "DE")),
        free_return=rng.random() < 0.2,
        local_return=rng.random() < 0.05,
        note="",
        state=state,
        clock_since=_clock_since(state, dispute),
        archived=False,
        version=1,
        created_at=f"{ordered}T12:00:00",
        updated_at=f"{TODAY}T09:00:00",
        dispute=dispute,
    )


def _dispute(state: OrderState, start: dt.date, price: Decimal, rng: random.Random):
    if state in (OrderState.IN_TRANSIT, OrderState.WINDOW_OPEN, OrderState.KEPT):
        return None
    recent = not state.is_closed
    opened = TODAY - dt.timedelta(days=rng.randint(0, 12)) if recent else start
    shipment = None
    if state in (OrderState.RETURN_APPROVED, OrderState.RETURN_SHIPPED):
        shipped = opened if state is OrderState.RETURN_SHIPPED else None
        shipment = ReturnShipment(approved_on=opened, tracking="LP1" if shipped else "",
                                  shipped_on=shipped)  # fmt: skip
    refund = None
    if state is OrderState.REFUND_PENDING:
        refund = Refund(due_since=opened)
    elif state is OrderState.REFUNDED:
        refund = Refund(due_since=opened, amount=price, refunded_on=opened)
    return Dispute(
        reason=rng.choice(list(Reason)[:-2]),
        outcome=Outcome.RETURN_AND_REFUND,
        opened_on=opened,
        escalated_on=opened if state is OrderState.IN_MEDIATION else None,
        return_shipment=shipment,
        refund=refund,
    )


def _clock_since(state: OrderState, dispute: Dispute | None) -> dt.date | None:
    if dispute is None or state not in (
        OrderState.AWAITING_SELLER,
        OrderState.SELLER_REFUSED,
        OrderState.RETURN_APPROVED,
        OrderState.REFUND_PENDING,
    ):
        return None
    return dispute.opened_on


def _chat(rng: random.Random) -> list[ChatMessage]:
    start = dt.datetime(2026, 9, 1, 9, 0)
    return [
        ChatMessage.model_construct(
            id=None,
            sender=Sender.ME if index % 2 else Sender.SELLER,
            sent_at=start + dt.timedelta(minutes=37 * index),
            text=" ".join(rng.choices(WORDS, k=rng.randint(4, 40))),
            edited_at="",
        )
        for index in range(CHAT_MESSAGES)
    ]
