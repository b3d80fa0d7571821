"""A throwaway database full of sample orders, one in each state, for a first look.

Dates are relative to "today", so the demo always has something due soon.
It lives in a fresh temporary folder that is removed when the program ends;
the user's real database is never opened.
"""

from __future__ import annotations

import atexit
import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from aliret_tui.files import process_running
from aliret_tui.timesource import TimeSource

# (order facts, [(event, days after today (negative = ago), extra values)])
_Sample = tuple[dict[str, Any], list[tuple[str, int, dict[str, Any]]]]


def _samples() -> list[_Sample]:
    return [
        (
            {
                "order_id": "8175100000000011",
                "title": "Wireless earbuds, noise cancelling",
                "price": "24.90",
                "currency": "USD",
                "store": "SoundCore Direct",
                "ordered": -30,
                "delivered": -14,
                "country": "US",
            },
            [],
        ),
        (
            {
                "order_id": "8175100000000012",
                "title": "USB cable [/2 pack] 2m braided",
                "price": "3.49",
                "currency": "USD",
                "store": "Cable [World] Store",
                "ordered": -25,
                "delivered": -9,
            },
            [],
        ),
        (
            {
                "order_id": "8175100000000013",
                "title": "Winter jacket, size L",
                "price": "39.00",
                "currency": "EUR",
                "store": "Nordic Outdoor",
                "ordered": -40,
                "delivered": -20,
                "country": "FR",
                "local_return": True,
            },
            [],
        ),
        (
            {
                "order_id": "8175100000000014",
                "title": "Smart watch strap, 22 mm",
                "price": "6.80",
                "currency": "USD",
                "store": "StrapHub",
                "ordered": -20,
            },
            [],
        ),
        (
            {
                "order_id": "8175100000000015",
                "title": "Phone case (clear)",
                "price": "4.20",
                "currency": "GBP",
                "store": "CaseLand",
                "ordered": -60,
                "protection_ends": 2,
            },
            [],
        ),
        (
            {
                "order_id": "8175100000000016",
                "title": "Running shoes, EU 43",
                "price": "45.00",
                "currency": "EUR",
                "store": "FastFeet Official",
                "ordered": -35,
                "delivered": -12,
                "country": "ES",
                "free_return": True,
            },
            [("open_dispute", -3, {"reason": "wrong_size", "note": "Label says 43, fits like 41"})],
        ),
        (
            {
                "order_id": "8175100000000017",
                "title": "Mechanical keyboard, brown switches",
                "price": "58.00",
                "currency": "USD",
                "store": "KeyCraft",
                "ordered": -45,
                "delivered": -16,
            },
            [
                (
                    "open_dispute",
                    -9,
                    {"reason": "item_defective", "note": "Three keys do not register"},
                ),
                ("seller_refused", -4, {"note": "Seller says it is user error"}),
            ],
        ),
        (
            {
                "order_id": "8175100000000018",
                "title": "Drone with 4K camera",
                "price": "119.00",
                "currency": "USD",
                "store": "SkyToys",
                "ordered": -50,
                "delivered": -25,
            },
            [
                ("open_dispute", -18, {"reason": "not_as_described"}),
                ("seller_refused", -14, {}),
                ("escalated", -10, {"note": "Sent video of the camera at 720p"}),
            ],
        ),
        (
            {
                "order_id": "8175100000000019",
                "title": "Desk lamp, LED",
                "price": "17.50",
                "currency": "EUR",
                "store": "Lumen House",
                "ordered": -30,
                "delivered": -13,
                "country": "FR",
                "free_return": True,
            },
            [
                ("open_dispute", -8, {"reason": "damaged_in_transit"}),
                ("return_approved", -7, {}),
            ],
        ),
        (
            {
                "order_id": "8175100000000020",
                "title": "Bluetooth speaker",
                "price": "29.99",
                "currency": "USD",
                "store": "SoundCore Direct",
                "ordered": -40,
                "delivered": -22,
            },
            [
                ("open_dispute", -15, {"reason": "missing_parts"}),
                ("return_approved", -13, {}),
                ("return_shipped", -11, {"tracking": "LP00123456789CN", "carrier": "Cainiao"}),
            ],
        ),
        (
            {
                "order_id": "8175100000000021",
                "title": "Kitchen scale",
                "price": "8.90",
                "currency": "USD",
                "store": "HomeGoods 24",
                "ordered": -28,
                "delivered": -15,
            },
            [
                ("open_dispute", -12, {"reason": "item_defective"}),
                ("seller_agreed", -10, {"note": "Refund without return"}),
            ],
        ),
        (
            {
                "order_id": "8175100000000022",
                "title": "Hiking backpack 40L",
                "price": "34.00",
                "currency": "EUR",
                "store": "Nordic Outdoor",
                "ordered": -70,
                "delivered": -50,
            },
            [
                ("open_dispute", -45, {"reason": "wrong_item"}),
                ("return_approved", -43, {}),
                # Typed with two digits swapped; corrected below (the record keeps it).
                ("return_shipped", -41, {"tracking": "RR987654312ES", "carrier": "Correos"}),
                ("return_delivered", -33, {}),
                ("refunded", -30, {}),
            ],
        ),
        (
            {
                "order_id": "8175100000000023",
                "title": "Sunglasses, polarised",
                "price": "12.00",
                "currency": "USD",
                "store": "ShadeMart",
                "ordered": -60,
                "delivered": -45,
            },
            [("keep", -40, {})],
        ),
        (
            {
                "order_id": "8175100000000024",
                "title": "Ring light 10 inch",
                "price": "15.00",
                "currency": "USD",
                "store": "StudioPro",
                "ordered": -80,
                "delivered": -60,
            },
            [
                ("open_dispute", -55, {"reason": "not_as_described"}),
                ("seller_refused", -52, {}),
                ("escalated", -49, {}),
                ("mediation_lost", -40, {"note": "Mediator asked for a video I did not have"}),
            ],
        ),
        (
            {
                "order_id": "8175100000000025",
                "title": "Tripod, aluminium",
                "price": "21.00",
                "currency": "USD",
                "store": "StudioPro",
                "ordered": -45,
                "delivered": -30,
            },
            [
                ("open_dispute", -28, {"reason": "other"}),
                ("cancelled", -27, {"note": "Found the missing screw in the box"}),
            ],
        ),
        (
            {
                "order_id": "8175100000000026",
                "title": "Cable ties, 100 pcs",
                "price": "1.99",
                "currency": "USD",
                "store": "HomeGoods 24",
                "ordered": -50,
                "delivered": -35,
            },
            [],
        ),
    ]


# A conversation for the keyboard whose seller refused: what mediation will ask for.
_CHAT = (
    ("8175100000000017", -9, "09:12", "me",
     "Hello, three keys (E, R and Enter) do not register at all.\nVideo attached in the dispute."),
    ("8175100000000017", -8, "16:40", "seller",
     "Dear friend, please try another USB port and update the driver."),
    ("8175100000000017", -7, "08:05", "me",
     "Tried two computers and two ports. Same three keys are dead."),
    ("8175100000000017", -4, "11:30", "seller", "Sorry, we cannot accept. It is user error."),
    ("8175100000000017", -4, "11:31", "aliexpress",
     "The seller has refused your request. You can escalate the dispute to AliExpress."),
)  # fmt: skip


def _history() -> list[_Sample]:
    """A year of settled orders, archived as a tidy shopper would: what the statistics
    screen counts (refunds per month, outcomes, delays, stores, a missed window)."""

    def order(
        order_id: str, title: str, price: str, currency: str, store: str, delivered: int
    ) -> dict[str, Any]:
        return {"order_id": order_id, "title": title, "price": price, "currency": currency,
                "store": store, "ordered": delivered - 18, "delivered": delivered}  # fmt: skip

    shipped = {"tracking": "LP00123456789CN", "carrier": "Cainiao"}
    return [
        (order("8175090000000101", "Bike light set, front and rear", "15.99", "USD",
               "Bright Cycle", -330),
         [("open_dispute", -327, {"reason": "item_defective", "outcome": "refund_only"}),
          ("seller_agreed", -325, {}), ("refunded", -321, {})]),
        (order("8175090000000102", "Yoga mat, 6 mm", "22.00", "EUR", "FitZone", -290),
         [("open_dispute", -288, {"reason": "not_as_described", "outcome": "return_and_refund"}),
          ("return_approved", -286, {}), ("return_shipped", -284, shipped),
          ("return_delivered", -272, {}), ("refunded", -259, {})]),
        (order("8175090000000103", "Power bank 20000 mAh", "27.50", "USD", "VoltMax", -240),
         [("open_dispute", -236, {"reason": "counterfeit", "outcome": "refund_only"}),
          ("seller_refused", -232, {}), ("escalated", -229, {}),
          ("mediation_won", -215, {"outcome": "refund_only"}), ("refunded", -211, {})]),
        (order("8175090000000104", "Wireless mouse", "11.20", "USD", "VoltMax", -190),
         [("open_dispute", -188, {"reason": "item_defective", "outcome": "refund_only"}),
          ("seller_agreed", -186, {"amount": "5.60", "note": "Half back, keep the mouse"}),
          ("refunded", -180, {"amount": "5.60"})]),
        (order("8175090000000105", "Garden hose nozzle", "9.40", "GBP", "GreenThumb", -160),
         [("open_dispute", -155, {"reason": "damaged_in_transit", "outcome": "refund_only"}),
          ("seller_refused", -151, {}), ("escalated", -148, {}),
          ("mediation_lost", -135, {})]),
        (order("8175090000000106", "LED strip, 5 m", "13.80", "EUR", "Lumen House", -125),
         [("open_dispute", -123, {"reason": "item_defective", "outcome": "refund_only"}),
          ("seller_agreed", -122, {}), ("refunded", -117, {})]),
        (order("8175090000000107", "Earbuds charging case", "6.30", "USD",
               "SoundCore Direct", -95), []),
        (order("8175090000000108", "Camping stove", "31.00", "EUR", "Nordic Outdoor", -85),
         [("open_dispute", -81, {"reason": "missing_parts", "outcome": "return_and_refund"}),
          ("return_approved", -79, {}), ("return_shipped", -77, shipped),
          ("return_delivered", -69, {}), ("refunded", -64, {})]),
        (order("8175090000000109", "Phone tripod, mini", "8.90", "USD", "StudioPro", -210),
         [("keep", -200, {})]),
    ]  # fmt: skip


_TICKED = {"8175100000000017": ("Video showing the defect", "Original packaging kept")}

# Orders brought in the way a shopper would: a copied order page (two items, delivered,
# with AliExpress's own protection date) and a line of the order list that says
# "Completed" without a date. {…} are days from today.
_PASTED_PAGES = (
    """Completed
Refund if no delivery before {protection} · Refund if items damaged · Refund if package lost
Free returns: Send it back within 15 days after delivery. The first return on each order is free
Items
Trailhead Gear Store
Camping lantern, rechargeable, 1200 lm
Color: Olive
US $14.90x1
Headlamp, USB-C, 2 pack
US $5.45x2
Subtotal
US $25.80
Total
US $25.80
Order placed on
{ordered}
Order completed on
{delivered}
Ref. Number
3071 0000 0000 0031
Copy
""",
    """Completed
Order date: {old_order}
Order ID: 3071000000000032Copy
Order details
PetPal Supplies
Cat water fountain filter, 6 pack
US $7.99x1
Total:US $7.99
""",
)
_PASTED_DAYS = {"protection": 40, "ordered": -20, "delivered": -6, "old_order": -26}

# For the paste box in the screenshots and snapshot tests: an order list copied from
# AliExpress (made up). Two new orders, one never paid, and one the demo has already,
# at a price the page gives differently (a coupon).
COPIED_ORDER_LIST = """Order date: Oct 30, 2026
Order ID: 8175100000000011Copy
Completed
SoundCore Direct
Wireless earbuds, noise cancelling
US $22.90x1
Total:US $22.90
Order date: Nov 2, 2026
Order ID: 8175 1000 0000 0041Copy
Completed
Kestrel Phone Accessories
Magnetic phone mount for car vents
US $6.20x1
Phone charging cable, 1 m
US $2.10x2
Total:US $10.40
Order date: Nov 20, 2026
Order ID: 8175100000000042Copy
Awaiting delivery
HomeGoods 24
Silicone baking mats, 2 pack
€ 7,49x1
Total:€ 7,49
Order date: Nov 25, 2026
Order ID: 8175100000000043Copy
Awaiting payment
Brightway Tools Store
Precision screwdriver set
US $12.49x1
Total:US $12.49
"""

_DATE_FIELDS = {
    "ordered": "ordered_on",
    "delivered": "delivered_on",
    "protection_ends": "protection_ends",
}


# A mistake corrected after the fact: (order, event number, corrected values).
_CORRECTIONS = [("8175100000000022", 3, {"tracking": "RR987654321ES"})]


def fill_demo(path: Path, time: TimeSource) -> None:
    """Create the sample orders (with their events and a chat log) in ``path``."""
    from aliret_tui.domain.models import ChatMessage, EventInput, OrderFacts, parse
    from aliret_tui.store.store import Store

    today = time.today()
    history = _history()
    with Store(path, time=time) as store:
        for facts, events in [*_samples(), *history]:
            values = {
                _DATE_FIELDS.get(key, key): (
                    (today + dt.timedelta(days=value)).isoformat() if key in _DATE_FIELDS else value
                )
                for key, value in facts.items()
            }
            store.add_order(parse(OrderFacts, values))
            for kind, offset, extra in events:
                on = (today + dt.timedelta(days=offset)).isoformat()
                request = parse(EventInput, {"kind": kind, "on": on, **extra})
                store.record_event(values["order_id"], request)
        for order_id, seq, changes in _CORRECTIONS:
            store.correct_event(order_id, seq, changes)
        for order_id, offset, clock_time, sender, text in _CHAT:
            sent_at = f"{today + dt.timedelta(days=offset)} {clock_time}"
            message = parse(ChatMessage, {"sender": sender, "sent_at": sent_at, "text": text})
            store.add_messages(order_id, [message])
        _import_pasted_pages(store, today)
        for facts, _ in history:
            store.set_archived(facts["order_id"], True)
        for order_id, labels in _TICKED.items():
            for item in store.evidence(order_id):
                if item.label in labels and item.id is not None:
                    store.set_evidence_done(order_id, item.id, True)


def _import_pasted_pages(store: Any, today: dt.date) -> None:
    from aliret_tui.importing.batch import load_text

    dates = {
        name: f"{today + dt.timedelta(days=days):%b} {(today + dt.timedelta(days=days)).day}, "
        f"{(today + dt.timedelta(days=days)).year}"
        for name, days in _PASTED_DAYS.items()
    }
    for page in _PASTED_PAGES:
        store.apply_import(load_text("pasted text", page.format(**dates), today=today))


DEMO_PREFIX = "aliret-tui-demo-"
OWNER_FILE = "owner.pid"


def demo_database(time: TimeSource) -> Path:
    """A fresh demo database in a private temporary folder, removed at exit. Folders
    left by a demo whose terminal was closed (no exit handler ran) are removed first."""
    remove_stale_demo_folders(Path(tempfile.gettempdir()))
    folder = Path(tempfile.mkdtemp(prefix=DEMO_PREFIX))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    (folder / OWNER_FILE).write_text(str(os.getpid()), encoding="ascii")
    path = folder / "demo.db"
    fill_demo(path, time)
    return path


def remove_stale_demo_folders(parent: Path) -> list[Path]:
    """Remove this user's demo folders whose program is no longer running; returns them.
    A folder without an owner file is left alone (it may be being made right now)."""
    removed = []
    for folder in parent.glob(f"{DEMO_PREFIX}*"):
        try:
            if folder.is_symlink() or not folder.is_dir() or folder.stat().st_uid != os.getuid():
                continue
            owner = int((folder / OWNER_FILE).read_text(encoding="ascii").strip())
        except (OSError, ValueError):
            continue
        if owner != os.getpid() and not process_running(owner):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed
