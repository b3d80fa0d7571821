"""The dispute's chat log, shown like a conversation: my messages on the right."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from aliret_tui.domain.models import ChatMessage
from aliret_tui.domain.vocabulary import Sender
from aliret_tui.tui.widgets.virtual_list import VariableList, background_only

BUBBLE_SHARE = 0.8  # a message takes at most this much of the width


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

    def build_item(self, index: int, width: int) -> list[Text]:
        message = self.messages[index]
        mine = message.sender is Sender.ME
        style = self.get_component_rich_style(f"chat--{message.sender.value}")
        meta_style = self.get_component_rich_style("chat--meta")
        bubble = max(int(width * BUBBLE_SHARE), 10)
        name = message.sender.label if message.sender is not Sender.SELLER else self.seller_name
        edited = " · edited" if message.edited_at else ""
        header = Text(f"{name} · {message.sent_at:%Y-%m-%d %H:%M}{edited}", style=meta_style)
        body = Text(message.text, style=style)
        lines = [header, *body.wrap(self.app.console, bubble - 2, overflow="fold")]
        for line in lines:
            line.truncate(bubble - 2, overflow="ellipsis")
        block = max(line.cell_len for line in lines)
        framed = [self._frame(line, block, mine, style) for line in lines]
        return [*framed, Text("")]

    def _frame(self, line: Text, block: int, mine: bool, style: Style) -> Text:
        """The seller's messages sit on the left, mine on the right, each behind a bar."""
        if not mine:
            return Text("▐ ", style=style) + line
        line.pad_right(block - line.cell_len)
        indent = max(self.line_width - block - 2, 0)
        return Text(" " * indent) + line + Text(" ▌", style=style)

    def cursor_style(self) -> Style | None:
        return background_only(self.get_component_rich_style("chat--cursor"))
