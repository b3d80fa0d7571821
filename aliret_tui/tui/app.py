"""Placeholder until the dashboard lands."""

from __future__ import annotations


def run_app(context) -> int:
    from textual.app import App
    from textual.widgets import Static

    class Placeholder(App):
        def compose(self):
            yield Static("aliret-tui: the dashboard is coming. Press q to quit.")

        BINDINGS = [("q", "quit", "Quit")]  # noqa: RUF012

    Placeholder().run()
    return 0
