"""Escalation timing from the command line (issue 13): ``event … escalated`` before
day 4 of the dispute is refused with exit 2, one line that names the event, the day
it opens and why, and nothing written; ``event-edit`` may not move an escalation
before that day; history imported as it happened is never refused."""

from __future__ import annotations

import json

# Today is 2026-03-10 (support.cli.TODAY).
OPENED_TWO_DAYS_AGO = (
    ("add", "1", "--title", "Jacket", "--price", "30.00", "--currency", "EUR",
     "--delivered", "2026-03-01"),
    ("event", "1", "open_dispute", "--on", "2026-03-08", "--reason", "wrong_size"),
    ("event", "1", "seller_refused", "--on", "2026-03-08"),
)  # fmt: skip
OPENED_A_WEEK_AGO = (
    ("add", "1", "--title", "Jacket", "--price", "30.00", "--currency", "EUR",
     "--delivered", "2026-03-01"),
    ("event", "1", "open_dispute", "--on", "2026-03-03", "--reason", "wrong_size"),
    ("event", "1", "seller_refused", "--on", "2026-03-06"),
)  # fmt: skip
IN_MEDIATION = (*OPENED_A_WEEK_AGO, ("event", "1", "escalated", "--on", "2026-03-08"))


def test_escalating_before_day_4_is_refused_saying_when_it_opens(
    cli, seed, db, dump, one_error_line
):
    seed(*OPENED_TWO_DAYS_AGO)
    before = dump(db)
    line = one_error_line(cli("event", "1", "escalated"))
    assert line == (
        'aliret-tui: error: --on: "Escalated to mediation" is possible from 2026-03-12, '
        "in 2 days (day 4 after the dispute was opened on 2026-03-08)"
    )
    assert dump(db) == before
    assert json.loads(cli("list", "--json").out)[0]["state"] == "seller_refused"


def test_a_late_record_with_a_date_before_day_4_is_refused(cli, seed, db, dump, one_error_line):
    seed(*OPENED_A_WEEK_AGO)
    before = dump(db)
    one_error_line(
        cli("event", "1", "escalated", "--on", "2026-03-06"),
        "--on: ",
        '"Escalated to mediation" is possible from 2026-03-07 (day 4 after the dispute was '
        "opened on 2026-03-03)",
    )
    assert dump(db) == before


def test_escalating_on_day_4_is_recorded(cli, seed):
    seed(*OPENED_A_WEEK_AGO)
    result = cli("event", "1", "escalated", "--on", "2026-03-07")
    assert result.code == 0, result.err
    assert result.out.startswith("Recorded escalated for order 1 on 2026-03-07: now in mediation")


def test_the_first_day_follows_the_policy_in_config_toml(cli, seed, tmp_path):
    seed(*OPENED_TWO_DAYS_AGO)
    config = tmp_path / "config"
    config.mkdir()
    (config / "config.toml").write_text("[policy]\nescalation_opens_day = 2\n", encoding="utf-8")
    result = cli("event", "1", "escalated", env={"ALIRET_TUI_CONFIG_DIR": str(config)})
    assert result.code == 0, result.err
    assert "now in mediation" in result.out


def test_correcting_the_escalation_to_before_day_4_is_refused_naming_it(
    cli, seed, db, dump, one_error_line
):
    seed(*IN_MEDIATION)
    before = dump(db)
    one_error_line(
        cli("event-edit", "1", "3", "--on", "2026-03-06"),
        "event 3 (Escalated to mediation)",
        "2026-03-06 is before 2026-03-07, the first day to escalate (day 4 after the dispute "
        "was opened on 2026-03-03)",
    )
    # Moving the dispute later, so that the escalation comes too early, is refused too.
    one_error_line(
        cli("event-edit", "1", "1", "--on", "2026-03-05"),
        "event 3 (Escalated to mediation)",
        "before 2026-03-09",
    )
    assert dump(db) == before
    moved = cli("event-edit", "1", "3", "--on", "2026-03-07")
    assert moved.code == 0, moved.err


def test_history_that_escalated_early_is_imported_as_it_happened(cli, seed, tmp_path):
    """An export (or AliExpress) may hold an escalation on day 3: it happened."""
    seed(*IN_MEDIATION)
    exported = cli("export")
    assert exported.code == 0, exported.err
    document = json.loads(exported.out)
    record = document["orders"][0]
    record["events"][2]["on"] = "2026-03-06"  # day 3 after opening on 03-03
    record["order"]["dispute"]["escalated_on"] = "2026-03-06"
    early = tmp_path / "early.json"
    early.write_text(json.dumps(document), encoding="utf-8")
    fresh = tmp_path / "fresh.db"
    imported = cli("import", str(early), db=fresh)
    assert imported.code == 0, imported.err
    shown = cli("show", "1", "--json", db=fresh)
    assert shown.code == 0, shown.err
    assert json.loads(shown.out)["order"]["dispute"]["escalated_on"] == "2026-03-06"
    # Correcting something else on that order is not held against the old date.
    noted = cli("event-edit", "1", "2", "--note", "refused in chat", db=fresh)
    assert noted.code == 0, noted.err


def test_show_says_from_which_day_an_escalation_opens(cli, seed):
    seed(*OPENED_TWO_DAYS_AGO)
    result = cli("show", "1")
    assert result.code == 0, result.err
    assert "escalated (from 2026-03-12)" in result.out
