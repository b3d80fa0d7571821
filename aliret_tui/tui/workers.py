"""Failures in thread workers reach the user, whichever screen started them."""

from __future__ import annotations

from textual.worker import Worker


class ReportsWorkerErrors:
    """Mix into a screen. Textual posts a worker's state changes to the screen
    that started it, without bubbling, so pass them on to the app's handler."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.app.report_worker_failure(event)  # type: ignore[attr-defined]
