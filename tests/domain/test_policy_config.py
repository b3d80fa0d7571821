"""The policy table (every number in domain.md, with its source) and config.toml overrides."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.domain import POLICY, day, fresh

from aliret_tui.config import DEFAULT, ConfigError, Settings, load_settings, parse_settings
from aliret_tui.domain.clocks import ClockKind, running_clock
from aliret_tui.domain.policy import (
    DEADLINE_RULES,
    DEFAULT_POLICY,
    RULES,
    FreeReturnCap,
    Policy,
    describe_rules,
)
from aliret_tui.domain.states import OrderState
from aliret_tui.domain.vocabulary import EventKind
from aliret_tui.errors import UserError

# The whole-number rules (days and percentages).
DAY_RULES = tuple(rule.name for rule in RULES if isinstance(rule.default, int))

D = dt.timedelta
S = OrderState


# --- the policy table -----------------------------------------------------------------------


def test_default_policy_holds_the_numbers_of_domain_md():
    p = DEFAULT_POLICY
    assert p.inspection_window_days == 15
    assert p.local_return_window_days == 90
    assert p.seller_response_days == 5
    assert p.escalation_opens_day == 4
    assert p.escalation_deadline_days == 15
    assert p.ship_back_days == 10
    assert p.refund_days == 7
    assert p.refund_earliest_days == 3
    assert (p.card_refund_business_days_min, p.card_refund_business_days_max) == (3, 20)
    assert p.mediation_buyer_win_percent == 70
    assert p.free_return_max_item_usd == Decimal("1000")
    assert p.refund_without_return_thresholds == {"USD": Decimal("10")}
    assert p.free_return_caps == {
        "US": FreeReturnCap("USD", Decimal("50"), "selected items"),
        "FR": FreeReturnCap("EUR", Decimal("40"), "local warehouse items"),
        "ES": FreeReturnCap("EUR", Decimal("40"), "local warehouse items"),
        "RU": FreeReturnCap("RUB", Decimal("3000"), "limited partners"),
    }


def test_every_rule_has_a_meaning_and_a_source():
    rules = describe_rules(DEFAULT_POLICY)
    assert [name for name, *_ in rules] == [rule.name for rule in RULES]
    assert set(Policy.__slots__) == {rule.name for rule in RULES}
    for name, value, meaning, source in rules:
        assert value == getattr(DEFAULT_POLICY, name)
        assert meaning.strip(), name
        assert source.strip(), name


def test_deadline_rules_are_whole_number_rules():
    assert set(DEADLINE_RULES) <= set(DAY_RULES)
    assert "inspection_window_days" in DAY_RULES and "refund_days" in DAY_RULES
    assert all(isinstance(getattr(POLICY, name), int) for name in DAY_RULES)


def test_window_days_for():
    assert DEFAULT_POLICY.window_days_for(local_return=False) == 15
    assert DEFAULT_POLICY.window_days_for(local_return=True) == 90


def test_policy_instances_do_not_share_their_tables():
    a, b = Policy(), Policy()
    assert a.free_return_caps == b.free_return_caps
    assert a.free_return_caps is not b.free_return_caps


def test_with_overrides_returns_a_new_policy():
    changed = DEFAULT_POLICY.with_overrides(refund_days=9)
    assert changed.refund_days == 9
    assert DEFAULT_POLICY.refund_days == 7


@pytest.mark.parametrize(
    "rule",
    [
        "inspection_window_days",
        "local_return_window_days",
        "seller_response_days",
        "escalation_deadline_days",
        "ship_back_days",
        "refund_days",
    ],
)
def test_deadline_fingerprint_changes_with_every_deadline_number(rule):
    changed = DEFAULT_POLICY.with_overrides(**{rule: getattr(DEFAULT_POLICY, rule) + 1})
    assert changed.deadline_fingerprint() != DEFAULT_POLICY.deadline_fingerprint()


def test_deadline_fingerprint_ignores_numbers_that_move_no_deadline():
    changed = DEFAULT_POLICY.with_overrides(
        mediation_buyer_win_percent=80, escalation_opens_day=3, refund_earliest_days=2
    )
    assert changed.deadline_fingerprint() == DEFAULT_POLICY.deadline_fingerprint()
    assert Policy().deadline_fingerprint() == DEFAULT_POLICY.deadline_fingerprint()


# --- config.toml -------------------------------------------------------------------------------


def write(tmp_path, text: str):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_config_file_means_defaults(tmp_path):
    settings_ = load_settings(tmp_path / "absent.toml")
    assert settings_.policy == DEFAULT_POLICY
    assert settings_.origin("policy.refund_days") == DEFAULT


def test_empty_config_file_means_defaults(tmp_path):
    assert load_settings(write(tmp_path, "")).policy == DEFAULT_POLICY


def test_good_config_changes_the_deadlines(tmp_path):
    path = write(
        tmp_path,
        """
[policy]
inspection_window_days = 30
local_return_window_days = 60
seller_response_days = 3
escalation_deadline_days = 12
ship_back_days = 7
refund_days = 14
""",
    )
    settings_ = load_settings(path)
    policy = settings_.policy
    assert settings_.origin("policy.refund_days") == str(path)
    assert settings_.origin("policy.mediation_buyer_win_percent") == DEFAULT

    def clock(state, **kw):
        base = {
            "delivered_on": day(11, 1),
            "protection_ends": None,
            "window_days": None,
            "local_return": False,
            "ordered_on": None,
            "dispute_opened_on": day(11, 2),
            "clock_since": day(11, 3),
        }
        return running_clock(state, **{**base, **kw}, policy=policy)

    assert clock(S.WINDOW_OPEN).deadline == day(12, 1)
    assert clock(S.WINDOW_OPEN, local_return=True).deadline == day(12, 31)
    assert clock(S.WINDOW_OPEN, window_days=10).deadline == day(11, 11)
    assert clock(S.WINDOW_OPEN, protection_ends=day(11, 20)).deadline == day(11, 20)
    assert clock(S.AWAITING_SELLER).deadline == day(11, 5)
    assert clock(S.SELLER_REFUSED).deadline == day(11, 14)
    assert clock(S.RETURN_APPROVED).deadline == day(11, 10)
    assert clock(S.REFUND_PENDING).deadline == day(11, 17)


def test_config_policy_reaches_the_workflow(tmp_path):
    policy = load_settings(write(tmp_path, "[policy]\nship_back_days = 3\n")).policy
    case = fresh(delivered_on="2026-11-05", state="window_open")
    case = case.then(EventKind.OPEN_DISPUTE, on=day(11, 6), reason="wrong_size")
    case = case.then(EventKind.RETURN_APPROVED, on=day(11, 8))
    clock = case.order.clock(policy)
    assert clock.kind is ClockKind.SHIP_BACK
    assert clock.deadline == day(11, 11)
    assert case.order.clock(DEFAULT_POLICY).deadline == day(11, 18)


def test_config_tables_add_to_the_defaults(tmp_path):
    path = write(
        tmp_path,
        """
[policy]
free_return_max_item_usd = "750.5"
mediation_buyer_win_percent = 65

[policy.refund_without_return_thresholds]
EUR = 9
GBP = "8.50"

[policy.free_return_caps.DE]
currency = "EUR"
amount = 30

[policy.free_return_caps.US]
currency = "USD"
amount = 60.5
applies_to = "everything"
""",
    )
    policy = load_settings(path).policy
    assert policy.free_return_max_item_usd == Decimal("750.5")
    assert policy.mediation_buyer_win_percent == 65
    assert policy.refund_without_return_thresholds == {
        "USD": Decimal("10"),
        "EUR": Decimal("9"),
        "GBP": Decimal("8.50"),
    }
    assert policy.free_return_caps["DE"] == FreeReturnCap("EUR", Decimal("30"), "selected items")
    assert policy.free_return_caps["US"] == FreeReturnCap("USD", Decimal("60.5"), "everything")
    assert policy.free_return_caps["FR"] == DEFAULT_POLICY.free_return_caps["FR"]
    # The default policy itself is untouched.
    assert "DE" not in DEFAULT_POLICY.free_return_caps


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ("colour = 'blue'", "colour"),
        ("policy = 3", "policy"),
        ("[policy]\ninspection_days = 20", "policy.inspection_days"),
        ("[policy]\ninspection_window_days = '20'", "policy.inspection_window_days"),
        ("[policy]\ninspection_window_days = 20.5", "policy.inspection_window_days"),
        ("[policy]\ninspection_window_days = -1", "policy.inspection_window_days"),
        ("[policy]\ninspection_window_days = 3651", "policy.inspection_window_days"),
        ("[policy]\nrefund_days = true", "policy.refund_days"),
        ("[policy]\nseller_response_days = [5]", "policy.seller_response_days"),
        ("[policy]\nfree_return_max_item_usd = 'lots'", "policy.free_return_max_item_usd"),
        ("[policy]\nfree_return_max_item_usd = -5", "policy.free_return_max_item_usd"),
        ("[policy]\nfree_return_max_item_usd = nan", "policy.free_return_max_item_usd"),
        ("[policy]\nfree_return_max_item_usd = inf", "policy.free_return_max_item_usd"),
        ("[policy]\nfree_return_max_item_usd = false", "policy.free_return_max_item_usd"),
        (
            "[policy]\nrefund_without_return_thresholds = 10",
            "policy.refund_without_return_thresholds",
        ),
        (
            "[policy.refund_without_return_thresholds]\nusd = 10",
            "policy.refund_without_return_thresholds.usd",
        ),
        (
            "[policy.refund_without_return_thresholds]\nXYZ = 10",
            "policy.refund_without_return_thresholds.XYZ",
        ),
        (
            "[policy.refund_without_return_thresholds]\nEUR = -1",
            "policy.refund_without_return_thresholds.EUR",
        ),
        (
            "[policy.refund_without_return_thresholds]\nEUR = 'ten'",
            "policy.refund_without_return_thresholds.EUR",
        ),
        ("[policy]\nfree_return_caps = 5", "policy.free_return_caps"),
        (
            "[policy.free_return_caps.XX]\ncurrency = 'EUR'\namount = 1",
            "policy.free_return_caps.XX",
        ),
        ("[policy.free_return_caps]\nDE = 30", "policy.free_return_caps.DE"),
        (
            "[policy.free_return_caps.DE]\ncurrency = 'EUR'\namount = 1\ncolour = 'red'",
            "policy.free_return_caps.DE",
        ),
        (
            "[policy.free_return_caps.DE]\ncurrency = 'EURO'\namount = 1",
            "policy.free_return_caps.DE.currency",
        ),
        ("[policy.free_return_caps.DE]\namount = 1", "policy.free_return_caps.DE.currency"),
        ("[policy.free_return_caps.DE]\ncurrency = 'EUR'", "policy.free_return_caps.DE.amount"),
        (
            "[policy.free_return_caps.DE]\ncurrency = 'EUR'\namount = -1",
            "policy.free_return_caps.DE.amount",
        ),
        (
            "[policy.free_return_caps.DE]\ncurrency = 'EUR'\namount = 1\napplies_to = 3",
            "policy.free_return_caps.DE.applies_to",
        ),
    ],
)
def test_bad_config_names_the_key(tmp_path, toml, key):
    path = write(tmp_path, toml)
    with pytest.raises(ConfigError) as refused:
        load_settings(path)
    assert refused.value.key == key
    assert str(refused.value).startswith(f"{path}: {key}: ")


def test_config_errors_are_user_errors(tmp_path):
    with pytest.raises(UserError):
        load_settings(write(tmp_path, "[policy]\nrefund_days = -3\n"))


def test_invalid_toml_is_refused(tmp_path):
    with pytest.raises(ConfigError) as refused:
        load_settings(write(tmp_path, "[policy\nrefund_days = 3"))
    assert refused.value.key == "file"
    assert "not valid TOML" in str(refused.value)


def test_non_utf8_config_is_refused(tmp_path):
    path = tmp_path / "config.toml"
    path.write_bytes(b"[policy]\n# \xff\xfe\n")
    with pytest.raises(ConfigError) as refused:
        load_settings(path)
    assert refused.value.key == "file"


def test_unreadable_config_is_refused(tmp_path):
    folder = tmp_path / "config.toml"
    folder.mkdir()
    with pytest.raises(ConfigError) as refused:
        load_settings(folder)
    assert refused.value.key == "file"


def test_policy_section_must_be_a_table():
    with pytest.raises(ConfigError) as refused:
        parse_settings({"policy": [1, 2]}, "cfg.toml")
    assert refused.value.key == "policy"


def test_zero_days_is_a_valid_rule():
    settings_ = parse_settings(
        {"policy": {"refund_days": 0, "refund_earliest_days": 0}}, "cfg.toml"
    )
    assert settings_.policy.refund_days == 0
    assert isinstance(settings_, Settings)


# --- rules that contradict each other (issue 12, item 15) ---------------------------------------


@pytest.mark.parametrize(
    ("policy", "key", "other"),
    [
        # A window of 0 days closes the day it opens.
        ({"inspection_window_days": 0}, "policy.inspection_window_days", "from 1 to 3650"),
        ({"local_return_window_days": 0}, "policy.local_return_window_days", "from 1 to 3650"),
        # Escalation opens after its deadline: the key the file sets is named, and the other.
        ({"escalation_opens_day": 16}, "policy.escalation_opens_day", "escalation_deadline_days"),
        ({"escalation_deadline_days": 3}, "policy.escalation_deadline_days", "escalation_opens_"),
        (
            {"escalation_opens_day": 10, "escalation_deadline_days": 5},
            "policy.escalation_opens_day",
            "policy.escalation_deadline_days (5)",
        ),
        # A minimum above its maximum.
        ({"refund_earliest_days": 8}, "policy.refund_earliest_days", "policy.refund_days (7)"),
        ({"refund_days": 2}, "policy.refund_days", "policy.refund_earliest_days (3)"),
        (
            {"card_refund_business_days_min": 21},
            "policy.card_refund_business_days_min",
            "policy.card_refund_business_days_max (20)",
        ),
        (
            {"card_refund_business_days_min": 10, "card_refund_business_days_max": 5},
            "policy.card_refund_business_days_min",
            "policy.card_refund_business_days_max (5)",
        ),
    ],
)
def test_contradictory_rules_are_refused_naming_the_key(policy, key, other):
    with pytest.raises(ConfigError) as refused:
        parse_settings({"policy": policy}, "cfg.toml")
    assert refused.value.key == key
    assert str(refused.value).startswith(f"cfg.toml: {key}: ")
    assert other in str(refused.value)


@pytest.mark.parametrize(
    "policy",
    [
        {"inspection_window_days": 1, "local_return_window_days": 1},
        {"escalation_opens_day": 15},  # on the deadline itself
        {"escalation_opens_day": 0, "escalation_deadline_days": 0},
        {"refund_earliest_days": 7, "refund_days": 7},
        {"card_refund_business_days_min": 5, "card_refund_business_days_max": 5},
        {"refund_days": 30, "refund_earliest_days": 30, "escalation_deadline_days": 30},
    ],
)
def test_rules_that_agree_are_accepted(policy):
    settings_ = parse_settings({"policy": policy}, "cfg.toml")
    for name, value in policy.items():
        assert getattr(settings_.policy, name) == value


@settings(max_examples=100, deadline=None)
@given(
    rule=st.sampled_from(
        ["seller_response_days", "escalation_deadline_days", "ship_back_days", "refund_days"]
    ),
    days=st.integers(min_value=0, max_value=3650),
    since=st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2040, 12, 31)),
)
def test_any_valid_day_override_moves_its_clock(rule, days, since):
    # The rule's lower companion moves with it, or a short deadline contradicts it.
    companion = {
        "escalation_deadline_days": "escalation_opens_day",
        "refund_days": "refund_earliest_days",
    }.get(rule)
    overrides = {rule: days} if companion is None else {rule: days, companion: 0}
    policy = parse_settings({"policy": overrides}, "cfg.toml").policy
    state = {
        "seller_response_days": S.AWAITING_SELLER,
        "escalation_deadline_days": S.SELLER_REFUSED,
        "ship_back_days": S.RETURN_APPROVED,
        "refund_days": S.REFUND_PENDING,
    }[rule]
    clock = running_clock(
        state,
        delivered_on=None,
        protection_ends=None,
        window_days=None,
        local_return=False,
        ordered_on=None,
        dispute_opened_on=since,
        clock_since=since,
        policy=policy,
    )
    assert clock.deadline == since + D(days=days)


@settings(max_examples=100, deadline=None)
@given(
    rule=st.sampled_from(sorted(DAY_RULES)),
    value=st.one_of(
        st.integers(max_value=-1),
        st.integers(min_value=3651),
        st.floats(allow_nan=True),
        st.text(max_size=5),
        st.booleans(),
    ),
)
def test_any_bad_day_value_is_refused_naming_the_rule(rule, value):
    with pytest.raises(ConfigError) as refused:
        parse_settings({"policy": {rule: value}}, "cfg.toml")
    assert refused.value.key == f"policy.{rule}"


@pytest.mark.parametrize("value", [-1, 101, 150, 3650, 70.5, "70", True])
def test_a_percentage_must_be_0_to_100(value):
    with pytest.raises(ConfigError) as refused:
        parse_settings({"policy": {"mediation_buyer_win_percent": value}}, "cfg.toml")
    assert refused.value.key == "policy.mediation_buyer_win_percent"


@pytest.mark.parametrize("value", [0, 55, 100])
def test_good_percentages(value):
    policy = parse_settings({"policy": {"mediation_buyer_win_percent": value}}, "cfg.toml").policy
    assert policy.mediation_buyer_win_percent == value
