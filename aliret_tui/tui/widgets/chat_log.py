"""The dispute's chat log, shown like a conversation: my messages on the right."""

from __future__ import annotations

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text

from aliret_tui.domain.models import ChatMessage
from aliret_tui.domain.vocabulary import Sender
from aliret_tui.tui.widgets.virtual_list import VariableList, background_only

BUBBLE_SHARE = 0.8  # a message takes at most this much of the width


def _text_width(width: int) -> int:
    return max(int(width * BUBBLE_SHARE), 10) - 2


def wrap_plain(text: str, width: int) -> list[str]:
    """Word-wrap ``text`` to ``width`` terminal cells: fast enough for thousands of
    messages, and the same answer whether counting lines or drawing them."""
    lines: list[str] = []
    for paragraph in text.expandtabs(4).split("\n"):
        if cell_len(paragraph) <= width:
            lines.append(paragraph)
            continue
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if cell_len(candidate) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            while cell_len(word) > width:  # a word longer than the line is folded
                cut = _cut(word, width, ellipsis=False)
                lines.append(cut)
                word = word[len(cut) :]
            line = word
        lines.append(line)
    return lines


def _cut(text: str, width: int, ellipsis: bool = True) -> str:
    """The longest start of ``text`` that fits in ``width`` cells."""
    if cell_len(text) <= width:
        return text
    room = width - 1 if ellipsis else width
    taken = 0
    for position, character in enumerate(text):
        taken += cell_len(character)
        if taken > room:
            return text[:position] + ("…" if ellipsis else "")
    return text


class ChatLog(VariableList):
    COMPONENT_CLASSES = {
        "chat--me",
        "chat--seller",
        "chat--aliexpress",
        "chat--meta",
        "chat--cursor",
        "chat--empty",
    }
    DEFAULT_CSS = """
    ChatLog {
        background: $surface;
        & > .chat--me { color: $text-primary; }
        & > .chat--seller { color: $foreground; }
        & > .chat--aliexpress { color: $text-warning; }
        & > .chat--meta { color: $text-muted; }
        & > .chat--cursor { background: $block-cursor-blurred-background; }
        &:focus > .chat--cursor { background: $block-cursor-background 50%; }
        & > .chat--empty { color: $text-muted; }
    }
    """

    selectable = False
    empty_lines = (
        "No messages yet.",
        "",
        "m  add a message (paste multi-line text freely)",
        "i  import a transcript file: [YYYY-MM-DD HH:MM] Sender: text",
    )
    empty_style = "chat--empty"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.messages: list[ChatMessage] = []
        self.seller_name = "Seller"

    @property
    def item_count(self) -> int:
        return len(self.messages)

    @property
    def highlighted_message(self) -> ChatMessage | None:
        if self.messages and self.cursor < len(self.messages):
            return self.messages[self.cursor]
        return None

    def show_messages(self, messages: list[ChatMessage], keep_cursor: bool = True) -> None:
        at_end = not self.messages or self.cursor >= len(self.messages) - 1
        self.messages = messages
        if not keep_cursor or at_end:
            self.cursor = max(len(messages) - 1, 0)
        self.refresh_items()
        self.refresh_bindings()

    def count_item_lines(self, index: int, width: int) -> int:
        """Header, wrapped text and a blank line, without building any Text."""
        return 2 + len(wrap_plain(self.messages[index].text, _text_width(width)))

    def build_item(self, index: int, width: int) -> list[Text]:
        message = self.messages[index]
        mine = message.sender is Sender.ME
        style = self.get_component_rich_style(f"chat--{message.sender.value}")
        name = message.sender.label if message.sender is not Sender.SELLER else self.seller_name
        edited = " · edited" if message.edited_at else ""
        text_width = _text_width(width)
        header = _cut(f"{name} · {message.sent_at:%Y-%m-%d %H:%M}{edited}", text_width)
        body = wrap_plain(message.text, text_width)
        block = max(cell_len(line) for line in [header, *body])
        meta = self.get_component_rich_style("chat--meta")
        lines = [self._frame(Text(header, style=meta), block, width, mine, style)]
        lines += [self._frame(Text(line, style=style), block, width, mine, style) for line in body]
        return [*lines, Text("")]

    @staticmethod
    def _frame(line: Text, block: int, width: int, mine: bool, style: Style) -> Text:
        """The seller's messages sit on the left, mine on the right, each behind a bar."""
        if not mine:
            return Text("▐ ", style=style) + line
        line.pad_right(block - line.cell_len)
        indent = max(width - block - 2, 0)
        return Text(" " * indent) + line + Text(" ▌", style=style)

    def cursor_style(self) -> Style | None:
        return background_only(self.get_component_rich_style("chat--cursor"))
