"""The evidence checklist, mediation readiness and the three hints of domain.md."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.domain import PATHS, POLICY, day, make_order

from aliret_tui.domain.evidence import Readiness, checklist_for, readiness, return_checklist
from aliret_tui.domain.hints import HintKind, hints_for
from aliret_tui.domain.models import (
    Attachment,
    ChatMessage,
    Dispute,
    EvidenceItem,
    ReturnShipment,
)
from aliret_tui.domain.policy import DEFAULT_POLICY, FreeReturnCap
from aliret_tui.domain.states import CLOSED_STATES, OrderState
from aliret_tui.domain.vocabulary import EvidenceKind, Outcome, Reason, Sender

K = EvidenceKind
S = OrderState

# The checklist exactly as domain.md words it.
ITEM_RECEIVED = [
    "photos of the problem",
    "original packaging kept",
    "tags kept",
    "accessories and all parts kept",
    "all talk with the seller kept on AliExpress messaging",
]
BY_REASON = {
    Reason.WRONG_SIZE: [
        "the item measured with a ruler on a flat surface (photo)",
        "a photo of the size label",
    ],
    Reason.ITEM_DEFECTIVE: ["a video showing the defect"],
    Reason.DAMAGED_IN_TRANSIT: [
        "photos of the outer package",
        "an unboxing video if there is one",
    ],
    Reason.MISSING_PARTS: ["a photo of everything that arrived", "a photo of the shipping label"],
    Reason.WRONG_ITEM: ["a photo of everything that arrived", "a photo of the shipping label"],
    Reason.NOT_RECEIVED: [
        "a screenshot of the tracking page",
        "customs documents if it is held at customs",
    ],
}
RETURN_APPROVED = ["the return tracking number", "proof of postage (receipt photo)"]

# The labels as the app shows them (capitalised, articles dropped).
APP_ITEM_RECEIVED = [
    ("Photos of the problem", K.PHOTO),
    ("Original packaging kept", K.KEPT),
    ("Tags kept", K.KEPT),
    ("Accessories and all parts kept", K.KEPT),
    ("All talk with the seller kept on AliExpress messaging", K.MESSAGES),
]
APP_BY_REASON = {
    Reason.WRONG_SIZE: [
        ("Item measured with a ruler on a flat surface (photo)", K.PHOTO),
        ("Photo of the size label", K.PHOTO),
    ],
    Reason.ITEM_DEFECTIVE: [("Video showing the defect", K.VIDEO)],
    Reason.DAMAGED_IN_TRANSIT: [
        ("Photos of the outer package", K.PHOTO),
        ("Unboxing video, if there is one", K.VIDEO),
    ],
    Reason.MISSING_PARTS: [
        ("Photo of everything that arrived", K.PHOTO),
        ("Photo of the shipping label", K.PHOTO),
    ],
    Reason.WRONG_ITEM: [
        ("Photo of everything that arrived", K.PHOTO),
        ("Photo of the shipping label", K.PHOTO),
    ],
    Reason.NOT_RECEIVED: [
        ("Screenshot of the tracking page", K.DOCUMENT),
        ("Customs documents, if it is held at customs", K.DOCUMENT),
    ],
    Reason.NOT_AS_DESCRIBED: [],
    Reason.COUNTERFEIT: [],
    Reason.OTHER: [],
}


def same_words(label: str) -> str:
    """A label reduced to its words: case, leading articles and commas do not matter."""
    text = label.lower().replace(",", "")
    return re.sub(r"^(a|an|the) ", "", text)


def labels(items) -> list[str]:
    return [item.label for item in items]


# --- the checklist -----------------------------------------------------------------------


@pytest.mark.parametrize("reason", list(Reason))
def test_checklist_for_each_reason_is_exact(reason):
    items = checklist_for(reason)
    general = [] if reason is Reason.NOT_RECEIVED else APP_ITEM_RECEIVED
    expected = general + APP_BY_REASON[reason]
    assert [(item.label, item.kind) for item in items] == expected
    assert all(not item.done and not item.custom and not item.attachments for item in items)


@pytest.mark.parametrize("reason", list(Reason))
def test_checklist_wording_matches_domain_md(reason):
    general = [] if reason is Reason.NOT_RECEIVED else ITEM_RECEIVED
    expected = [same_words(text) for text in general + BY_REASON.get(reason, [])]
    assert [same_words(label) for label in labels(checklist_for(reason))] == expected


def test_every_item_received_reason_gets_the_general_items():
    for reason in Reason:
        got = labels(checklist_for(reason))
        has_general = got[:5] == [label for label, _ in APP_ITEM_RECEIVED]
        assert has_general is (reason is not Reason.NOT_RECEIVED)


def test_return_items_match_domain_md():
    items = return_checklist([], 0)
    assert [same_words(item.label) for item in items] == [same_words(t) for t in RETURN_APPROVED]
    assert labels(items) == ["Return tracking number", "Proof of postage (receipt photo)"]


def test_return_items_already_present_are_not_repeated():
    existing = return_checklist([], 0)
    assert return_checklist(existing, 2) == []
    only_first = return_checklist(existing[:1], 7)
    assert labels(only_first) == ["Proof of postage (receipt photo)"]
    assert only_first[0].position == 7


@settings(max_examples=50, deadline=None)
@given(reason=st.sampled_from(list(Reason)), start=st.integers(min_value=0, max_value=500))
def test_checklist_positions_start_where_told(reason, start):
    items = checklist_for(reason, start)
    assert [item.position for item in items] == list(range(start, start + len(items)))
    assert len(set(labels(items))) == len(items)


def test_workflow_checklist_is_the_reason_checklist():
    case = PATHS["awaiting_seller"]()  # wrong_size
    assert labels(case.evidence) == labels(checklist_for(Reason.WRONG_SIZE))
    nr = PATHS["not_received_awaiting"]()
    assert labels(nr.evidence) == labels(checklist_for(Reason.NOT_RECEIVED))


# --- mediation readiness -----------------------------------------------------------------


def item(label: str, kind: EvidenceKind, *, done=False, attached=False) -> EvidenceItem:
    attachments = (
        (Attachment(path="/tmp/x.jpg", size=10, sha256="0" * 64, attached_at="2026-11-20"),)
        if attached
        else ()
    )
    return EvidenceItem(label=label, kind=kind, done=done, attachments=attachments)


def message(sender: Sender) -> ChatMessage:
    return ChatMessage(sender=sender, sent_at=dt.datetime(2026, 11, 20, 10, 0), text="hello")


REFUND_ONLY = Dispute(reason=Reason.OTHER, outcome=Outcome.REFUND_ONLY, opened_on=day(11, 12))
WITH_RETURN = Dispute(
    reason=Reason.WRONG_SIZE, outcome=Outcome.RETURN_AND_REFUND, opened_on=day(11, 12)
)


def test_readiness_of_an_empty_case():
    # Wanting a return asks for no tracking yet: there is no parcel until it is approved.
    assert readiness(WITH_RETURN, [], []) == Readiness(photos=False, messages=False, tracking=None)
    approved = WITH_RETURN.replace(return_shipment=ReturnShipment(approved_on=day(11, 14)))
    assert readiness(approved, [], []) == Readiness(photos=False, messages=False, tracking=False)
    shipped = WITH_RETURN.replace(
        return_shipment=ReturnShipment(approved_on=day(11, 14), tracking="LP1")
    )
    assert readiness(shipped, [], []).tracking is True
    assert readiness(REFUND_ONLY, [], []) == Readiness(photos=False, messages=False, tracking=None)
    assert readiness(None, [], []) == Readiness(photos=False, messages=False, tracking=None)


@pytest.mark.parametrize(
    ("evidence_item", "has_photos"),
    [
        (item("Photos of the problem", K.PHOTO, done=True), True),
        (item("Photos of the problem", K.PHOTO, attached=True), True),
        (item("Video showing the defect", K.VIDEO, done=True), True),
        (item("Video showing the defect", K.VIDEO, attached=True), True),
        (item("Photos of the problem", K.PHOTO), False),
        (item("Tags kept", K.KEPT, done=True), False),
        (item("Screenshot of the tracking page", K.DOCUMENT, done=True), False),
        (item("All talk", K.MESSAGES, done=True), False),
    ],
)
def test_readiness_photos(evidence_item, has_photos):
    assert readiness(REFUND_ONLY, [evidence_item], []).photos is has_photos


@pytest.mark.parametrize(
    ("senders", "both_sides"),
    [
        ([], False),
        ([Sender.ME], False),
        ([Sender.SELLER], False),
        ([Sender.ME, Sender.ME], False),
        ([Sender.ME, Sender.ALIEXPRESS], False),
        ([Sender.SELLER, Sender.ALIEXPRESS], False),
        ([Sender.ME, Sender.SELLER], True),
        ([Sender.SELLER, Sender.ALIEXPRESS, Sender.ME], True),
    ],
)
def test_readiness_messages_need_one_from_each_side(senders, both_sides):
    assert readiness(REFUND_ONLY, [], [message(s) for s in senders]).messages is both_sides


def test_readiness_tracking_when_a_return_applies():
    approved = WITH_RETURN.replace(return_shipment=ReturnShipment(approved_on=day(11, 14)))
    assert readiness(approved, [], []).tracking is False
    shipped = WITH_RETURN.replace(
        return_shipment=ReturnShipment(approved_on=day(11, 14), tracking="RR123456789CN")
    )
    assert readiness(shipped, [], []).tracking is True
    # A refund-only dispute that mediation turned into a return: tracking applies.
    ruled_return = REFUND_ONLY.replace(return_shipment=ReturnShipment(approved_on=day(11, 20)))
    assert readiness(ruled_return, [], []).tracking is False


def test_readiness_missing_lists_what_is_still_needed():
    assert Readiness(False, False, False).missing == ["photos", "messages", "tracking"]
    assert Readiness(False, False, None).missing == ["photos", "messages"]
    assert Readiness(True, False, True).missing == ["messages"]
    assert Readiness(True, True, None).missing == []
    assert Readiness(True, True, True).missing == []


def test_readiness_along_the_workflow():
    case = PATHS["return_shipped"]()
    dispute = case.order.dispute
    ticked = [i.replace(done=True) if i.kind is K.PHOTO else i for i in case.evidence]
    chat = [message(Sender.ME), message(Sender.SELLER)]
    assert readiness(dispute, ticked, chat) == Readiness(True, True, True)
    before_shipping = PATHS["return_approved_by_seller"]().order.dispute
    assert readiness(before_shipping, ticked, chat) == Readiness(True, True, False)


# --- hints -------------------------------------------------------------------------------


def kinds_of(order, ready=None, policy=POLICY):
    ready = ready or Readiness(False, False, None)
    return [hint.kind for hint in hints_for(order, ready, policy)]


@pytest.mark.parametrize(
    ("price", "shown"),
    [("0.01", True), ("9.99", True), ("10", False), ("10.01", False), ("250", False)],
)
def test_refund_without_return_hint_under_usd_10(price, shown):
    order = make_order(price=price)
    assert (HintKind.REFUND_WITHOUT_RETURN in kinds_of(order)) is shown


def test_refund_without_return_hint_text_names_the_threshold():
    (hint,) = hints_for(make_order(price="3"), Readiness(False, False, None), POLICY)
    assert hint.title == "Refund without return is likely"
    assert "10 USD" in hint.detail


def test_refund_without_return_threshold_is_per_currency():
    eur = make_order(price="5", currency="EUR")
    assert HintKind.REFUND_WITHOUT_RETURN not in kinds_of(eur)  # no EUR threshold by default
    policy = DEFAULT_POLICY.with_overrides(
        refund_without_return_thresholds={"USD": Decimal("10"), "EUR": Decimal("9")}
    )
    assert HintKind.REFUND_WITHOUT_RETURN in kinds_of(eur, policy=policy)
    assert HintKind.REFUND_WITHOUT_RETURN not in kinds_of(
        make_order(price="9", currency="EUR"), policy=policy
    )
    jpy = DEFAULT_POLICY.with_overrides(refund_without_return_thresholds={"JPY": Decimal("1500")})
    assert HintKind.REFUND_WITHOUT_RETURN in kinds_of(
        make_order(price="1499", currency="JPY"), policy=jpy
    )
    # The threshold is not converted: 5 USD with only a JPY threshold gets no hint.
    assert HintKind.REFUND_WITHOUT_RETURN not in kinds_of(make_order(price="5"), policy=jpy)


FREE = {"free_return": True, "country": "US", "price": "30", "currency": "USD"}


@pytest.mark.parametrize(
    ("changes", "shown"),
    [
        ({}, True),
        ({"free_return": False, "local_return": True}, True),
        ({"free_return": False}, False),  # not marked
        ({"country": None}, False),  # country unknown
        ({"country": "DE"}, False),  # not in the caps table
        ({"currency": "EUR"}, False),  # currency does not match the cap's
        ({"price": "50"}, True),  # at most the cap
        ({"price": "50.01"}, False),  # above the cap
        ({"country": "FR", "currency": "EUR", "price": "40"}, True),
        ({"country": "FR", "currency": "EUR", "price": "40.01"}, False),
        ({"country": "ES", "currency": "EUR", "price": "12"}, True),
        ({"country": "ES", "currency": "USD", "price": "12"}, False),
        ({"country": "RU", "currency": "RUB", "price": "3000"}, True),
        ({"country": "RU", "currency": "RUB", "price": "3000.01"}, False),
        ({"country": "RU", "currency": "USD", "price": "30"}, False),
    ],
)
def test_free_return_hint(changes, shown):
    order = make_order(**{**FREE, **changes})
    assert (HintKind.FREE_RETURN in kinds_of(order)) is shown


def test_free_return_hint_names_the_programme_and_cap():
    none_ready = Readiness(False, False, None)
    (hint,) = [
        h
        for h in hints_for(make_order(**FREE), none_ready, POLICY)
        if h.kind is HintKind.FREE_RETURN
    ]
    assert hint.title == "Free return eligible"
    assert hint.detail.startswith("Free Return:")
    assert "50 USD" in hint.detail and "US" in hint.detail
    local = make_order(**{**FREE, "free_return": False, "local_return": True})
    (hint,) = [h for h in hints_for(local, none_ready, POLICY) if h.kind is HintKind.FREE_RETURN]
    assert hint.detail.startswith("Local Return:")


def test_free_return_caps_come_from_the_policy():
    policy = DEFAULT_POLICY.with_overrides(
        free_return_caps={"DE": FreeReturnCap("EUR", Decimal("25"), "selected items")}
    )
    assert HintKind.FREE_RETURN in kinds_of(
        make_order(free_return=True, country="DE", currency="EUR", price="25"), policy=policy
    )
    assert HintKind.FREE_RETURN not in kinds_of(make_order(**FREE), policy=policy)


def refused(price="30"):
    """An order whose seller refused a return-and-refund dispute."""
    return make_order(
        price=price, delivered_on="2026-11-10", state="seller_refused", dispute=WITH_RETURN
    )


def escalate_hint(order, ready):
    found = [h for h in hints_for(order, ready, POLICY) if h.kind is HintKind.ESCALATE]
    return found[0] if found else None


def test_escalate_hint_names_the_three_things_and_what_is_missing():
    hint = escalate_hint(refused(), Readiness(photos=True, messages=False, tracking=False))
    assert hint is not None
    assert hint.title == "Seller refused: escalate now"
    assert "photos, messages and tracking" in hint.detail
    assert "Still missing: messages, tracking." in hint.detail
    assert "photos," not in hint.detail.split("Still missing:")[1]


def test_escalate_hint_when_nothing_is_missing():
    hint = escalate_hint(refused(), Readiness(True, True, True))
    assert "You have all three." in hint.detail
    assert "Still missing" not in hint.detail


def test_escalate_hint_gives_the_escalation_window():
    hint = escalate_hint(refused(), Readiness(False, False, False))
    opened = WITH_RETURN.opened_on
    assert f"possible from {opened + dt.timedelta(days=4)}" in hint.detail
    assert f"at the latest {opened + dt.timedelta(days=15)}" in hint.detail
    assert "70%" in hint.detail
    assert "Still missing: photos, messages, tracking." in hint.detail


def test_escalate_hint_window_and_odds_come_from_the_policy():
    policy = DEFAULT_POLICY.with_overrides(
        escalation_opens_day=2, escalation_deadline_days=20, mediation_buyer_win_percent=65
    )
    (hint,) = [
        h
        for h in hints_for(refused(), Readiness(True, True, True), policy)
        if h.kind is HintKind.ESCALATE
    ]
    opened = WITH_RETURN.opened_on
    assert f"possible from {opened + dt.timedelta(days=2)}" in hint.detail
    assert f"at the latest {opened + dt.timedelta(days=20)}" in hint.detail
    assert "65%" in hint.detail


def test_escalate_hint_only_once_the_seller_refused():
    ready = Readiness(False, False, False)
    for name in PATHS:
        order = PATHS[name]().order
        shown = escalate_hint(order, ready) is not None
        assert shown is (order.state is S.SELLER_REFUSED), name


def test_no_hints_on_closed_orders():
    for state in CLOSED_STATES:
        order = make_order(**{**FREE, "price": "5"}, state=state, delivered_on="2026-11-10")
        assert hints_for(order, Readiness(False, False, None), POLICY) == []


def test_hints_come_in_a_fixed_order():
    order = refused(price="5").replace(free_return=True, country="US")
    assert kinds_of(order, Readiness(False, False, False)) == [
        HintKind.REFUND_WITHOUT_RETURN,
        HintKind.FREE_RETURN,
        HintKind.ESCALATE,
    ]


@settings(max_examples=150, deadline=None)
@given(
    price=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999"), places=2),
    threshold=st.decimals(min_value=Decimal("0"), max_value=Decimal("99999"), places=2),
)
def test_refund_without_return_hint_iff_price_below_threshold(price, threshold):
    policy = DEFAULT_POLICY.with_overrides(refund_without_return_thresholds={"USD": threshold})
    order = make_order(price=str(price))
    assert (HintKind.REFUND_WITHOUT_RETURN in kinds_of(order, policy=policy)) is (price < threshold)


@settings(max_examples=200, deadline=None)
@given(
    price=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000"), places=2),
    currency=st.sampled_from(["USD", "EUR", "RUB", "GBP"]),
    country=st.sampled_from([None, "US", "FR", "ES", "RU", "DE", "GB"]),
    free_return=st.booleans(),
    local_return=st.booleans(),
)
def test_free_return_hint_rule(price, currency, country, free_return, local_return):
    order = make_order(
        price=str(price),
        currency=currency,
        country=country,
        free_return=free_return,
        local_return=local_return,
    )
    cap = POLICY.free_return_caps.get(country) if country else None
    eligible = (
        (free_return or local_return)
        and cap is not None
        and cap.currency == currency
        and price <= cap.amount
    )
    assert (HintKind.FREE_RETURN in kinds_of(order)) is eligible


@pytest.mark.parametrize("name", ["refund_pending_seller_agreed", "refund_pending_mediation"])
def test_no_tracking_needed_once_the_refund_comes_without_a_return(name):
    case = PATHS[name]()
    assert case.order.dispute.outcome is Outcome.RETURN_AND_REFUND  # what the buyer asked
    assert case.order.dispute.return_shipment is None  # but no return was approved
    ready = readiness(case.order.dispute, [], [])
    assert ready.tracking is None
    assert "tracking" not in ready.missing
