"""Settings from ``config.toml``, validated without heavy imports (``check`` uses this).

Every key is optional. A wrong key or value stops the program with a message
that names it, so a typo never silently falls back to a default.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from aliret_tui.domain.iso import COUNTRIES, CURRENCIES
from aliret_tui.domain.policy import DEFAULT_POLICY, FreeReturnCap, Policy
from aliret_tui.errors import UserError

DEFAULT = "default"
MAX_POLICY_DAYS = 3650


class ConfigError(UserError, ValueError):
    def __init__(self, path: Path | str, key: str, message: str):
        super().__init__(f"{path}: {key}: {message}")
        self.key = key


@dataclass(frozen=True)
class Settings:
    policy: Policy = DEFAULT_POLICY
    path: Path | None = None
    # Where each setting came from: a dotted key -> "default" or the file's path.
    origins: dict[str, str] = field(default_factory=dict)

    def origin(self, key: str) -> str:
        return self.origins.get(key, DEFAULT)


def load_settings(path: Path) -> Settings:
    """Read ``path`` if it exists; defaults otherwise."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings(path=path)
    except OSError as error:
        raise ConfigError(path, "file", f"cannot be read ({error.strerror})") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(path, "file", f"is not valid TOML ({error})") from None
    return parse_settings(data, path)


def parse_settings(data: dict[str, Any], path: Path | str) -> Settings:
    known_sections = {"policy"}
    for key in data:
        if key not in known_sections:
            raise ConfigError(
                path, key, f"unknown setting; known: {', '.join(sorted(known_sections))}"
            )
    origins: dict[str, str] = {}
    policy = _parse_policy(data.get("policy", {}), path, origins)
    return Settings(policy=policy, path=Path(path), origins=origins)


def _parse_policy(section: Any, path: Path | str, origins: dict[str, str]) -> Policy:
    if not isinstance(section, dict):
        raise ConfigError(path, "policy", "must be a table ([policy])")
    known = {f.name: f for f in fields(Policy)}
    changes: dict[str, Any] = {}
    for name, value in section.items():
        key = f"policy.{name}"
        if name not in known:
            raise ConfigError(path, key, f"unknown policy rule; known: {', '.join(known)}")
        default = getattr(DEFAULT_POLICY, name)
        if name == "refund_without_return_thresholds":
            changes[name] = {**default, **_thresholds(value, path, key)}
        elif name == "free_return_caps":
            changes[name] = {**default, **_caps(value, path, key)}
        elif isinstance(default, Decimal):
            changes[name] = _positive_number(value, path, key)
        elif name.endswith("_percent"):
            changes[name] = _percent(value, path, key)
        else:
            changes[name] = _days(value, path, key)
        origins[key] = str(path)
    return DEFAULT_POLICY.with_overrides(**changes)


def _days(value: Any, path: Path | str, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_POLICY_DAYS:
        raise ConfigError(
            path, key, f"must be a whole number from 0 to {MAX_POLICY_DAYS} (got {value!r})"
        )
    return value


def _percent(value: Any, path: Path | str, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise ConfigError(path, key, f"must be a whole percentage from 0 to 100 (got {value!r})")
    return value


def _positive_number(value: Any, path: Path | str, key: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ConfigError(path, key, f"must be a number (got {value!r})")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ConfigError(path, key, f"must be a number (got {value!r})") from None
    if not number.is_finite() or number < 0:
        raise ConfigError(path, key, f"must be a number of 0 or more (got {value!r})")
    return number


def _thresholds(value: Any, path: Path | str, key: str) -> dict[str, Decimal]:
    if not isinstance(value, dict):
        raise ConfigError(path, key, "must be a table of currency = amount, e.g. EUR = 9")
    result = {}
    for code, amount in value.items():
        if code not in CURRENCIES:
            raise ConfigError(path, f"{key}.{code}", "is not an ISO 4217 currency code")
        result[code] = _positive_number(amount, path, f"{key}.{code}")
    return result


def _caps(value: Any, path: Path | str, key: str) -> dict[str, FreeReturnCap]:
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
