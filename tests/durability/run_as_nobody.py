"""``python run_as_nobody.py ARGS...``: ``aliret-tui ARGS...`` run as the user nobody.

Root ignores file modes, so a test of an unreadable or read-only database must
run the command as somebody else. This starts as root (the interpreter may sit
in a folder only root can enter), imports every module the command line can
load, then drops all privileges for good and runs ``main()``. Run by a normal
user, it simply runs ``main()``: file modes apply to that user already.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import pwd
import sys

import aliret_tui

# Load the whole command line now: once we are nobody, the interpreter's own
# folders may be out of reach. The TUI is not needed by the commands tested.
for module in pkgutil.walk_packages(aliret_tui.__path__, "aliret_tui."):
    if not module.name.startswith(("aliret_tui.tui", "aliret_tui.__main__")):
        importlib.import_module(module.name)
for name in (
    "encodings.idna",
    "encodings.utf_8_sig",
    "json",
    "csv",
    "tomllib",
    "unicodedata",
    "importlib.metadata",  # sqlite-utils looks for its plugins when a store opens
):
    importlib.import_module(name)

from aliret_tui.main import main  # noqa: E402

if os.geteuid() == 0:
    try:
        entry = pwd.getpwnam("nobody")
        uid, gid = entry.pw_uid, entry.pw_gid
    except KeyError:
        uid = gid = 65534
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
    assert os.geteuid() == uid and os.getegid() == gid
    os.environ["HOME"] = os.environ.get("ALIRET_TUI_DATA_DIR", "/nonexistent")

sys.exit(main(sys.argv[1:]))
