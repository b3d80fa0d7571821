"""Where reminders go, and how a target is named without giving its secrets away.

Targets are Apprise URLs: ``$ALIRET_TUI_NOTIFY_URLS`` (space- or comma-separated)
when it is set, else ``[notify] urls``; plus the URLs of an Apprise config file
(``[notify] config``, else ``apprise.yml``, ``apprise.yaml`` or ``apprise.txt`` in
the config folder). With none of these, the desktop notification is the target.

A URL holds the service's password or token, so it is never shown, logged or
stored: the database keeps a hash of it, and the user sees the service's name, the
host when it is a real host name (a Telegram bot id or an ntfy topic is not), and
where the URL came from. Standard library only.
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
from typing import NamedTuple

from aliret_tui.config import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from aliret_tui.config import Settings

ENV_URLS = "ALIRET_TUI_NOTIFY_URLS"
CONFIG_NAMES = ("apprise.yml", "apprise.yaml", "apprise.txt")
_HOST_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


class TargetUrl(NamedTuple):
    url: str  # secret: never shown
    origin: str  # where it was configured, e.g. "[notify] urls #2"


def target_key(identity: str) -> str:
    """The name ``reminders_sent`` knows a target by: a hash, never the URL."""
    return hashlib.sha256(f"aliret-tui target\n{identity}".encode()).hexdigest()


DESKTOP_KEY = target_key("desktop")


def split_urls(text: str) -> list[str]:
    """URLs separated by spaces, or by commas that start a new ``scheme://`` (a comma
    inside a URL, as in ``mailto://...?to=a@x.org,b@y.org``, stays in it)."""
    import re

    parts = re.split(r"\s+|,\s*(?=[A-Za-z][A-Za-z0-9+.-]*://)", text.strip())
    return [part.strip(",") for part in parts if part.strip(",")]


def configured_urls(settings: Settings, environ: Mapping[str, str] = os.environ) -> list[TargetUrl]:
    from_environment = environ.get(ENV_URLS, "").strip()
    if from_environment:
        urls, origin = split_urls(from_environment), f"${ENV_URLS}"
    else:
        urls, origin = list(settings.notify_urls), "[notify] urls"
    return [TargetUrl(url, f"{origin} #{number}") for number, url in enumerate(urls, start=1)]


def apprise_config_file(settings: Settings, config_folder: str) -> str | None:
    """The Apprise config file to read: the one named in ``[notify] config`` (which
    must exist), else the first of ``CONFIG_NAMES`` found in the config folder."""
    if settings.notify_config:
        if not os.path.isfile(settings.notify_config):
            raise ConfigError(
                settings.path or "config.toml",
                "notify.config",
                f"{settings.notify_config}: no such file",
            )
        return settings.notify_config
    for name in CONFIG_NAMES:
        candidate = os.path.join(config_folder, name)
        if os.path.isfile(candidate):
            return candidate
    return None


def public_host(host: object) -> str | None:
    """``host`` when it is an IP address, localhost or a dotted host name; None for
    what some services keep in the host part instead (topics, bot ids, tokens)."""
    if not isinstance(host, str) or not host:
        return None
    host = host.lower().strip("[]")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return host
    if host == "localhost":
        return host
    labels = host.split(".")
    if len(labels) < 2 or not all(label and set(label) <= _HOST_CHARACTERS for label in labels):
        return None
    top = labels[-1]
    return host if len(top) >= 2 and top.isalpha() else None


def describe(service_name: str, host: object) -> str:
    """'JSON at 127.0.0.1', 'ntfy': the service and its host only."""
    shown = public_host(host)
    return f"{service_name} at {shown}" if shown else service_name
