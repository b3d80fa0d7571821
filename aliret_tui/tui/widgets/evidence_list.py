"""The evidence checklist: tick items, see attached files and whether they changed."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from aliret_tui.domain.models import EvidenceItem
from aliret_tui.domain.vocabulary import EvidenceKind
from aliret_tui.files import FileState
from aliret_tui.tui.widgets.text_view import folded
from aliret_tui.tui.widgets.virtual_list import VariableList, background_only

KIND_LABELS = {
    EvidenceKind.PHOTO: "photo",
    EvidenceKind.VIDEO: "video",
    EvidenceKind.KEPT: "keep",
    EvidenceKind.MESSAGES: "chat",
    EvidenceKind.DOCUMENT: "document",
    EvidenceKind.OTHER: "other",
}
FILE_MARKS = {
    FileState.INTACT: ("✓", "unchanged since attached"),
    FileState.MISSING: ("✗", "MISSING"),
    FileState.CHANGED: ("!", "CHANGED since attached"),
    FileState.UNREADABLE: ("?", "UNREADABLE: there, but cannot be read"),
    FileState.SPECIAL: ("?", "NOT CHECKABLE: not a regular file"),
    FileState.TOO_SLOW: ("?", "NOT CHECKABLE: too slow to read"),
}


class EvidenceList(VariableList):
    COMPONENT_CLASSES = {
        "evidence--done",
        "evidence--todo",
        "evidence--meta",
        "evidence--ok",
        "evidence--bad",
        "evidence--cursor",
        "evidence--empty",
    }
    DEFAULT_CSS = """
    EvidenceList {
        background: $surface;
        & > .evidence--done { color: $text-success; }
        & > .evidence--todo { color: $foreground; }
        & > .evidence--meta { color: $text-muted; }
        & > .evidence--ok { color: $text-success; }
        & > .evidence--bad { color: $text-error; text-style: bold; }
        & > .evidence--cursor { background: $block-cursor-blurred-background; }
        &:focus > .evidence--cursor { background: $block-cursor-background 50%; }
        & > .evidence--empty { color: $text-muted; }
    }
    """

    selectable = False
    empty_lines = (
        "No evidence items yet.",
        "",
        "Opening a dispute adds the checklist for its reason.",
        "a  add your own item",
    )
    empty_style = "evidence--empty"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.items: list[EvidenceItem] = []
        self.file_states: dict[int, FileState] = {}  # attachment id -> state

    @property
    def item_count(self) -> int:
        return len(self.items)

    @property
    def highlighted_item(self) -> EvidenceItem | None:
        return self.items[self.cursor] if self.items and self.cursor < len(self.items) else None

    def show_items(self, items: list[EvidenceItem], file_states: dict[int, FileState]) -> None:
        self.items = items
        self.file_states = file_states
        self.refresh_items()
        self.refresh_bindings()

    def show_file_state(self, attachment_id: int, state: FileState | None) -> None:
        """One file's check is done (None: it is being checked again)."""
        if state is None:
            self.file_states.pop(attachment_id, None)
        else:
            self.file_states[attachment_id] = state
        for index, item in enumerate(self.items):
            if any(attachment.id == attachment_id for attachment in item.attachments):
                self._built.pop(index, None)  # the item's lines, built again when painted
        self.refresh()

    def _layout(self) -> None:
        if not self.size.width:  # hidden: a line an item for now, laid out once shown
            self._layout_width = -1
        super()._layout()

    def build_item(self, index: int, width: int) -> list[Text]:
        item = self.items[index]
        style = self.get_component_rich_style("evidence--done" if item.done else "evidence--todo")
        meta = self.get_component_rich_style("evidence--meta")
        box = "[x]" if item.done else "[ ]"
        lines = [
            Text.assemble(
                (f" {box} ", style),
                (item.label, style),
                (f"  · {KIND_LABELS[item.kind]}{' · own item' if item.custom else ''}", meta),
            )
        ]
        for note_line in folded(item.note):  # a long one folded: quick to lay out
            lines.append(Text.assemble(("       note: ", meta), (note_line.expandtabs(4), meta)))
        for attachment in item.attachments:
            state = self.file_states.get(attachment.id or -1)
            lines.append(self._file_line(attachment.path, attachment.size, state, meta))
        return lines

    def _file_line(self, path: str, size: int, state: FileState | None, meta: Style) -> Text:
        if state is None:
            mark, words, style = "…", "checking…", meta
        else:
            mark, words = FILE_MARKS.get(state, ("?", state.value.upper()))
            good = state is FileState.INTACT
            style = self.get_component_rich_style("evidence--ok" if good else "evidence--bad")
        return Text.assemble(
            ("       ", meta), (f"{mark} ", style), (path, meta), (f"  {size:,} bytes · ", meta),
            (words, style),
        )  # fmt: skip

    def cursor_style(self) -> Style | None:
        return background_only(self.get_component_rich_style("evidence--cursor"))
