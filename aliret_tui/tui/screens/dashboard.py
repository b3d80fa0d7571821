"""The dashboard: summary line, live countdown panel and the orders table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from aliret_tui.sanitize import outgoing
from aliret_tui.tui.breakpoints import apply_breakpoints
from aliret_tui.tui.key_names import key_named, with_key
from aliret_tui.tui.memory import collect_young, tidy_memory
from aliret_tui.tui.view import (
    COLUMNS,
    SORT_KEYS,
    URGENCY_SORT,
    Filter,
    OrderRow,
    RowIndex,
    Stopped,
    Summary,
    build_rows,
    column_of,
    countdown_rows,
    next_sort,
    sort_description,
    sort_of,
    summarise,
)
from aliret_tui.tui.widgets.countdown_panel import CountdownPanel
from aliret_tui.tui.widgets.keys_footer import KeysFooter
from aliret_tui.tui.widgets.orders_table import OrdersTable
from aliret_tui.tui.widgets.summary_line import SummaryLine
from aliret_tui.tui.widgets.virtual_list import VirtualList
from aliret_tui.tui.workers import ReportsWorkerErrors

if TYPE_CHECKING:
    from aliret_tui.domain.models import Order
    from aliret_tui.importing.merge import ImportPlan
    from aliret_tui.store.store import Store
    from aliret_tui.tui.app_services import AppServices

POLL_SECONDS = 1.0  # outside changes show within about a second
LOAD_CHUNK = 2000  # orders read per call: the store is held a few ms at a time
TIDY_AFTER_SECONDS = 0.5  # a quiet moment after loading, or after coming back
BACKUP_FAILED = ("⚠ daily backup failed", "bold $text-error")  # first on the summary line

# The keys are filled in as bound now (remapped in config.toml or not).
NO_ORDERS_MESSAGE = (
    "No orders yet.",
    "",
    "Press {paste} to paste an order page you copied from AliExpress,",
    "{import_file} to import a file (exporters' CSV or JSON, emails, your data export),",
    "or {add} to type one in.",
    "",
    "From the shell: aliret-tui import FILE… (the README lists the formats)",
)

# What each filter shows, in the palette: (command, what it shows).
FILTER_COMMANDS = {
    Filter.ACTIVE: ("Show active orders", "Orders where something may still happen"),
    Filter.DISPUTES: ("Show open disputes", "Orders with a dispute under way"),
    Filter.CLOSED: ("Show closed orders", "Closed, archived, or the window passed unused"),
    Filter.ALL: ("Show all orders", "Every order, archived ones too"),
}


@dataclass
class RowsLoaded(Message):
    rows: list[OrderRow]
    today: dt.date
    data_version: tuple[int, int] | None  # None: read before the store opened
    select: str | None = None  # put the cursor on this order
    complete: bool = True  # False: only the live orders so far
    backup_problem: str | None = None  # why the last daily backup failed
    index: RowIndex | None = None  # the rows filtered and sorted, made in the worker
    cards: list[OrderRow] | None = None  # the countdown cards, made in the worker
    summary: Summary | None = None  # the summary line, made in the worker


@dataclass
class SortsReady(Message):
    """The load worker made every sort of the rows read at ``data_version``."""

    data_version: tuple[int, int] | None
    today: dt.date


class DashboardScreen(ReportsWorkerErrors, Screen[None]):
    BINDINGS = [
        Binding("a", "add", "Add", id="add"),
        Binding("e", "edit", "Edit", id="edit"),
        Binding("x", "archive", "Archive", id="archive"),
        Binding("i", "import_file", "Import", id="import_file"),
        Binding("p", "paste", "Paste", id="paste"),
        Binding("g", "statistics", "Stats", id="statistics"),
        # Priority: run before the keys typed after it are handed on, so that a burst
        # ("/shoes" typed fast, or over a slow SSH link) lands in the search box.
        Binding("slash", "search", "Search", id="search", priority=True),
        Binding("f", "cycle_filter", "Filter", id="filter"),
        Binding("escape", "clear_search", "Clear search", id="clear_search"),
    ]

    order_filter: reactive[Filter] = reactive(Filter.ACTIVE, init=False)
    search_query: reactive[str] = reactive("", init=False)

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[OrderRow] = []
        self.index = RowIndex(())
        self.loaded = False
        self.today: dt.date | None = None
        self.seen_data_version: tuple[int, int] | None = None
        self.sort_by = URGENCY_SORT
        self.descending = False
        self._applicable_keys: tuple[bool, bool] | None = None
        self._tidy_timer: Timer | None = None
        self._tidied = False  # the full collection after the first load is done
        self._polling = False
        self._backup_problem_told: str | None = None

    @property
    def aliret(self) -> AppServices:
        return self.app  # type: ignore[return-value]

    # -- layout ------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        apply_breakpoints(self)  # laid out for this width from the first frame
        yield Static(self._title_bar(), id="title-bar")
        yield SummaryLine(id="summary")
        with Horizontal(id="body"):
            yield CountdownPanel(id="countdowns")
            with Vertical(id="orders-pane"):
                yield OrdersTable(id="orders")
                yield Input(placeholder="Search order number, title, store", id="search")
        yield KeysFooter()

    def _title_bar(self) -> Content:
        app = self.aliret
        today = app.time.today()
        return Content.from_markup(
            "[b]aliret-tui[/b]  ·  $where  ·  today $today",
            where=app.db_label,
            today=f"{today:%a} {today.isoformat()}",
        )

    def on_mount(self) -> None:
        self.query_one("#countdowns").border_title = "Countdowns"
        self._update_orders_title(0)
        self.query_one(OrdersTable).focus()
        self.watch(self.app, "now", self._tick, init=False)
        first_rows = self.aliret.take_first_rows()
        if first_rows is not None:
            self._show(RowsLoaded(first_rows, self.aliret.time.today(), None, complete=False))
        if first_rows is not None:
            # After the first frame: the worker opening the store would slow it down.
            self.call_after_refresh(self.load, live_rows=first_rows)
        else:
            self.load()
        self.set_interval(POLL_SECONDS, self._reload_if_changed)

    # -- loading -----------------------------------------------------------------

    # A description: Textual would otherwise describe the worker by its arguments'
    # repr, thousands of rows long, on the event loop.
    @work(thread=True, exclusive=True, group="load", exit_on_error=False, description="load")
    def load(self, select: str | None = None, live_rows: list[OrderRow] | None = None) -> None:
        """The live orders first (shown at once), then all the others, a chunk at a
        time: the store is free between chunks (a save, or quitting, waits for one
        chunk at most), and the load stops when cancelled (a newer load, the app
        quitting). ``live_rows`` are the live orders already on screen, read
        before the store opened: they are not read again. Once the rows are shown,
        every column's sort is made here, so that a sort key does not wait."""
        app = self.aliret
        today = app.time.today()
        worker = get_current_worker()

        def rows_of(records: Iterable[tuple[Any, ...]]) -> list[OrderRow]:
            return build_rows(records, app.policy, today, app.urgency)

        version, problem = app.db.call(lambda store: (store.data_version(), store.backup_problem()))
        if live_rows is None:
            live = app.db.call(lambda store: list(store.dashboard_rows(today, live=True)))
            live_rows = rows_of(live)
            if not self.loaded:
                self.post_message(RowsLoaded(live_rows, today, version, select, complete=False))
        everything = list(live_rows)
        after = 0
        while not worker.is_cancelled:
            chunk, after = app.db.call(
                partial(_rows_after, today=today, after=after, limit=LOAD_CHUNK)
            )
            if not chunk:
                break
            everything += rows_of(chunk)
        try:  # here, not on the event loop: it sorts every order
            index = RowIndex(everything, stop=lambda: worker.is_cancelled)
            index.prepare_filters()  # the filter keys' lists, before the rows show
        except Stopped:
            return
        shown = RowsLoaded(
            everything,
            today,
            version,
            select,
            backup_problem=problem,
            index=index,
            cards=countdown_rows(everything),
            summary=summarise(everything),
        )
        if worker.is_cancelled:
            return
        self.post_message(shown)
        with suppress(Stopped):
            index.prepare()  # the search texts and every column's sort, for the keys to come
            self.post_message(SortsReady(version, today))

    @work(thread=True, exclusive=True, group="prepare-statistics", exit_on_error=False)
    def _prepare_statistics(self) -> None:
        """The statistics' figures, computed each time the orders on screen were read
        afresh, so that g shows them at once (the screen reads them itself if the data
        changed since)."""
        from aliret_tui.tui.screens.statistics import prepare_statistics

        with self.aliret.db.reading_only():  # quitting need not wait for it
            self.aliret.prepared_statistics = prepare_statistics(self.aliret)

    def _reload_if_changed(self) -> None:
        """Reload when the data changed: from another shell (`aliret-tui add` or
        `event`), polled every second, or on another screen of this app. A poll still
        waiting for a busy store is left to finish, never cancelled by the next."""
        if not self._polling:
            self._polling = True
            self._poll()

    @work(thread=True, group="poll", exit_on_error=False)
    def _poll(self) -> None:
        try:
            if not self.loaded:
                return
            version = self.aliret.db.call(lambda store: store.data_version())
            if version != self.seen_data_version:
                self.seen_data_version = version
                self.app.call_from_thread(self.load)
        finally:
            self._polling = False

    @on(SortsReady)
    def _statistics_in_step(self, message: SortsReady) -> None:
        """The statistics' figures follow the orders on screen, computed once the
        load worker is done (not alongside it: both would slow the keys down)."""
        if (message.data_version, message.today) != (self.seen_data_version, self.today):
            return  # newer rows are being read; their load starts this again
        prepared = self.aliret.prepared_statistics
        if prepared is None or (prepared.data_version, prepared.today) != (
            message.data_version,
            message.today,
        ):
            self._prepare_statistics()

    @on(RowsLoaded)
    def _show(self, message: RowsLoaded) -> None:
        self.rows = message.rows
        self.index = message.index or RowIndex(message.rows)
        self.today = message.today
        self.seen_data_version = message.data_version
        self.loaded = message.complete
        if message.complete and not self._tidied:
            self._tidy_memory_soon()  # once: later loads (coming back, a change) never pause
        cards = countdown_rows(self.rows) if message.cards is None else message.cards
        self.query_one(CountdownPanel).show_cards(cards, self.aliret.now)
        summary = message.summary or summarise(self.rows)
        parts = [Content(part) for part in summary.parts(recovered_known=message.complete)]
        if message.backup_problem is not None:
            parts.insert(0, Content.assemble(BACKUP_FAILED))
            if message.backup_problem != self._backup_problem_told:
                self._backup_problem_told = message.backup_problem
                self.notify(
                    message.backup_problem, title="Backup failed", severity="error", markup=False
                )
        self.query_one(SummaryLine).show(parts)
        self.refresh_view(keep_order_id=message.select)

    def refresh_view(self, keep_order_id: str | None = None) -> None:
        """Show the table for the current rows, filter, search and sort (the cards
        and the summary change only when the rows do)."""
        table = self.query_one(OrdersTable)
        if keep_order_id is None and table.highlighted_row is not None:
            keep_order_id = table.highlighted_row.order_id
        shown = self.index.visible(
            self.order_filter, self.search_query, self.sort_by, self.descending
        )
        table.empty_lines = self._empty_message()
        table.set_sort(self.sort_by, self.descending)
        table.show_rows(shown, keep_order_id)
        self._update_orders_title(len(shown))
        self._refresh_bindings_if_changed()

    def _refresh_bindings_if_changed(self) -> None:
        """The footer is rebuilt only when the keys that apply change."""
        applicable = (self.current_row() is not None, bool(self.search_query))
        if applicable != self._applicable_keys:
            self._applicable_keys = applicable
            self.refresh_bindings()

    def _empty_message(self) -> tuple[str, ...]:
        if not self.loaded:
            return ("Loading the other orders…",)
        if not self.rows:
            keys = {action: self._key(action) for action in ("paste", "import_file", "add")}
            return tuple(line.format_map(keys) for line in NO_ORDERS_MESSAGE)
        if self.search_query:
            elsewhere = self._filter_with_matches()
            if elsewhere is not None:
                count = len(self.index.visible(elsewhere, self.search_query))
                orders = f"{count} {'order' if count == 1 else 'orders'}"
                return (
                    f"Nothing {self.order_filter.value} matches “{self.search_query}”, "
                    f"but {orders} under “{elsewhere.value}” {'does' if count == 1 else 'do'}.",
                    "",
                    f"Press enter to show them (the filter becomes “{elsewhere.value}”).",
                )
            return (
                f"Nothing matches “{self.search_query}”.",
                "",
                "Press esc in the search box to clear it.",
            )
        return (
            f"No {self.order_filter.value} orders.",
            "",
            f"Press {self._key('filter')} to change the filter.",
        )

    def _update_orders_title(self, shown: int) -> None:
        """ "Orders · active · by deadline ▲": the filter and the sort, always in sight
        (the sorted column's header carries the same arrow)."""
        pane = self.query_one("#orders-pane")
        sort = sort_description(self.sort_by, self.descending)
        pane.border_title = f"Orders · {self.order_filter.value} · {sort}"
        pane.border_subtitle = f"{shown} of {len(self.rows)}" if self.loaded else ""

    def _tick(self, now: dt.datetime) -> None:
        if self.today is not None and now.date() != self.today:
            self.load()  # midnight: days left and urgencies change
            return
        self.query_one(CountdownPanel).tick(now)

    def watch_order_filter(self) -> None:
        self.refresh_view()

    def watch_search_query(self) -> None:
        self.refresh_view()

    @on(OrdersTable.SortRequested)
    def _sort(self, message: OrdersTable.SortRequested) -> None:
        self.sort_by, self.descending = sort_of(message.key), message.descending
        self.refresh_view()

    # -- which order is meant ------------------------------------------------------

    def current_row(self) -> OrderRow | None:
        focused = self.focused
        if isinstance(focused, CountdownPanel):
            return focused.highlighted_card
        return self.query_one(OrdersTable).highlighted_row

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "archive"):
            return self.current_row() is not None
        if action == "clear_search":
            return bool(self.search_query) or self.query_one("#search", Input).has_focus
        return True

    @on(VirtualList.Highlighted)
    def _highlight_moved(self) -> None:
        self._refresh_bindings_if_changed()

    @on(VirtualList.Selected)
    def _open(self, message: VirtualList.Selected) -> None:
        list_widget = message.virtual_list
        if isinstance(list_widget, CountdownPanel):
            row = list_widget.cards[message.index]
        else:
            row = self.query_one(OrdersTable).rows[message.index]
        self.open_order(row.order_id)

    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def open_order(self, order_id: str) -> None:
        """Read the order, then show it: the screen opens complete, not loading."""
        from aliret_tui.tui.screens.detail import open_order_screen, read_order

        loaded = read_order(self.aliret, order_id)
        if not get_current_worker().is_cancelled:  # a second enter opens it once
            self.app.call_from_thread(open_order_screen, self.app, loaded, self._back_from_order)

    def _back_from_order(self, _: None) -> None:
        self._reload_if_changed()
        self.set_timer(TIDY_AFTER_SECONDS, collect_young)  # never a full pass here

    def _tidy_memory_soon(self) -> None:
        """One tidy, a moment after the orders are first all loaded. Rows read again
        later replace the frozen ones, which are then freed as usual (nothing
        refers to them in a cycle), so the full pass is not repeated: after coming
        back from an order, or a change, a key never waits for it."""
        if self._tidy_timer is not None:
            self._tidy_timer.stop()
        self._tidy_timer = self.set_timer(TIDY_AFTER_SECONDS, self._tidy_memory_if_still_here)

    def _tidy_memory_if_still_here(self) -> None:
        self._tidy_timer = None
        if self.is_current:
            tidy_memory()
            self._tidied = True

    # -- actions -----------------------------------------------------------------

    def action_add(self) -> None:
        from aliret_tui.tui.screens.order_form import OrderFormScreen

        self.app.push_screen(OrderFormScreen(), callback=self._after_save)

    def action_edit(self) -> None:
        row = self.current_row()
        if row is not None:
            self._edit(row.order_id)

    @work(thread=True, exclusive=True, group="fetch", exit_on_error=False)
    def _edit(self, order_id: str) -> None:
        order = self.aliret.db.call(lambda store: store.get_order(order_id))
        self.app.call_from_thread(self._open_form, order)

    def _open_form(self, order: Order) -> None:
        from aliret_tui.tui.screens.order_form import OrderFormScreen

        self.app.push_screen(OrderFormScreen(editing=order), callback=self._after_save)

    def _after_save(self, order: Order | None) -> None:
        if order is None:
            return
        self.notify(
            f"Saved order {outgoing(order.order_id, one_line=True)}: {order.title}",
            title="Saved",
            markup=False,
        )
        self.load(select=order.order_id)

    def action_archive(self) -> None:
        from aliret_tui.tui.screens.modals import ArchiveScreen

        row = self.current_row()
        if row is None:
            return

        def chosen(choice: str | None) -> None:
            if choice == "archive":
                self._set_archived(row.order_id, not row.archived)
            elif choice == "delete":
                self._confirm_delete(row)

        self.app.push_screen(ArchiveScreen(row.order_id, row.title, row.archived), chosen)

    def _confirm_delete(self, row: OrderRow) -> None:
        from aliret_tui.tui.screens.modals import ConfirmScreen

        question = Content.from_markup(
            "[b]Delete order $order_id for good?[/b]\n$title\n\n"
            "Its timeline, chat log and evidence list go too. This cannot be undone.",
            order_id=outgoing(row.order_id, one_line=True),
            title=row.title,
        )

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._delete(row.order_id)

        self.app.push_screen(ConfirmScreen(question, "Delete", danger=True), confirmed)

    @work(thread=True, group="write", exit_on_error=False)
    def _set_archived(self, order_id: str, archived: bool) -> None:
        self.aliret.db.call(lambda store: store.set_archived(order_id, archived))
        verb = "Archived" if archived else "Unarchived"
        self.app.call_from_thread(
            self.notify, f"{verb} order {outgoing(order_id, one_line=True)}", markup=False
        )
        self.app.call_from_thread(self.load)

    @work(thread=True, group="write", exit_on_error=False)
    def _delete(self, order_id: str) -> None:
        self.aliret.db.call(lambda store: store.delete_order(order_id))
        self.app.call_from_thread(
            self.notify, f"Deleted order {outgoing(order_id, one_line=True)}", markup=False
        )
        self.app.call_from_thread(self.load)

    def action_import_file(self) -> None:
        from aliret_tui.tui.screens.import_screens import ImportFileScreen

        self.app.push_screen(ImportFileScreen(), callback=self._after_import)

    def action_paste(self) -> None:
        from aliret_tui.tui.screens.import_screens import PasteScreen

        self.app.push_screen(PasteScreen(), callback=self._after_import)

    def action_statistics(self) -> None:
        from aliret_tui.tui.screens.statistics import StatisticsScreen

        self.app.push_screen(StatisticsScreen())

    def _after_import(self, plan: ImportPlan | None) -> None:
        if plan is None:
            return
        from aliret_tui.store.store import ImportReport

        self.notify(f"Imported: {ImportReport.of(plan)}", title="Imported", markup=False)
        self.load()

    def action_cycle_filter(self) -> None:
        self.order_filter = self.order_filter.next()

    def set_filter(self, chosen: Filter) -> None:
        self.order_filter = chosen

    def action_search(self) -> None:
        search = self.query_one("#search", Input)
        if self.focused is search:  # "/" typed in the box (a priority key): searched for
            search.insert_text_at_cursor("/")
            return
        search.add_class("-shown")
        self.set_focus(search)  # at once, so keys typed right after "/" land in the box

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.search_query = event.value

    def _filter_with_matches(self) -> Filter | None:
        """When the search finds nothing under this filter: the first other filter,
        in the order f cycles, under which it finds something (else None)."""
        if not self.search_query or self.index.visible(self.order_filter, self.search_query):
            return None
        following = self.order_filter.next()
        while following is not self.order_filter:
            if self.index.visible(following, self.search_query):
                return following
            following = following.next()
        return None

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        elsewhere = self._filter_with_matches()
        if elsewhere is not None:  # offered on the empty table: the matches are there
            self.order_filter = elsewhere
        search = self.query_one("#search", Input)
        if not search.value:
            search.remove_class("-shown")
        self.query_one(OrdersTable).focus()

    def action_clear_search(self) -> None:
        search = self.query_one("#search", Input)
        search.value = ""
        search.remove_class("-shown")
        self.query_one(OrdersTable).focus()

    # -- command palette ---------------------------------------------------------

    def _key(self, binding_id: str) -> str:
        """The key that runs ``binding_id`` on this screen now (remapped or not)."""
        return key_named(self.app, binding_id, *self._key_owners())

    def _key_owners(self) -> tuple[object, ...]:
        """What binds keys on this screen: itself, the table (and the lists), the app."""
        return (self, OrdersTable, self.app)

    def palette_commands(self) -> Iterable[SystemCommand]:
        """Every action by name; each help names the key that does it now."""

        def command(title: str, does: str, binding_id: str, callback: Any) -> SystemCommand:
            described = with_key(self.app, does, binding_id, *self._key_owners())
            return SystemCommand(title, described, callback)

        yield command("Add order", "Add an order with the form", "add", self.action_add)
        if self.current_row() is not None:
            yield command("Edit order", "Edit the highlighted order", "edit", self.action_edit)
            yield command("Open order", "Timeline, chat and evidence", "open", self._open_current)
            yield command(
                "Archive or delete order",
                "Hide or remove the highlighted order",
                "archive",
                self.action_archive,
            )
        yield command(
            "Import orders from a file",
            "Exports, saved pages, emails",
            "import_file",
            self.action_import_file,
        )
        yield command(
            "Statistics",
            "Money recovered, dispute outcomes, refund delays",
            "statistics",
            self.action_statistics,
        )
        yield command(
            "Paste an order page or email",
            "Copied text from AliExpress",
            "paste",
            self.action_paste,
        )
        yield command("Search", "Search order number, title, store", "search", self.action_search)
        cycles = self._key("filter")
        for chosen, (title, shows) in FILTER_COMMANDS.items():
            yield SystemCommand(
                title, f"{shows} ({cycles} cycles the filters)", partial(self.set_filter, chosen)
            )
        table = self.query_one(OrdersTable)
        following = _sort_name(next_sort(self.sort_by))
        yield command(
            "Sort by the next column", f"Next: {following}", "sort", table.action_cycle_sort
        )
        now = sort_description(self.sort_by, self.descending)
        yield command("Reverse the sort", f"Now {now}", "reverse_sort", table.action_reverse_sort)
        for sort_by in SORT_KEYS:  # found by typing "sort": not listed before that
            yield SystemCommand(
                f"Sort {_sort_name(sort_by)}", _sort_command_help(sort_by),
                partial(self._sort_by, sort_by), discover=False,
            )  # fmt: skip

    def _sort_by(self, sort_by: str) -> None:
        self.sort_by, self.descending = sort_by, False
        self.refresh_view()

    def _open_current(self) -> None:
        row = self.current_row()
        if row is not None:
            self.open_order(row.order_id)


def _sort_name(sort_by: str) -> str:
    """A sort as the palette names it: "by price", "by urgency"."""
    return f"by {'urgency' if sort_by == URGENCY_SORT else column_of(sort_by).sort_name}"


def _sort_command_help(sort_by: str) -> str:
    if sort_by == URGENCY_SORT:
        return "Most urgent first, as the table opens"
    headers = " or ".join(
        column.title for column in COLUMNS if column.sorts_by == sort_by
    )  # Deadline or Left: one sort
    return f"Like a click on the {headers} header (a second click reverses)"


def _rows_after(
    store: Store, today: dt.date, after: int, limit: int
) -> tuple[list[tuple[Any, ...]], int]:
    return store.dashboard_rows_after(today, after, limit)
