"""The ``theme`` of config.toml: refused before the screen is taken over when the
dashboard does not know it."""

from __future__ import annotations

from aliret_tui.config import ConfigError, Settings

# Textual's built-in themes, known without importing Textual (a test keeps this a
# subset of them); a theme added by a newer Textual is looked up there.
KNOWN_THEMES = frozenset(
    {
        "ansi-dark", "ansi-light", "atom-one-dark", "atom-one-light", "catppuccin-frappe",
        "catppuccin-latte", "catppuccin-macchiato", "catppuccin-mocha", "dracula", "flexoki",
        "gruvbox", "monokai", "nord", "rose-pine", "rose-pine-dawn", "rose-pine-moon",
        "solarized-dark", "solarized-light", "textual-dark", "textual-light", "tokyo-night",
    }
)  # fmt: skip


def check_theme(settings: Settings) -> None:
    """Refuse a theme the dashboard cannot show, naming the ones it can."""
    if settings.theme in KNOWN_THEMES:
        return
    from textual.theme import BUILTIN_THEMES

    if settings.theme not in BUILTIN_THEMES:
        known = ", ".join(sorted(BUILTIN_THEMES))
        raise ConfigError(settings.path or "config.toml", "theme", f"unknown theme; known: {known}")
