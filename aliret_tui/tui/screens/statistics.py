"""The statistics screen: money at stake and recovered, how disputes end, how long
refunds take, which stores cause disputes, and the windows that were missed.

The figures come from ``aliret_tui.reports.statistics``, read and computed in a
thread worker. Every chart (textual-plotext) has its numbers as text beside it, or
under it on a narrow terminal: the same lines ``aliret-tui stats`` prints.
"""

from __future__ import annotations

import datetime as dt
import math
from asyncio import gather
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult, RenderResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static
from textual_plotext import PlotextPlot

from aliret_tui.reports.statistics import (
    DisputeOutcome,
    Section,
    Statistics,
    compute_statistics,
    sections_text,
)
from aliret_tui.sanitize import shown
from aliret_tui.tui.app_services import AppServices, PreparedStatistics
from aliret_tui.tui.widgets.keys_footer import KeysFooter
from aliret_tui.tui.workers import ReportsWorkerErrors

if TYPE_CHECKING:
    from aliret_tui.store.store import Store

# Short names for the outcome chart's axis; the text beside it has the full ones.
OUTCOME_AXIS = {
    DisputeOutcome.SELLER_AGREED: "Seller agreed",
    DisputeOutcome.RETURN_AND_REFUND: "Return+refund",
    DisputeOutcome.MEDIATION_WON: "Mediation won",
    DisputeOutcome.MEDIATION_LOST: "Mediation lost",
    DisputeOutcome.CANCELLED: "Cancelled",
    DisputeOutcome.UNDECIDED: "Not decided",
}
MONTH_ABBREVIATIONS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
ON_TIME_COLOUR, LATE_COLOUR, PROMISE_COLOUR, BAR_COLOUR = "green", "red", "orange", "blue"


@dataclass
class StatisticsLoaded(Message):
    stats: Statistics


def read_statistics(app: AppServices, since: dt.date | None = None) -> Statistics:
    """Read every order's history and compute the figures (call from a thread worker)."""
    return _read(app, since)[1]


def prepare_statistics(app: AppServices) -> PreparedStatistics:
    """Compute the all-time figures now (call from a thread worker), so that ``g``
    shows them at once while the data has not changed."""
    version, stats = _read(app, None)
    return PreparedStatistics(version, app.time.today(), stats)


def _read(app: AppServices, since: dt.date | None) -> tuple[tuple[int, int], Statistics]:
    from aliret_tui.store.history import read_histories

    def read(store: Store) -> tuple[tuple[int, int], list]:
        version = store.data_version()  # first: a change after it is seen as a change
        return version, read_histories(store.db.conn, store.policy)

    version, histories = app.db.call(read)
    today = app.time.today()
    return version, compute_statistics(histories, today=today, since=since, policy=app.policy)


# The sections that have charts; the others are text alone.
CHARTED = (Section.RECOVERED, Section.OUTCOMES, Section.REFUND_DELAY)


class StatisticsScreen(ReportsWorkerErrors, Screen[None]):
    BINDINGS = [
        Binding("escape,q", "close", "Back"),  # as on the help screen: q closes it
        Binding("r", "reload", "Reload", id="reload_statistics"),
    ]

    def __init__(self, since: dt.date | None = None) -> None:
        super().__init__()
        self.since = since
        self.stats: Statistics | None = None  # set once the figures are on screen

    @property
    def aliret(self) -> AppServices:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        """Every section at once, its text "Reading…" until the figures come: only the
        charts are mounted then."""
        yield Static(self._title(), id="stats-title")
        reading = Content.styled("Reading the history…", "$text-muted")
        with VerticalScroll(id="stats-body"):
            for section in Section:
                with Vertical(classes="stats-section", id=_section_id(section)) as box:
                    box.border_title = section.value
                    if section in CHARTED:
                        with Horizontal(classes="chart-row -no-charts"):
                            yield Vertical(classes="charts")
                            yield Static(reading, classes="chart-text")
                    else:
                        yield Static(reading, classes="section-text")
        yield KeysFooter()

    def _title(self) -> Content:
        app = self.aliret
        period = f"since {self.since.isoformat()}" if self.since else "all time"
        return Content.from_markup(
            "[b]Statistics[/b]  ·  $where  ·  $period  ·  today $today",
            where=app.db_label,
            period=period,
            today=app.time.today().isoformat(),
        )

    def on_mount(self) -> None:
        self.query_one("#stats-body").focus()
        self.load()

    # -- loading -----------------------------------------------------------------

    @work(thread=True, exclusive=True, group="statistics", exit_on_error=False)
    def load(self, *, fresh: bool = False) -> None:
        """The figures: those computed ahead when the data has not changed since (and
        it is the same day), else read now."""
        app = self.aliret
        prepared = app.prepared_statistics
        if not fresh and self.since is None and prepared is not None:
            current = app.db.call(lambda store: store.data_version())
            if (prepared.data_version, prepared.today) == (current, app.time.today()):
                self.post_message(StatisticsLoaded(prepared.stats))
                return
        self.post_message(StatisticsLoaded(read_statistics(app, self.since)))

    @on(StatisticsLoaded)
    async def _show(self, message: StatisticsLoaded) -> None:
        stats = message.stats
        charts = {
            Section.RECOVERED: _recovered_charts(stats),
            Section.OUTCOMES: _outcome_charts(stats),
            Section.REFUND_DELAY: _delay_charts(stats),
        }
        mounted = []
        with self.app.batch_update():
            for section, lines in sections_text(stats).items():
                box = self.query_one(f"#{_section_id(section)}", Vertical)
                box.query_one(".chart-text, .section-text", Static).update(_plain(lines))
                if section in CHARTED:
                    box.query_one(".chart-row").set_class(not charts[section], "-no-charts")
                    holder = box.query_one(".charts", Vertical)
                    if holder.children:  # reloading
                        await holder.remove_children()
                    mounted.append(holder.mount_all(charts[section]))
            await gather(*mounted)  # one layout for all the charts
        self.stats = stats

    def action_close(self) -> None:
        self.dismiss()

    def action_reload(self) -> None:
        self.load(fresh=True)


def _section_id(section: Section) -> str:
    return f"section-{section.name.lower()}"


def _plain(lines: Sequence[str]) -> Content:
    """The lines as text on screen: data, never markup (store names come from users)."""
    return Content("\n".join(shown(line) for line in lines))


# -- charts --------------------------------------------------------------------------


def _recovered_charts(stats: Statistics) -> list[Widget]:
    labels = [MONTH_ABBREVIATIONS[month - 1] for _, month in stats.months]
    return [
        MonthBars(f"{currency} refunded per month", labels, [float(a) for a in amounts])
        for currency, amounts in stats.recovered_by_month.items()
    ]


CELLS_PER_MONTH_LABEL = 4  # a three-letter month and a space


class MonthBars(PlotextPlot):
    """One bar per month, every month named when there is room for it, else every
    other one (Plotext drops a label that would touch the one before)."""

    def __init__(self, title: str, month_labels: list[str], amounts: list[float]) -> None:
        super().__init__(classes="chart")
        self.chart_title, self.month_labels, self.amounts = title, month_labels, amounts

    def render(self) -> RenderResult:
        labels = self.month_labels
        y_axis = len(f"{max(self.amounts, default=0):.1f}") + 3  # amounts, tick, frame
        room = (self.size.width - y_axis) // max(len(labels), 1)
        step = 1 if room >= CELLS_PER_MONTH_LABEL else 2
        # Every ``step``-th month, counted back from this month (the last bar).
        ticks = [(index + 1, labels[index]) for index in range(len(labels) - 1, -1, -step)]
        plt = self.plt
        plt.clear_data()
        plt.bar(list(range(1, len(self.amounts) + 1)), self.amounts, width=0.6,
                color=BAR_COLOUR)  # fmt: skip
        plt.xticks([tick for tick, _ in ticks], [label for _, label in ticks])
        plt.xlim(0.5, len(labels) + 0.5)  # the first and last month's ticks always inside
        plt.title(self.chart_title)
        return super().render()


def _outcome_charts(stats: Statistics) -> list[Widget]:
    if not stats.disputes:
        return []
    chart = PlotextPlot(classes="chart -tall")
    plt = chart.plt
    outcomes = list(reversed(DisputeOutcome))  # the first outcome on top
    counts = [stats.outcomes[outcome] for outcome in outcomes]
    plt.bar([OUTCOME_AXIS[o] for o in outcomes], counts, orientation="h", width=0.5,
            color=BAR_COLOUR)  # fmt: skip
    plt.xticks(*_count_ticks(max(counts)))
    won = f"{stats.share_won:.0%} won" if stats.share_won is not None else "none decided yet"
    plt.title(f"Disputes by outcome ({won})")
    return [chart]


def _delay_charts(stats: Statistics) -> list[Widget]:
    if not stats.delays:
        return []
    chart = PlotextPlot(classes="chart")
    plt = chart.plt
    buckets = stats.delay_buckets
    positions = list(range(1, len(buckets) + 1))
    on_time = [(x, b.count) for x, b in zip(positions, buckets, strict=True)
               if b.within(stats.promise_days)]  # fmt: skip
    late = [(x, b.count) for x, b in zip(positions, buckets, strict=True)
            if not b.within(stats.promise_days)]  # fmt: skip
    for bars, colour in ((on_time, ON_TIME_COLOUR), (late, LATE_COLOUR)):
        if bars:
            plt.bar([x for x, _ in bars], [count for _, count in bars], width=0.6, color=colour)
    plt.xticks(positions, [bucket.label.removesuffix(" days") for bucket in buckets])
    plt.yticks(*_count_ticks(max(bucket.count for bucket in buckets)))
    if on_time:
        plt.vline(on_time[-1][0] + 0.5, PROMISE_COLOUR)  # the promise: the last on-time bucket
    plt.title(f"Days to refund; │ = the {stats.promise_days}-day promise")
    return [chart]


def _count_ticks(largest: int, most: int = 5) -> tuple[list[int], list[str]]:
    """Whole-number ticks from 0 to at least ``largest``, at most ``most`` + 1 of them."""
    step = max(1, math.ceil(largest / most))
    ticks = list(range(0, max(largest, 1) + step, step))
    return ticks, [str(tick) for tick in ticks]
