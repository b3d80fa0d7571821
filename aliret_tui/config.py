"""Settings from ``config.toml``, validated with the standard library only
(``aliret-tui check`` reads them and must start in a blink).

Every key is optional. A wrong key or value stops the program with a message
that names it, so a typo never silently falls back to a default.

    theme = "nord"                 # any Textual theme (also set from the palette)
    [keys]                         # remap keys: action id = "key[,key...]"
    add = "n"
    [urgency]                      # colours: overdue, <= critical, <= soon, later
    critical_days = 2
    soon_days = 7
    [check]
    days = 7                       # what `aliret-tui check` looks ahead by default
    [calendar]
    alarm_days_before = [2, 0]     # alarms in `aliret-tui ics`, days before the deadline
    alarm_time = "09:00"           # ...at this local time
    [import]
    currency = "EUR"               # for imported amounts that carry no currency (XLSX)
    [notify]                       # reminders sent by `check --notify` (through Apprise)
    urls = ["ntfy://my-topic"]     # Apprise URLs; else $ALIRET_TUI_NOTIFY_URLS; else desktop
    days = [7, 3, 1, 0]            # remind this many days before a deadline (and once overdue)
    config = "apprise.yml"         # an Apprise config file (default: apprise.yml beside this)
    [policy]                       # any rule of the policy table; see policy.py
    seller_response_days = 5
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from aliret_tui.domain.policy import DEFAULT_POLICY, RULES, FreeReturnCap, Policy
from aliret_tui.errors import UserError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

DEFAULT = "default"
MAX_POLICY_DAYS = 3650
DEFAULT_THEME = "textual-dark"
DEFAULT_CRITICAL_DAYS = 2
DEFAULT_SOON_DAYS = 7
DEFAULT_CHECK_DAYS = 7
DEFAULT_ALARM_DAYS_BEFORE = (2, 0)
DEFAULT_ALARM_TIME = "09:00"
DEFAULT_NOTIFY_DAYS = (7, 3, 1, 0)
MAX_NOTIFY_DAYS = 365
# Patterns are compiled where used: most runs read no config file at all.
# A key name ("n", "ctrl+a", "question_mark"), or one character ("?", "/"); several by commas.
_KEY_PART = r"(?:[A-Za-z0-9_+\-]+|[^\s,])"
_KEY_NAME = rf"^{_KEY_PART}(,{_KEY_PART})*$"
_CLOCK_TIME = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
_THEME_LINE = r"^\s*theme\s*="
_URL_SCHEME = r"^[A-Za-z][A-Za-z0-9+.-]*://"
# A window of 0 days is closed the day it opens (an order's own window_days starts at 1 too).
_AT_LEAST_ONE_DAY = ("inspection_window_days", "local_return_window_days")
# (earlier, later, why): rules where the first must not be more than the second.
_ORDERED_RULES = (
    (
        "escalation_opens_day",
        "escalation_deadline_days",
        "escalation cannot open after its deadline",
    ),
    ("refund_earliest_days", "refund_days", "the earliest refund cannot come after the latest"),
    (
        "card_refund_business_days_min",
        "card_refund_business_days_max",
        "a minimum cannot be more than its maximum",
    ),
)


class ConfigError(UserError, ValueError):
    def __init__(self, path: Path | str, key: str, message: str):
        super().__init__(f"{path}: {key}: {message}")
        self.key = key


class Settings:
    """The effective settings, and where each came from (``origins``)."""

    def __init__(
        self,
        *,
        policy: Policy = DEFAULT_POLICY,
        theme: str = DEFAULT_THEME,
        keys: dict[str, str] | None = None,
        critical_days: int = DEFAULT_CRITICAL_DAYS,
        soon_days: int = DEFAULT_SOON_DAYS,
        check_days: int = DEFAULT_CHECK_DAYS,
        alarm_days_before: tuple[int, ...] = DEFAULT_ALARM_DAYS_BEFORE,
        alarm_time: str = DEFAULT_ALARM_TIME,
        import_currency: str | None = None,
        notify_urls: tuple[str, ...] = (),
        notify_days: tuple[int, ...] = DEFAULT_NOTIFY_DAYS,
        notify_config: str | None = None,
        path: str | Path | None = None,
        origins: dict[str, str] | None = None,
    ):
        self.policy = policy
        self.theme = theme
        self.keys = keys or {}
        self.critical_days = critical_days
        self.soon_days = soon_days
        self.check_days = check_days
        self.alarm_days_before = alarm_days_before
        self.alarm_time = alarm_time
        self.import_currency = import_currency
        self.notify_urls = notify_urls
        self.notify_days = notify_days
        self.notify_config = notify_config
        self.path = path
        self.origins = origins or {}

    def origin(self, key: str) -> str:
        return self.origins.get(key, DEFAULT)

    def items(self) -> list[tuple[str, object]]:
        """Every setting as (dotted key, value), for ``aliret-tui config``."""
        listed: list[tuple[str, object]] = [
            ("theme", self.theme),
            ("check.days", self.check_days),
            ("urgency.critical_days", self.critical_days),
            ("urgency.soon_days", self.soon_days),
            ("calendar.alarm_days_before", list(self.alarm_days_before)),
            ("calendar.alarm_time", self.alarm_time),
            ("import.currency", self.import_currency or ""),
            # A URL holds its service's password or token: only its scheme is shown.
            ("notify.urls", [f"{url.partition('://')[0]}://…" for url in self.notify_urls]),
            ("notify.days", list(self.notify_days)),
            ("notify.config", self.notify_config or ""),
        ]
        listed += [(f"keys.{action}", key) for action, key in sorted(self.keys.items())]
        listed += [(f"policy.{rule.name}", getattr(self.policy, rule.name)) for rule in RULES]
        return listed


def load_settings(path: str | Path) -> Settings:
    """Read ``path`` if it exists; defaults otherwise."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except FileNotFoundError:
        return Settings(path=path)
    except OSError as error:
        raise ConfigError(path, "file", f"cannot be read ({error.strerror})") from None
    import tomllib  # only when there is a file: keeps `check` quick

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(path, "file", f"is not valid TOML ({error})") from None
    return parse_settings(data, path)


def parse_settings(data: dict, path: Path | str) -> Settings:
    reader = _Reader(data, path)
    settings = Settings(
        theme=reader.text("theme", DEFAULT_THEME),
        keys=reader.keys(),
        critical_days=reader.days("urgency", "critical_days", DEFAULT_CRITICAL_DAYS),
        soon_days=reader.days("urgency", "soon_days", DEFAULT_SOON_DAYS),
        check_days=reader.days("check", "days", DEFAULT_CHECK_DAYS),
        alarm_days_before=reader.alarm_days(),
        alarm_time=reader.clock_time("calendar", "alarm_time", DEFAULT_ALARM_TIME),
        import_currency=reader.currency("import", "currency"),
        notify_urls=reader.notify_urls(),
        notify_days=reader.notify_days(),
        notify_config=reader.notify_config(),
        policy=reader.policy(),
        path=path,
        origins=reader.origins,
    )
    if settings.critical_days > settings.soon_days:
        raise ConfigError(path, "urgency.critical_days", "must not be more than urgency.soon_days")
    reader.refuse_unknown()
    return settings


class _Reader:
    """Takes values out of the parsed TOML, checking each, noting where it came from."""

    SECTIONS = ("keys", "urgency", "check", "calendar", "import", "notify", "policy")
    KNOWN = {
        "urgency": {"critical_days", "soon_days"},
        "check": {"days"},
        "calendar": {"alarm_days_before", "alarm_time"},
        "import": {"currency"},
        "notify": {"urls", "days", "config"},
    }

    def __init__(self, data: dict, path: Path | str):
        self.data = data
        self.path = path
        self.origins: dict[str, str] = {}

    def _section(self, name: str) -> dict:
        section = self.data.get(name, {})
        if not isinstance(section, dict):
            raise ConfigError(self.path, name, f"must be a table ([{name}])")
        return section

    def _take(self, section: str | None, name: str) -> object:
        table = self.data if section is None else self._section(section)
        key = name if section is None else f"{section}.{name}"
        if name in table:
            self.origins[key] = str(self.path)
        return table.get(name)

    def refuse_unknown(self) -> None:
        for key in self.data:
            if key != "theme" and key not in self.SECTIONS:
                known = ", ".join(("theme", *self.SECTIONS))
                raise ConfigError(self.path, key, f"unknown setting; known: {known}")
        for section, names in self.KNOWN.items():
            for name in self._section(section):
                if name not in names:
                    known = ", ".join(sorted(names))
                    raise ConfigError(self.path, f"{section}.{name}", f"unknown; known: {known}")

    def text(self, name: str, default: str) -> str:
        value = self._take(None, name)
        if value is None:
            return default
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(self.path, name, f"must be a name in quotes (got {value!r})")
        return value.strip()

    def days(self, section: str, name: str, default: int) -> int:
        value = self._take(section, name)
        if value is None:
            return default
        return _whole(value, self.path, f"{section}.{name}", 0, MAX_POLICY_DAYS)

    def clock_time(self, section: str, name: str, default: str) -> str:
        value = self._take(section, name)
        if value is None:
            return default
        import re

        if not isinstance(value, str) or not re.match(_CLOCK_TIME, value):
            raise ConfigError(self.path, f"{section}.{name}", f"must be HH:MM (got {value!r})")
        return value

    def currency(self, section: str, name: str) -> str | None:
        value = self._take(section, name)
        if value is None:
            return None
        from aliret_tui.domain.iso import CURRENCIES

        if not isinstance(value, str) or value.upper() not in CURRENCIES:
            raise ConfigError(
                self.path,
                f"{section}.{name}",
                f"must be an ISO 4217 code such as EUR (got {value!r})",
            )
        return value.upper()

    def alarm_days(self) -> tuple[int, ...]:
        return self._day_list(
            "calendar", "alarm_days_before", DEFAULT_ALARM_DAYS_BEFORE, 60, "[2, 0]"
        )

    def notify_urls(self) -> tuple[str, ...]:
        """Apprise URLs. A URL holds a password or token, so a refusal never quotes one."""
        value = self._take("notify", "urls")
        if value is None:
            return ()
        key = "notify.urls"
        example = 'e.g. ["ntfy://my-topic"]'
        if not isinstance(value, list):
            kind = type(value).__name__
            raise ConfigError(self.path, key, f"must be a list of URLs, {example} (got a {kind})")
        urls = []
        for number, url in enumerate(value, start=1):
            where = f"{key}[{number}]"
            if not isinstance(url, str):
                raise ConfigError(self.path, where, f"must be a URL in quotes, {example}")
            url = url.strip()
            import re

            if not re.match(_URL_SCHEME, url):
                raise ConfigError(self.path, where, "must be an Apprise URL, service://...")
            if not url.isprintable() or any(char.isspace() for char in url):
                raise ConfigError(self.path, where, "must not hold spaces or control characters")
            urls.append(url)
        return tuple(urls)

    def notify_days(self) -> tuple[int, ...]:
        return self._day_list(
            "notify", "days", DEFAULT_NOTIFY_DAYS, MAX_NOTIFY_DAYS, "[7, 3, 1, 0]"
        )

    def _day_list(
        self, section: str, name: str, default: tuple[int, ...], most: int, example: str
    ) -> tuple[int, ...]:
        """A list of whole days from 0 to ``most``, each once, the largest first."""
        value = self._take(section, name)
        if value is None:
            return default
        key = f"{section}.{name}"
        if not isinstance(value, list):
            raise ConfigError(
                self.path, key, f"must be a list of days, e.g. {example} (got {value!r})"
            )
        days = {_whole(day, self.path, key, 0, most) for day in value}
        return tuple(sorted(days, reverse=True))

    def notify_config(self) -> str | None:
        """An Apprise config file; a relative path is taken from beside config.toml."""
        value = self._take("notify", "config")
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip() or not value.isprintable():
            raise ConfigError(
                self.path, "notify.config", f"must be a file path in quotes (got {value!r})"
            )
        import os

        path = os.path.expanduser(value.strip())
        return os.path.join(os.path.dirname(os.path.abspath(self.path)), path)

    def keys(self) -> dict[str, str]:
        import re

        keys = {}
        for action, key in self._section("keys").items():
            where = f"keys.{action}"
            if (
                not isinstance(key, str)
                or not key.isprintable()
                or not re.match(_KEY_NAME, key.replace(" ", ""))
            ):
                raise ConfigError(self.path, where, f'must be a key name such as "n" (got {key!r})')
            keys[action] = key.replace(" ", "")
            self.origins[where] = str(self.path)
        return keys

    def policy(self) -> Policy:
        known = {rule.name: rule for rule in RULES}
        changes: dict[str, object] = {}
        for name, value in self._section("policy").items():
            key = f"policy.{name}"
            if name not in known:
                raise ConfigError(self.path, key, f"unknown policy rule; known: {', '.join(known)}")
            default = known[name].default
            if name == "refund_without_return_thresholds":
                changes[name] = {**default, **_thresholds(value, self.path, key)}
            elif name == "free_return_caps":
                changes[name] = {**default, **_caps(value, self.path, key)}
            elif isinstance(default, Decimal):
                changes[name] = _positive_number(value, self.path, key)
            elif name.endswith("_percent"):
                changes[name] = _whole(value, self.path, key, 0, 100, "a whole percentage")
            else:
                lowest = 1 if name in _AT_LEAST_ONE_DAY else 0
                changes[name] = _whole(value, self.path, key, lowest, MAX_POLICY_DAYS)
            self.origins[key] = str(self.path)
        policy = DEFAULT_POLICY.with_overrides(**changes)
        self._refuse_contradictions(policy, changes)
        return policy

    def _refuse_contradictions(self, policy: Policy, changes: dict[str, object]) -> None:
        """Refuse rules that contradict each other, naming the one the file sets
        (the earlier one when it sets both)."""
        for earlier, later, why in _ORDERED_RULES:
            low, high = getattr(policy, earlier), getattr(policy, later)
            if low <= high:
                continue
            if earlier in changes:
                message = f"must not be more than policy.{later} ({high}) (got {low}): {why}"
                raise ConfigError(self.path, f"policy.{earlier}", message)
            message = f"must not be less than policy.{earlier} ({low}) (got {high}): {why}"
            raise ConfigError(self.path, f"policy.{later}", message)


def _whole(
    value: object, path: Path | str, key: str, low: int, high: int, what: str = "a whole number"
) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(path, key, f"must be {what} from {low} to {high} (got {value!r})")
    return value


def _positive_number(value: object, path: Path | str, key: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ConfigError(path, key, f"must be a number (got {value!r})")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ConfigError(path, key, f"must be a number (got {value!r})") from None
    if not number.is_finite() or number < 0:
        raise ConfigError(path, key, f"must be a number of 0 or more (got {value!r})")
    return number


def _thresholds(value: object, path: Path | str, key: str) -> dict[str, Decimal]:
    from aliret_tui.domain.iso import CURRENCIES

    if not isinstance(value, dict):
        raise ConfigError(path, key, "must be a table of currency = amount, e.g. EUR = 9")
    result = {}
    for code, amount in value.items():
        if code not in CURRENCIES:
            raise ConfigError(path, f"{key}.{code}", "is not an ISO 4217 currency code")
        result[code] = _positive_number(amount, path, f"{key}.{code}")
    return result


def _caps(value: object, path: Path | str, key: str) -> dict[str, FreeReturnCap]:
    from aliret_tui.domain.iso import COUNTRIES, CURRENCIES

    if not isinstance(value, dict):
        raise ConfigError(path, key, "must be tables like [policy.free_return_caps.DE]")
    result = {}
    for country, cap in value.items():
        where = f"{key}.{country}"
        if country not in COUNTRIES:
            raise ConfigError(path, where, "is not an ISO 3166 alpha-2 country code")
        if not isinstance(cap, dict) or set(cap) - {"currency", "amount", "applies_to"}:
            raise ConfigError(path, where, "takes currency, amount and applies_to")
        currency = cap.get("currency")
        if currency not in CURRENCIES:
            raise ConfigError(path, f"{where}.currency", "must be an ISO 4217 currency code")
        amount = _positive_number(cap.get("amount"), path, f"{where}.amount")
        applies_to = cap.get("applies_to", "selected items")
        if not isinstance(applies_to, str):
            raise ConfigError(path, f"{where}.applies_to", "must be text")
        result[country] = FreeReturnCap(currency, amount, applies_to)
    return result


def remember_theme(path: Path, theme: str) -> None:
    """Write ``theme = "..."`` into config.toml, keeping everything else as it is."""
    import json
    import os
    import re
    from pathlib import Path

    from aliret_tui.files import make_private_folder, write_private_file

    line = f"theme = {json.dumps(theme)}\n"
    try:
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    except FileNotFoundError:
        lines = []
    first_table = next(
        (index for index, text in enumerate(lines) if text.lstrip().startswith("[")), len(lines)
    )
    for index in range(first_table):  # top-level keys come before the first table
        if re.match(_THEME_LINE, lines[index]):
            lines[index] = line
            break
    else:
        lines.insert(0, line)
    try:
        make_private_folder(path.parent)
    except OSError as error:
        raise ConfigError(path, "theme", f"cannot be saved ({error.strerror})") from None
    # A config.toml that is the user's own link (to their dotfiles) is updated where it
    # points; the write itself goes through a fresh temporary file, never a link.
    write_private_file(Path(os.path.realpath(path)), "".join(lines))
