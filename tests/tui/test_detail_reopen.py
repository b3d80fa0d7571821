"""The order screen is kept between orders and refilled: each order opened shows
its own facts, chat and evidence, never anything of the order before, its tabs
work, and what is changed on it is saved to the order shown."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from support.tui import add, days, screen_text, settle
from textual.widgets import TabbedContent

from aliret_tui.domain.models import Attachment, ChatMessage, EvidenceItem, parse
from aliret_tui.files import fingerprint
from aliret_tui.store.store import Store
from aliret_tui.tui.screens.dashboard import DashboardScreen
from aliret_tui.tui.screens.detail import DetailScreen, open_order_screen, read_order
from aliret_tui.tui.screens.detail.forms import MessageFormScreen
from aliret_tui.tui.widgets.chat_log import ChatLog, count_wrapped_lines, wrap_plain
from aliret_tui.tui.widgets.evidence_list import EvidenceList

SIZE = (120, 36)


def message(sender: str, when: str, text: str) -> ChatMessage:
    return parse(ChatMessage, {"sender": sender, "sent_at": when, "text": text})


def two_orders(store: Store) -> None:
    """A: a lamp from Alpha Lights, a chat of 300 messages, a custom evidence item.
    B: a kettle from Beta Kitchen, two messages, its own custom item."""
    add(store, "A1", "Alpha lamp", store="Alpha Lights", delivered_on=days(-3))
    add(store, "B2", "Beta kettle", store="Beta Kitchen", delivered_on=days(-5))
    store.add_messages(
        "A1",
        [
            message("seller", f"2026-11-{1 + n // 20:02d} {n % 20:02d}:00", f"alpha word {n}")
            for n in range(300)
        ],
    )
    store.add_messages(
        "B2",
        [
            message("me", "2026-11-25 10:00", "beta question about the kettle"),
            message("seller", "2026-11-25 11:00", "beta answer from the seller"),
        ],
    )
    for order_id, label in (("A1", "Alpha serial photo"), ("B2", "Beta box photo")):
        item = parse(EvidenceItem, {"label": label, "kind": "photo", "custom": True})
        store.add_evidence_item(order_id, item)


async def open_by_keys(pilot, app, order_id: str) -> DetailScreen:
    """From the dashboard: put the cursor on ``order_id``, enter."""
    dashboard = app.screen
    assert isinstance(dashboard, DashboardScreen)
    table = dashboard.query_one("OrdersTable")
    table.cursor = next(i for i, row in enumerate(table.rows) if row.order_id == order_id)
    await settle(pilot, app)
    await pilot.press("enter")
    await settle(pilot, app)
    assert isinstance(app.screen, DetailScreen), screen_text(app)
    return app.screen


async def open_kept(pilot, app, order_id: str) -> DetailScreen:
    """Open ``order_id`` the way the dashboard does: read it, then show it on the kept
    screen (a new one the first time)."""
    await open_order_screen(app, read_order(app, order_id))
    await settle(pilot, app)
    assert isinstance(app.screen, DetailScreen)
    return app.screen


async def back(pilot, app) -> None:
    await pilot.press("escape")
    await settle(pilot, app)
    await pilot.pause(0.1)  # the kept screen is cleared a moment after
    assert isinstance(app.screen, DashboardScreen)


def assert_shows_b_only(app) -> None:
    """Overview of B, and nothing of A anywhere on the screen or in its lists."""
    screen = app.screen
    text = screen_text(app)
    assert "Beta kettle" in text and "Beta Kitchen" in text
    assert "B2" in text
    assert "Alpha" not in text and "A1" not in text
    assert screen.query_one(TabbedContent).active == "overview"
    assert screen.record is not None and screen.record.order.order_id == "B2"
    chat = screen.query_one(ChatLog)
    assert [m.text for m in chat.messages] == [
        "beta question about the kettle",
        "beta answer from the seller",
    ]
    labels = [item.label for item in screen.query_one(EvidenceList).items]
    assert "Beta box photo" in labels and "Alpha serial photo" not in labels


async def test_the_next_order_shows_its_own_facts_chat_and_evidence(make_app, store):
    two_orders(store)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        first = await open_kept(pilot, app, "A1")
        await pilot.press("3")  # leave A on its chat tab, scrolled to its end
        await settle(pilot, app)
        assert "alpha word 299" in screen_text(app)
        await back(pilot, app)
        second = await open_kept(pilot, app, "B2")
        assert second is first  # the same screen, refilled
        assert_shows_b_only(app)
        await pilot.press("3")
        await settle(pilot, app)
        text = screen_text(app)
        assert "beta answer from the seller" in text and "alpha word" not in text
        await pilot.press("4")
        await settle(pilot, app)
        text = screen_text(app)
        assert "Beta box photo" in text and "Alpha serial photo" not in text
        await pilot.press("2")
        await settle(pilot, app)
        assert app.screen.query_one(TabbedContent).active == "timeline"
        await back(pilot, app)
        await open_kept(pilot, app, "A1")  # and back to A: all of A again
        text = screen_text(app)
        assert "Alpha lamp" in text and "Beta" not in text
        await pilot.press("3")
        await settle(pilot, app)
        assert "alpha word 299" in screen_text(app)


async def test_orders_opened_from_the_dashboard_one_after_another(make_app, store):
    """Enter on A, its chat, back, enter on B: whatever screen the dashboard shows
    it on, B is shown and nothing of A."""
    two_orders(store)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await open_by_keys(pilot, app, "A1")
        await pilot.press("3")
        await settle(pilot, app)
        await back(pilot, app)
        await open_by_keys(pilot, app, "B2")
        assert_shows_b_only(app)


async def test_a_message_added_after_reopening_goes_to_the_order_shown(make_app, store, db_path):
    two_orders(store)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await open_kept(pilot, app, "A1")
        await back(pilot, app)
        await open_kept(pilot, app, "B2")
        await pilot.press("3", "m")
        await settle(pilot, app)
        assert isinstance(app.screen, MessageFormScreen)
        await pilot.press(*"kettle", "ctrl+s")
        await settle(pilot, app)
        assert "kettle" in [m.text for m in app.screen.query_one(ChatLog).messages]
        await pilot.press("4", "space")  # tick B's first evidence item
        await settle(pilot, app)
    with Store(db_path) as reopened:
        assert "kettle" in [m.text for m in reopened.messages("B2")]
        assert "kettle" not in [m.text for m in reopened.messages("A1")]
        assert reopened.evidence("B2")[0].done
        assert not any(item.done for item in reopened.evidence("A1"))


async def test_a_late_read_of_the_last_order_is_not_shown(make_app, store):
    two_orders(store)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await open_kept(pilot, app, "A1")
        late = read_order(app, "A1")
        await back(pilot, app)
        screen = await open_kept(pilot, app, "B2")
        screen.post_message(late)  # as a read of A still under way would
        await settle(pilot, app)
        assert_shows_b_only(app)


async def test_the_chat_laid_out_ahead_is_the_chat_laid_out_when_shown(make_app, store):
    two_orders(store)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        screen = await open_kept(pilot, app, "A1")
        chat = screen.query_one(ChatLog)
        width, count, ahead = chat._prepared
        assert count == 300 and width > 0  # laid out while the overview was shown
        await pilot.press("3")
        await settle(pilot, app)
        assert chat.line_width == width  # shown at the width it was laid out for
        expected = [0]
        for index in range(chat.item_count):
            expected.append(expected[-1] + chat.count_item_lines(index, width))
        assert chat._tops == expected == ahead
        text = screen_text(app)
        assert "alpha word 299" in text  # the cursor on the last message, in view


async def test_going_back_leaves_nothing_of_the_order_on_the_kept_screen(make_app, store):
    two_orders(store)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        screen = await open_kept(pilot, app, "A1")
        await pilot.press("3")
        await settle(pilot, app)
        await back(pilot, app)
        assert screen.query_one(ChatLog).messages == []
        assert screen.query_one(EvidenceList).items == []
        assert screen.record is None
        assert screen.query_one(TabbedContent).active == "overview"


WORDS = st.sampled_from(["a", "bb", "word", "x" * 9, "y" * 45, "", " ", "\n", "\t", "é", "中文"])


@given(st.lists(WORDS, max_size=30).map(" ".join), st.integers(min_value=8, max_value=40))
def test_counting_a_messages_lines_agrees_with_wrapping_it(text, width):
    assert count_wrapped_lines(text, width) == len(wrap_plain(text, width))


async def test_an_attached_file_is_shown_again_after_reopening(make_app, store, tmp_path):
    two_orders(store)
    photo = tmp_path / "label.jpg"
    photo.write_bytes(b"\xff\xd8 label " * 50)
    item = next(item for item in store.evidence("A1") if item.label == "Alpha serial photo")
    size, digest = fingerprint(photo)
    attachment = Attachment(path=str(photo), size=size, sha256=digest, attached_at="2026-11-28")
    store.attach_file("A1", item.id, attachment)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        for order_id in ("A1", "B2", "A1"):
            await open_kept(pilot, app, order_id)
            await pilot.press("4")
            await settle(pilot, app)
            shown = "label.jpg" in screen_text(app) and "✓" in screen_text(app)  # unchanged
            assert shown == (order_id == "A1"), screen_text(app)
            await back(pilot, app)


async def test_a_reopened_screen_looks_exactly_like_a_new_one(make_app, store):
    """Colours, focus, tabs and footer included: B shown on the screen kept from A
    is the same picture as B on a screen of its own."""
    two_orders(store)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        first = await open_kept(pilot, app, "B2")  # the kept screen's first order
        new_look = app.export_screenshot()
        await back(pilot, app)
        await open_kept(pilot, app, "A1")
        await pilot.press("3")
        await settle(pilot, app)
        await back(pilot, app)
        assert await open_kept(pilot, app, "B2") is first
        assert app.export_screenshot() == new_look
