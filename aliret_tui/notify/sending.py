"""Sending through Apprise: one message to one target at a time, so that each target's
result is known (a target that failed is tried again at the next run, and only it).

Apprise is imported inside these functions, never at module level: only a run that
sends something pays for it. Apprise's own log is captured, not printed: a failure
is reported with the target's service and host, and the first line Apprise gave,
with anything that looks like a URL taken out.

Without any URL the target is the desktop: Apprise's desktop plugin for the
platform where it works (it needs D-Bus bindings, terminal-notifier...), else (or
when it fails) ``notify-send`` or ``osascript``, run with arguments, never through
a shell. The desktop plugins read plain text, as the fallback does.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from contextlib import contextmanager

from aliret_tui.notify.message import FORMATS, TEXT
from aliret_tui.notify.targets import DESKTOP_KEY, describe, target_key
from aliret_tui.sanitize import outgoing
from aliret_tui.terminal_cells import shorten

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

    from aliret_tui.notify.targets import TargetUrl

APP_ID = "aliret-tui"
DESKTOP_TIMEOUT_S = 5
REASON_CELLS = 160
_DESKTOP_PLUGINS = {
    "linux": ("dbus://", "glib://", "gnome://"),
    "darwin": ("macosx://",),
    "win32": ("windows://",),
}


class Target:
    """One place a reminder goes: its key in the database, how it is named to the
    user, and the Apprise service (None for the desktop fallback, or when the URL
    could not be used: ``problem`` then says why)."""

    __slots__ = ("body_format", "key", "label", "origin", "problem", "service")

    def __init__(
        self,
        *,
        key: str,
        label: str,
        origin: str,
        service: object | None = None,
        problem: str | None = None,
        body_format: str = TEXT,
    ):
        self.key = key
        self.label = label
        self.origin = origin
        self.service = service
        self.problem = problem
        self.body_format = body_format

    @property
    def name(self) -> str:
        """'JSON at 127.0.0.1 ([notify] urls #2)': what the user is shown."""
        return f"{self.label} ({self.origin})" if self.origin else self.label

    @property
    def is_desktop(self) -> bool:
        return self.key == DESKTOP_KEY


class Outcome:
    __slots__ = ("delivered", "reason", "target")

    def __init__(self, target: Target, delivered: bool, reason: str | None = None):
        self.target = target
        self.delivered = delivered
        self.reason = reason


def load_targets(urls: list[TargetUrl], config_file: str | None) -> list[Target]:
    """The targets of the configured URLs and of the Apprise config file, in order."""
    import apprise

    asset = _asset()
    targets = []
    with _apprise_log():
        for url in urls:
            service = apprise.Apprise.instantiate(url.url, asset=asset)
            if service is None:
                scheme = url.url.partition("://")[0]
                shown = scheme if scheme.isascii() and scheme.isalnum() else "?"
                targets.append(
                    Target(
                        key=target_key(url.url),
                        label=f"{shown}:// URL",
                        origin=url.origin,
                        problem="Apprise cannot use this URL (an unknown service, a missing "
                        "part, or a service this system lacks)",
                    )
                )
            else:
                targets.append(_target(service, target_key(url.url), url.origin))
        if config_file:
            targets += _config_targets(apprise, asset, config_file)
    return targets


def desktop_target() -> Target:
    """The desktop notification: Apprise's plugin where one works, else the fallback."""
    import apprise

    asset = _asset()
    with _apprise_log():
        for url in _DESKTOP_PLUGINS.get(sys.platform, ()):
            service = apprise.Apprise.instantiate(url, asset=asset)
            if service is not None:
                return _target(service, DESKTOP_KEY, "", label="desktop notification")
    program = "osascript" if sys.platform == "darwin" else "notify-send"
    # notify-send bodies may be read as markup: sent as text with <, > and & escaped.
    return Target(key=DESKTOP_KEY, label=f"desktop notification ({program})", origin="")


def deliver(target: Target, title: str, body: str) -> Outcome:
    """Send one message; never raises for a delivery problem."""
    if target.problem:
        return Outcome(target, False, target.problem)
    if target.service is None:
        return _deliver_by_program(target, title, body)
    import apprise

    sender = apprise.Apprise(asset=_asset())
    sender.add(target.service)
    with _apprise_log() as log:
        try:
            delivered = bool(sender.notify(title=title, body=body, body_format=target.body_format))
        except Exception as error:  # a plugin's bug must not stop the other targets
            log.insert(0, f"{type(error).__name__}: {error}")
            delivered = False
    if not delivered and target.is_desktop:  # no session bus here, say: try the program
        return _deliver_by_program(target, title, body)
    return Outcome(target, delivered, None if delivered else _reason(log))


def _target(service: object, key: str, origin: str, label: str | None = None) -> Target:
    name = getattr(service, "service_name", None) or type(service).__name__
    return Target(
        key=key,
        label=label or describe(str(name), getattr(service, "host", None)),
        origin=origin,
        service=service,
        body_format=_format_of(service),
    )


def _config_targets(apprise, asset, config_file: str) -> list[Target]:
    name = os.path.basename(config_file)
    config = apprise.AppriseConfig(asset=asset)
    holder = apprise.Apprise(asset=asset)
    services = []
    if config.add(config_file):
        holder.add(config)
        services = list(holder.find())
    if not services:
        problem = "no notification URL could be read from it"
        return [Target(key=target_key(f"config {config_file}"), label=name, origin="",
                       problem=problem)]  # fmt: skip
    return [
        _target(service, target_key(service.url(privacy=False)), f"{name} #{number}")
        for number, service in enumerate(services, start=1)
    ]


def _format_of(service: object) -> str:
    """The format this service reads: its own or the one its URL asks for (``format=``).
    The body is written in it, so Apprise converts nothing."""
    resolve = getattr(service, "resolve_format", None)  # Apprise 2
    value = resolve(None) if resolve else getattr(service, "notify_format", TEXT)
    if isinstance(value, list | tuple):
        value = value[0] if value else TEXT
    value = getattr(value, "value", value)
    return value if value in FORMATS else TEXT


def _asset():
    import apprise

    return apprise.AppriseAsset(app_id=APP_ID, app_desc="aliret-tui reminders")


@contextmanager
def _apprise_log() -> Iterator[list[str]]:
    """Apprise's warnings and errors while inside, kept here instead of printed."""
    messages: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            try:
                messages.append(record.getMessage())
            except Exception:  # a badly formed record must not break sending
                messages.append(record.msg if isinstance(record.msg, str) else "")

    logger = logging.getLogger("apprise")
    handler = Keep(level=logging.WARNING)
    propagate, level = logger.propagate, logger.level
    logger.addHandler(handler)
    logger.propagate = False
    if level == logging.NOTSET or level > logging.WARNING:
        logger.setLevel(logging.WARNING)
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
        logger.setLevel(level)


def _reason(messages: list[str]) -> str:
    """The first thing Apprise said, without URLs (they may hold secrets)."""
    import re

    for message in messages:
        text = re.sub(r"\S+://\S*", "…", outgoing(str(message), one_line=True)).strip()
        if text:
            return shorten(text, REASON_CELLS).rstrip(" .")
    return "the service did not accept it"


def _deliver_by_program(target: Target, title: str, body: str) -> Outcome:
    if sys.platform == "darwin":
        program = shutil.which("osascript")
        script = (
            "on run argv",
            "display notification (item 2 of argv) with title (item 1 of argv)",
            "end run",
        )
        command = [arg for line in script for arg in ("-e", line)]
        arguments = [program, *command, title, body] if program else None
    else:
        program = shutil.which("notify-send")
        escaped = body.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        arguments = [program, f"--app-name={APP_ID}", title, escaped] if program else None
    if arguments is None:
        return Outcome(target, False, "no desktop notifier (notify-send or osascript) found")
    try:
        done = subprocess.run(arguments, capture_output=True, timeout=DESKTOP_TIMEOUT_S)
    except (OSError, subprocess.SubprocessError) as error:
        return Outcome(target, False, f"{os.path.basename(arguments[0])}: {error}")
    if done.returncode != 0:
        return Outcome(target, False, f"{os.path.basename(arguments[0])} failed")
    return Outcome(target, True)
