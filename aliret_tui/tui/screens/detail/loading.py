"""Reading one order for the order screen, off the event loop: the messages its
workers post, and ``OneAtATime``, which keeps each kind of read from piling up."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual.message import Message
from textual.worker import Worker, WorkerState

from aliret_tui.domain.corrections import RecordedCorrection
from aliret_tui.domain.evidence import Readiness, readiness
from aliret_tui.domain.hints import Hint, hints_for
from aliret_tui.domain.models import OrderRecord
from aliret_tui.domain.vocabulary import EventKind
from aliret_tui.domain.workflow import allowed_events
from aliret_tui.files import FileState

if TYPE_CHECKING:
    from aliret_tui.tui.app_services import AppServices


@dataclass
class DetailLoaded(Message):
    record: OrderRecord
    allowed: list[EventKind]
    readiness: Readiness
    hints: list[Hint]
    origins: dict[str, tuple[str, str]]  # where imported facts came from
    data_version: tuple[int, int]  # the store's, read before the order
    corrections: list[RecordedCorrection] = field(default_factory=list)  # to its timeline


def read_order(app: AppServices, order_id: str) -> DetailLoaded:
    """Everything the screen shows about one order (call from a thread worker)."""

    def read(store: Any) -> tuple[Any, ...]:
        version = store.data_version()  # first: a change after it is seen by the next poll
        record = store.record(order_id)
        last = record.events[-1].kind if record.events else None
        allowed = allowed_events(record.order, last)
        corrections = store.event_corrections(order_id)
        return version, record, allowed, store.fact_origins(order_id), corrections

    version, record, allowed, origins, corrections = app.db.call(read)
    ready = readiness(record.order.dispute, record.evidence, record.messages)
    hints = hints_for(record.order, ready, app.policy, app.time.today())
    return DetailLoaded(record, allowed, ready, hints, origins, version, corrections)


@dataclass
class StoreChanged(Message):
    """The poll saw the store's data change (here, in another screen or another process)."""

    data_version: tuple[int, int]


@dataclass
class FileChecked(Message):
    """One attached file's check ended (``state``), or began (None)."""

    attachment_id: int
    state: FileState | None


class OneAtATime:
    """Starts a thread worker when none of its kind is running; asked again while one
    runs, it starts one more when that one ends. Nothing is cancelled on the way, so
    nothing waiting on a worker sees WorkerCancelled, and reloads never pile up."""

    def __init__(self, start: Callable[[], Worker[None]]) -> None:
        self._start = start
        self._running: Worker[None] | None = None
        self._again = False

    @property
    def busy(self) -> bool:
        return self._running is not None and not self._running.is_finished

    def request(self) -> None:
        if self.busy:
            self._again = True
        else:
            self._again = False
            self._running = self._start()

    def ended(self, worker: Worker[Any]) -> None:
        """Call with every worker whose state changed; a cancelled one is not re-run."""
        done = worker.state in (WorkerState.SUCCESS, WorkerState.ERROR)
        if worker is self._running and done and self._again:
            self.request()
