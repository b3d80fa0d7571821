"""Which reminders are due at which threshold, to which target; their words; how a
target is named; and the ``[notify]`` settings. Pure functions, no sending."""

from __future__ import annotations

import datetime as dt
import html

import pytest

from aliret_tui.config import ConfigError, parse_settings
from aliret_tui.domain.clocks import ClockKind
from aliret_tui.notify.message import (
    HTML,
    MARKDOWN,
    TEXT,
    escape_markdown,
    reminder_body,
    reminder_title,
)
from aliret_tui.notify.selection import (
    OVERDUE,
    Reminder,
    horizon,
    pending,
    reminders_due,
    threshold_reached,
)
from aliret_tui.notify.targets import describe, public_host, split_urls, target_key
from aliret_tui.store.due import DueItem

TODAY = dt.date(2026, 3, 10)
DEFAULT = (7, 3, 1, 0)


def item(order_id: str, days_left: int, title: str = "Thing", clock=ClockKind.INSPECTION):
    return DueItem(
        order_id=order_id,
        title=title,
        store="",
        clock=clock,
        deadline=TODAY + dt.timedelta(days=days_left),
        days_left=days_left,
        action="Do the thing",
    )


@pytest.mark.parametrize(
    ("days_left", "expected"),
    [(30, None), (8, None), (7, 7), (5, 7), (4, 7), (3, 3), (2, 3), (1, 1), (0, 0),
     (-1, OVERDUE), (-40, OVERDUE)],
)  # fmt: skip
def test_the_nearest_threshold_reached(days_left, expected):
    assert threshold_reached(days_left, DEFAULT) == expected


def test_thresholds_of_the_config_and_none_at_all():
    assert threshold_reached(0, (1,)) == 1
    assert threshold_reached(2, (1,)) is None
    assert threshold_reached(5, ()) is None
    assert threshold_reached(-1, ()) == OVERDUE  # overdue is reminded whatever the list
    assert horizon(DEFAULT) == 7 and horizon(()) == 0


def test_reminders_are_the_most_urgent_first_and_only_once_a_threshold_is_reached():
    due = reminders_due([item("b", 2), item("far", 12), item("a", -3), item("c", 0)], DEFAULT)
    assert [(r.item.order_id, r.threshold) for r in due] == [("a", -1), ("c", 0), ("b", 3)]


def test_each_target_gets_what_it_has_not_had():
    due = reminders_due([item("a", 3), item("b", 0)], DEFAULT)
    b, a = due  # the most urgent first
    sent = {a.key("phone"), b.key("phone"), a.key("mail")}
    waiting = pending(due, ["phone", "mail", "new"], sent)
    assert waiting["phone"] == []
    assert waiting["mail"] == [b]
    assert waiting["new"] == [b, a]


def test_a_new_threshold_or_a_moved_deadline_is_a_new_reminder():
    yesterday = Reminder(item("a", 4), 7)
    today = Reminder(item("a", 3), threshold_reached(3, DEFAULT))
    moved = Reminder(item("a", 5), 7)  # the deadline was changed
    keys = {yesterday.key("t"), today.key("t"), moved.key("t")}
    assert len(keys) == 3
    assert yesterday.key("t") == ("a", "inspection", "2026-03-14", 7, "t")


# -- the words ----------------------------------------------------------------------------


def test_title_counts_and_names_the_overdue_ones():
    due = reminders_due([item("a", -2), item("b", 1)], DEFAULT)
    assert reminder_title(due, 7) == "aliret-tui: 2 deadlines within 7 days (1 overdue)"
    assert reminder_title(due[1:], 1) == "aliret-tui: 1 deadline within 1 day"


def test_body_in_each_format_escapes_only_the_users_text():
    title = "A <b>*x*</b> & [l](u) `c` _u_ ~s~ | \\"
    due = reminders_due([item("ID<1>", 2, title=title)], DEFAULT)
    text = reminder_body(due, TEXT)
    assert text == f"2 days left (2026-03-12): {title} · order ID<1>\n  Do the thing"
    markdown = reminder_body(due, MARKDOWN)
    assert markdown.splitlines()[0] == (
        r"- **2 days left** (2026-03-12): A \<b\>\*x\*\</b\> \& \[l\](u) \`c\` \_u\_ \~s\~ \| \\"
        r" · order ID\<1\>"
    )
    web = reminder_body(due, HTML)
    assert web.startswith(
        "<b>2 days left</b> (2026-03-12): A &lt;b&gt;*x*&lt;/b&gt; &amp; [l](u) `c` _u_ ~s~ | \\"
        " · order ID&lt;1&gt;<br/>\n"
    )


def test_markdown_escapes_read_back_as_the_original_text():
    """A CommonMark renderer shows the escaped text as typed: no tag, link, code or emphasis."""
    markdown_it = pytest.importorskip("markdown_it")
    title = "5 * 3 = 15 <tag> &amp; [link](x) _under_ `tick` ~~s~~ a|b \\"
    rendered = markdown_it.MarkdownIt("commonmark").render(escape_markdown(title)).strip()
    assert rendered.startswith("<p>") and rendered.endswith("</p>")
    assert "<" not in rendered[3:-4]  # no element came out of the user's text
    assert html.unescape(rendered[3:-4]) == title


def test_control_bytes_never_leave_and_long_titles_are_shortened():
    due = reminders_due([item("x\x1b]8;;evil\x07", 1, title="Red \x1b[31m" + "w" * 200)], DEFAULT)
    for body_format in (TEXT, MARKDOWN, HTML):
        body = reminder_body(due, body_format)
        assert "\x1b" not in body and "\x07" not in body and "evil" not in body
        assert "w" * 60 not in body and "…" in body


def test_at_most_five_are_listed_then_how_many_more():
    due = reminders_due([item(f"o{n}", n) for n in range(8)], DEFAULT)
    lines = reminder_body(due, TEXT).splitlines()
    assert len(lines) == 11
    assert lines[-1] == "…and 3 more: `aliret-tui check` lists them all"


# -- targets ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "shown"),
    [("127.0.0.1", "127.0.0.1"), ("::1", "::1"), ("localhost", "localhost"),
     ("ntfy.example.org", "ntfy.example.org"), ("Mail.Example.COM", "mail.example.com"),
     ("my-private-topic", None), ("123456789", None), ("1.2.3", None), ("", None),
     (None, None), ("a.b.c9", None), ("token_with_underscore.io", None)],
)  # fmt: skip
def test_only_real_host_names_are_shown(host, shown):
    assert public_host(host) == shown


def test_describe_names_the_service_and_host_only():
    assert describe("JSON", "127.0.0.1") == "JSON at 127.0.0.1"
    assert describe("ntfy", "my-topic") == "ntfy"


def test_apprise_services_are_named_without_their_secrets():
    pytest.importorskip("apprise")
    from aliret_tui.notify.sending import load_targets
    from aliret_tui.notify.targets import TargetUrl

    urls = [
        "tgram://123456789:AAsecret/987",
        "ntfy://private-topic",
        "mailto://me:pw@example.com",
        "discord://111/tok",
    ]
    targets = load_targets([TargetUrl(url, f"#{n}") for n, url in enumerate(urls)], None)
    assert [target.name for target in targets] == [
        "Telegram (#0)",
        "ntfy (#1)",
        "E-Mail at example.com (#2)",
        "Discord (#3)",
    ]
    assert [target.body_format for target in targets] == [HTML, TEXT, HTML, TEXT]
    assert len({target.key for target in targets}) == 4
    assert all(len(target.key) == 64 and "://" not in target.key for target in targets)


def test_urls_from_the_environment_split_on_spaces_and_commas_between_urls():
    text = " ntfy://a, mailto://u:p@x.org?to=a@x.org,b@y.org\njson://h/ , "
    assert split_urls(text) == ["ntfy://a", "mailto://u:p@x.org?to=a@x.org,b@y.org", "json://h/"]
    assert split_urls("") == []


def test_a_target_key_is_a_hash_not_the_url():
    key = target_key("ntfy://secret-topic")
    assert "secret" not in key and len(key) == 64
    assert key == target_key("ntfy://secret-topic") != target_key("ntfy://other")


# -- [notify] settings ---------------------------------------------------------------------


def test_notify_settings_are_read_and_checked(tmp_path):
    settings = parse_settings(
        {"notify": {"urls": [" ntfy://t "], "days": [1, 7, 1], "config": "a.yml"}},
        tmp_path / "config.toml",
    )
    assert settings.notify_urls == ("ntfy://t",)
    assert settings.notify_days == (7, 1)
    assert settings.notify_config == str(tmp_path / "a.yml")
    defaults = parse_settings({}, tmp_path / "config.toml")
    assert defaults.notify_urls == () and defaults.notify_days == (7, 3, 1, 0)
    assert defaults.notify_config is None


@pytest.mark.parametrize(
    ("notify", "message"),
    [
        ({"urls": "ntfy://secret"}, "notify.urls: must be a list of URLs"),
        ({"urls": ["ntfy://a b"]}, "notify.urls[1]: must not hold spaces"),
        ({"urls": ["no-scheme-secret"]}, "notify.urls[1]: must be an Apprise URL"),
        ({"days": [400]}, "notify.days: must be a whole number from 0 to 365"),
        ({"days": [True]}, "notify.days: must be a whole number"),
        ({"config": ""}, "notify.config: must be a file path"),
        ({"sound": "on"}, "notify.sound: unknown; known: config, days, urls"),
    ],
)
def test_bad_notify_settings_name_the_key_and_never_echo_a_url(tmp_path, notify, message):
    with pytest.raises(ConfigError) as refused:
        parse_settings({"notify": notify}, tmp_path / "config.toml")
    assert message in str(refused.value)
    assert "secret" not in str(refused.value)
