"""The action ids a user may remap under ``[keys]``, for ``config`` to list without
loading ``runtime.keymap`` (which needs ``typing``) or the dashboard (Textual)."""

# Every action id a user may remap, known without importing the dashboard (which
# loads Textual): `config` lists them. A test keeps this equal to the dashboard's.
REMAPPABLE_IDS = (
    "add", "add_evidence", "add_message", "archive", "attach_file", "back", "claim_pack",
    "clear_search", "copy_timeline", "correct_event", "delete_message", "detach_files", "down",
    "edit", "edit_message", "edit_note", "filter", "first", "help", "import_file",
    "import_transcript", "last", "open", "open_file", "page_down", "page_up", "paste", "quit",
    "record_event", "reload_statistics", "remove_evidence", "reverse_sort", "search", "show_all",
    "sort", "statistics", "tab_chat", "tab_evidence", "tab_overview", "tab_timeline",
    "take_back_event", "toggle_evidence", "up",
)  # fmt: skip
