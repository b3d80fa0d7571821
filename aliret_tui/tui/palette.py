"""The command palette's commands, found by their title or by the words of their help.

Textual's own provider matches titles only, so "filter" found nothing, although the
Show … orders commands say "f cycles the filters". A title that matches comes first;
then a command whose help has a word starting with each word typed.
"""

from __future__ import annotations

import re

from textual.command import Hit, Hits
from textual.system_commands import SystemCommandsProvider

HELP_MATCH_SCORE = 0.5  # below any title that matches well
_WORD = re.compile(r"\w+")


def help_matches(query: str, help_text: str) -> bool:
    """Every word typed begins a word of the help ("filt" in "cycles the filters")."""
    typed = _WORD.findall(query.casefold())
    words = _WORD.findall(help_text.casefold())
    return bool(typed) and all(any(word.startswith(t) for word in words) for t in typed)


class CommandsProvider(SystemCommandsProvider):
    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback, *_ in self.app.get_system_commands(self.screen):
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
            elif help_text and help_matches(query, help_text):
                yield Hit(HELP_MATCH_SCORE, name, callback, help=help_text)
