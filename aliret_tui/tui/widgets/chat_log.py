"""The dispute's chat log, shown like a conversation: my messages on the right."""

from __future__ import annotations

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.geometry import Size

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


def count_wrapped_lines(text: str, width: int) -> int:
    """``len(wrap_plain(text, width))``, without building the lines: printable ASCII
    (one cell a character) is counted by lengths alone, anything else wrapped."""
    count = 0
    for paragraph in text.expandtabs(4).split("\n"):
        if len(paragraph) <= width and paragraph.isascii() and paragraph.isprintable():
            count += 1
        elif paragraph.isascii() and paragraph.isprintable():
            count += _count_ascii_lines(paragraph, width)
        else:
            count += len(wrap_plain(paragraph, width))
    return count


def _count_ascii_lines(paragraph: str, width: int) -> int:
    """The lines ``wrap_plain`` makes of one paragraph of printable ASCII, step by step
    the same: a word joins the line if it fits, a word too long is folded."""
    count = 0
    length = 0  # of the line being filled; 0 is the empty line
    for word in paragraph.split(" "):
        size = len(word)
        candidate = length + 1 + size if length else size
        if candidate <= width:
            length = candidate
            continue
        if length:
            count += 1
        while size > width:
            count += 1
            size -= width
        length = size
    return count + 1


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
        # (text width, message count, first line of each message) laid out ahead
        self._prepared: tuple[int, int, list[int]] = (-1, 0, [0])

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
        self._prepared = (-1, 0, [0])
        if not keep_cursor or at_end:
            self.cursor = max(len(messages) - 1, 0)
        self.refresh_items()
        self.refresh_bindings()

    def count_item_lines(self, index: int, width: int) -> int:
        """Header, wrapped text and a blank line, without building any Text."""
        return 2 + count_wrapped_lines(self.messages[index].text, _text_width(width))

    def prepare_layout(self, width: int) -> None:
        """Lay the messages out now for ``width`` cells of text, ahead of the tab being
        shown (then it shows at once, if the width is the one it gets)."""
        if width <= 0 or (width, len(self.messages)) == self._prepared[:2]:
            return
        tops = [0]
        for index in range(len(self.messages)):
            tops.append(tops[-1] + max(self.count_item_lines(index, width), 1))
        self._prepared = (width, len(self.messages), tops)

    def _layout(self) -> None:
        if not all(node.display for node in self.ancestors_with_self):
            # On a hidden tab, sized as when last shown: laid out when shown.
            if len(self._tops) != self.item_count + 1:
                self._tops = list(range(self.item_count + 1))
                self._layout_width = -1  # so laid out for real once shown
            return
        width = self.line_width
        prepared_width, count, tops = self._prepared
        if width != self._layout_width and (width, self.item_count) == (prepared_width, count):
            self._built = {}
            self._layout_width = width
            self._tops = tops
            self.virtual_size = Size(0, self.header_height + tops[-1])
        super()._layout()

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
