"""AliExpress notification mails: one mail (an ``.eml`` file, RFC 822 bytes) or an
mbox file holding many; a folder of ``.eml`` files arrives here one file at a time.

This module owns recognising the mails by their sender (``transaction@notice.
aliexpress.com``, any other ``aliexpress.com`` sender, and Apple's relay form
``transaction_at_notice_aliexpress_com_…@privaterelay.appleid.com``), telling the
step of the order from the subject (English and German), and reading the body with
``page_text.PageText``: the order number (``Bestell-Nr.``, or the links'
``orderId=`` / ``tradeOrderId=`` / ``o_ids=a,b``), the order date, the delivery date,
the items with their prices, the total and the store. Names and addresses in the
mails are never read. Everything is parsed from the bytes in memory.

Choices, from what the real mails say:
- Status: "Delivered", "Awaiting confirmation", "How did it go" (German: "Zugestellt",
  "auf Bestätigung wird gewartet", "wie ist es gelaufen?") are DELIVERED; confirmed,
  shipped, in transit, in your country, out for delivery (German: "Bestellung
  versandt", "Wird zugestellt", …) are IN_TRANSIT.
- ``delivered_on``: a date the body gives (``Delivered 14/03/2026``, day first) wins.
  Without one, the "Delivered" / "Zugestellt" mail's own Date header (the calendar
  day in the header's time zone): AliExpress sends it when the carrier reports the
  delivery. The later reminders ("Awaiting confirmation", "How did it go") are sent
  days after the delivery, so their Date header is never taken as its day.
- "Your order … is closed": the real mail gives no reason ("Check order detail page
  to know more details"), so it is skipped. Only a mail that says the order was
  cancelled (CANCELLED) or never paid (NEVER_PAID) is read.
- A parcel mail ("Packstück …") names its orders only in its links; with several
  orders, which item belongs to which order is not told, so no items are taken.
- Mails in an mbox that are not from AliExpress are left out and counted.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import html
import re
from dataclasses import dataclass
from email.message import EmailMessage
from html.parser import HTMLParser

from aliret_tui.importing.formats import Format, ParseContext
from aliret_tui.importing.formats.page_text import (
    BlockReading,
    OrderBlock,
    PageText,
    order_from_reading,
)
from aliret_tui.importing.incoming import ImportRefused, IncomingOrder, Parsed, Skipped, Status
from aliret_tui.importing.reading import RawInput

LABEL = "AliExpress emails (.eml, mbox, or a folder of .eml)"
_HEADER_BLOCK_LIMIT = 64 * 1024
_WHERE_SUBJECT_CHARS = 60

# ── the sender ────────────────────────────────────────────────────────────────

_SENDER_PATTERN = (
    r"[\w.+-]+@(?:[\w-]+\.)*aliexpress\.(?:com|ru|us)\b"
    r"|[\w.+-]*_aliexpress_(?:com|ru|us)_[\w.-]*@privaterelay\.appleid\.com"
)
_SENDER = re.compile(_SENDER_PATTERN, re.IGNORECASE)
_SENDER_BYTES = re.compile(_SENDER_PATTERN.encode(), re.IGNORECASE)
_FROM_HEADER = re.compile(rb"^from:[ \t]*(?P<value>.*(?:\r?\n[ \t].*)*)", re.IGNORECASE | re.M)
_HEADER_LINE = re.compile(rb"^[!-9;-~]+:")
# An mbox "From " line, when a header follows it (a body's "From here…" is no separator).
_MBOX_SEPARATOR = re.compile(rb"^From [^\r\n]*\r?\n(?=[!-9;-~]+:)", re.MULTILINE)
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")

# ── the subject ───────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Step:
    """What a mail's subject says about its order."""

    status: Status | None
    delivery_mail: bool = False  # sent when the carrier reported the delivery
    why_skipped: str = ""  # for a mail that says nothing about where the order is


_IN_TRANSIT = Step(Status.IN_TRANSIT)
_DELIVERED_REMINDER = Step(Status.DELIVERED)
_DELIVERED_NOW = Step(Status.DELIVERED, delivery_mail=True)
_REVIEW_REQUEST = Step(None, why_skipped="asks for a review; says nothing about the delivery")

ORDER_STEPS: dict[str, Step] = {
    # English (agentydragon/ducktape's list of AliExpress subjects)
    "order confirmed": _IN_TRANSIT,
    "ready to ship": _IN_TRANSIT,
    "order shipped": _IN_TRANSIT,
    "package in transit": _IN_TRANSIT,
    "cleared customs": _IN_TRANSIT,
    "in your country": _IN_TRANSIT,
    "at delivery center": _IN_TRANSIT,
    "out for delivery": _IN_TRANSIT,
    "delivery update": _IN_TRANSIT,
    "delivered": _DELIVERED_NOW,
    "awaiting confirmation": _DELIVERED_REMINDER,
    "how did it go": _DELIVERED_REMINDER,
    "delayed delivery coupon": Step(
        None, why_skipped="a coupon for a late delivery; says nothing about where the order is"
    ),
    # German (SoerenKaiser99/parcel_tracker's anonymised mails)
    "bestellauftrag bestätigt": _IN_TRANSIT,
    "bestellbestätigung": _IN_TRANSIT,
    "versandfertig": _IN_TRANSIT,
    "versandbereit": _IN_TRANSIT,
    "bestellung versandt": _IN_TRANSIT,
    "wurde versandt": _IN_TRANSIT,
    "teilweise versandt": _IN_TRANSIT,
    "paket im transit": _IN_TRANSIT,
    "vom kurier abgeholt": _IN_TRANSIT,
    "in ihrem land / ihrer region angekommen": _IN_TRANSIT,
    "neuer lieferstatus": _IN_TRANSIT,
    "wird zugestellt": _IN_TRANSIT,
    "zugestellt": _DELIVERED_NOW,
    "auf bestätigung wird gewartet": _DELIVERED_REMINDER,
    "wie ist es gelaufen": _DELIVERED_REMINDER,
    "wie war ihr einkaufserlebnis": _REVIEW_REQUEST,
}
_PARCEL_DELIVERED_STEPS = frozenset({"delivered", "zugestellt"})

_ORDER_SUBJECT = re.compile(
    r"^(?:order|bestellung)\s+(?P<id>\d{10,22})\s*:?\s*(?P<step>\S.*)$", re.IGNORECASE
)
_ORDERS_CONFIRMED_SUBJECT = re.compile(
    r"^\d+ bestellungen wurden bestätigt:?\s*(?P<id>\d{10,22})", re.IGNORECASE
)
_CLOSED_SUBJECT = re.compile(r"^your order (?P<id>\d{10,22}) is closed", re.IGNORECASE)
_PARCEL_SUBJECT = re.compile(
    r"^(?:packstück|package|parcel)\s+(?P<number>[0-9A-Z]{8,30})\s*:?\s*(?P<step>.*)$",
    re.IGNORECASE,
)
_CUSTOMS_SUBJECT = re.compile(r"^zollabfertigung für [0-9A-Z]{8,30} wurde beendet", re.I)

# ── the body ──────────────────────────────────────────────────────────────────

_URL = re.compile(r"[<(\[]*https?://\S+")
_LINK_ORDERS = re.compile(
    r"[?&](?:tradeOrderId|orderId|orderIds|o_ids)=(?P<ids>\d+(?:(?:,|%2C)\d+)*)", re.IGNORECASE
)
_ORDER_ID = re.compile(r"^\d{10,22}$")
_RUNNING_ORDER = re.compile(r"^Bestellung (?P<digits>\d{11,25})$")
_CLOSED_UNPAID = re.compile(
    r"\bnot (?:been )?paid\b|\bpayment (?:was )?not\b|\bunpaid\b|nicht bezahlt", re.IGNORECASE
)
_CLOSED_CANCELLED = re.compile(r"\bcancell?ed\b|\bstorniert\b|\bnot (?:been )?shipped\b", re.I)


@dataclass(frozen=True)
class MailSubject:
    order_id: str | None  # the order the subject names
    step: Step | None  # None: a subject this version does not know
    step_text: str
    closed: bool = False
    several_orders: bool = False  # "2 Bestellungen wurden bestätigt: <first> & weitere"


def read_subject(subject: str) -> MailSubject:
    """The order and the step an AliExpress subject names."""
    if match := _CLOSED_SUBJECT.match(subject):
        return MailSubject(match["id"], None, "is closed", closed=True)
    if match := _ORDERS_CONFIRMED_SUBJECT.match(subject):
        return MailSubject(match["id"], _IN_TRANSIT, "confirmed", several_orders=True)
    if match := _ORDER_SUBJECT.match(subject):
        return MailSubject(match["id"], _order_step(match["step"]), match["step"])
    if match := _PARCEL_SUBJECT.match(subject):
        delivered = _step_key(match["step"]) in _PARCEL_DELIVERED_STEPS
        return MailSubject(None, _DELIVERED_NOW if delivered else _IN_TRANSIT, match["step"])
    if _CUSTOMS_SUBJECT.match(subject):
        return MailSubject(None, _IN_TRANSIT, "customs cleared")
    return MailSubject(None, None, subject)


def _order_step(step: str) -> Step | None:
    """The known step ``step`` is, or starts with ("Delivered - rate your items")."""
    key = _step_key(step)
    if key in ORDER_STEPS:
        return ORDER_STEPS[key]
    starts = [known for known in ORDER_STEPS if key.startswith(known + " ")]
    return ORDER_STEPS[max(starts, key=len)] if starts else None


def _step_key(step: str) -> str:
    return " ".join(step.casefold().split()).strip(" ?!.")


# ── splitting and recognising ─────────────────────────────────────────────────


def split_messages(data: bytes) -> list[bytes]:
    """The mails of an mbox (split at its "From " lines), or the one mail itself."""
    if not data.startswith(b"From "):
        return [data]
    separators = list(_MBOX_SEPARATOR.finditer(data))
    if not separators:
        return [data.split(b"\n", 1)[1] if b"\n" in data else b""]
    ends = [separator.start() for separator in separators[1:]] + [len(data)]
    return [data[separator.end() : end] for separator, end in zip(separators, ends, strict=True)]


def _header_block(message: bytes) -> bytes:
    head = message[:_HEADER_BLOCK_LIMIT]
    blank = _BLANK_LINE.search(head)
    return head[: blank.start()] if blank else head


def _sent_by_aliexpress(header_block: bytes) -> bool:
    if not _HEADER_LINE.match(header_block):
        return False
    sender = _FROM_HEADER.search(header_block)
    return sender is not None and _SENDER_BYTES.search(sender["value"]) is not None


def recognise(raw: RawInput) -> bool:
    """A mail, or an mbox, with at least one mail from AliExpress."""
    try:
        if not (raw.data.startswith(b"From ") or _HEADER_LINE.match(raw.data)):
            return False
        return any(
            _sent_by_aliexpress(_header_block(message)) for message in split_messages(raw.data)
        )
    except Exception:
        return False


# ── parsing ───────────────────────────────────────────────────────────────────


def parse(raw: RawInput, context: ParseContext) -> Parsed:
    reader = _MailReader(context)
    for message_bytes in split_messages(raw.data):
        reader.read(email.message_from_bytes(message_bytes, policy=email.policy.default))
    return reader.finish()


class _MailReader:
    """Reads the mails of one input into one ``Parsed``."""

    def __init__(self, context: ParseContext):
        self.context = context
        self.parsed = Parsed()
        self.left_out = 0
        # Orders whose delivery day is their "Delivered" mail's Date header.
        self.dated_by_header: list[IncomingOrder] = []

    def read(self, message: EmailMessage) -> None:
        if not isinstance(message, EmailMessage) or not _SENDER.search(_header(message, "from")):
            self.left_out += 1
            return
        subject_text = _header(message, "subject")
        where = mail_where(subject_text)
        subject = read_subject(subject_text)
        body, link_ids = body_text_and_links(message)
        page = PageText(body)
        found = confirmed_orders(page) if subject.several_orders else page.order_blocks()
        blocks = {block.order_id: block for block in found}
        order_ids = list(dict.fromkeys([*filter(None, [subject.order_id]), *blocks])) or link_ids
        if not order_ids:
            self.parsed.unread.append(f"{where}: from AliExpress, but names no order")
        elif subject.closed:
            _read_closed(where, order_ids, body, self.parsed)
        elif subject.step is None or subject.step.status is None:
            shown_step = _cut(subject.step_text, 40)
            why = (
                subject.step.why_skipped
                if subject.step
                else f"a step this version does not read: {shown_step!r}"
            )
            self.parsed.skipped.extend(Skipped(where, order_id, why) for order_id in order_ids)
        else:
            self._read_orders(message, where, subject.step, order_ids, blocks, page)

    def _read_orders(
        self,
        message: EmailMessage,
        where: str,
        step: Step,
        order_ids: list[str],
        blocks: dict[str, OrderBlock],
        page: PageText,
    ) -> None:
        whole_mail = page.read(0, len(page.lines), default_currency=self.context.default_currency)
        _refuse_unreadable(where, whole_mail)
        header_day = _sent_on(message) if step.delivery_mail else None
        for order_id in order_ids:
            reading = _reading_for(
                order_id, order_ids, blocks, page, whole_mail, where, self.context
            )
            order = (
                order_from_reading(order_id, where, reading)
                if reading
                else IncomingOrder(order_id=order_id, where=where)
            )
            order.status = step.status
            order.delivered_on = None
            if step.status is Status.DELIVERED:
                own_day = reading.delivered_on if reading else None
                order.delivered_on = own_day or whole_mail.delivered_on
                if order.delivered_on is None and header_day is not None:
                    order.delivered_on = header_day
                    self.dated_by_header.append(order)
            self.parsed.orders.append(order)

    def finish(self) -> Parsed:
        """A day a mail states beats a "Delivered" mail's Date header for one order,
        so the two never show as a conflict."""
        by_header = {id(order) for order in self.dated_by_header}
        stated = {
            order.order_id
            for order in self.parsed.orders
            if order.delivered_on and id(order) not in by_header
        }
        for order in self.dated_by_header:
            if order.order_id in stated:
                order.delivered_on = None
        if self.left_out:
            mails = "mail" if self.left_out == 1 else "mails"
            self.parsed.unread.append(f"{self.left_out} {mails} not from AliExpress left out")
        return self.parsed


def _reading_for(
    order_id: str,
    order_ids: list[str],
    blocks: dict[str, OrderBlock],
    page: PageText,
    whole_mail: BlockReading,
    where: str,
    context: ParseContext,
) -> BlockReading | None:
    """What the body says about one order: its own block in a mail about several,
    the whole body in a mail about one, nothing when the body does not tell."""
    if len(blocks) > 1:
        block = blocks.get(order_id)
        if block is None:
            return None
        reading = page.read(block.start, block.end, default_currency=context.default_currency)
        _refuse_unreadable(where, reading)
        return reading
    if len(order_ids) == 1 or set(blocks) == {order_id}:
        return whole_mail
    return None


def confirmed_orders(page: PageText) -> list[OrderBlock]:
    """The orders of a mail confirming several: each under "Bestellung <k><id>", where
    k is its running number (1, 2, …) written right in front of the order id."""
    headings = []
    for number, line in enumerate(page.lines):
        match = _RUNNING_ORDER.match(line)
        if match is None:
            continue
        running = str(len(headings) + 1)
        order_id = match["digits"].removeprefix(running)
        if match["digits"].startswith(running) and _ORDER_ID.match(order_id):
            headings.append((number, order_id))
    ends = [number for number, _ in headings[1:]] + [len(page.lines)]
    return [
        OrderBlock(order_id, number + 1, end)
        for (number, order_id), end in zip(headings, ends, strict=True)
    ]


def _read_closed(where: str, order_ids: list[str], body: str, parsed: Parsed) -> None:
    """ "Your order … is closed": read only when the mail says why."""
    if _CLOSED_UNPAID.search(body):
        status = Status.NEVER_PAID
    elif _CLOSED_CANCELLED.search(body):
        status = Status.CANCELLED
    else:
        why = "closed, but the mail does not say whether it was cancelled, refunded or completed"
        parsed.skipped.extend(Skipped(where, order_id, why) for order_id in order_ids)
        return
    parsed.orders.extend(
        IncomingOrder(order_id=order_id, where=where, status=status) for order_id in order_ids
    )


def _refuse_unreadable(where: str, reading: BlockReading) -> None:
    """A value the mail clearly shows but that cannot be read refuses the import."""
    for problem in reading.problems:
        if problem.unreadable:
            raise ImportRefused(where, problem.field, problem.message)


# ── reading one mail ──────────────────────────────────────────────────────────


def body_text_and_links(message: EmailMessage) -> tuple[str, list[str]]:
    """The mail's text (its plain-text part, else its HTML as text) without links,
    and the order ids its links carry, first seen first."""
    plain, from_html, link_ids = [], [], []
    for part in message.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        content_type = part.get_content_type()
        if content_type not in ("text/plain", "text/html"):
            continue
        content = _part_text(part)
        for listed in _LINK_ORDERS.finditer(html.unescape(content)):
            link_ids.extend(
                order_id
                for order_id in re.split(r",|%2C", listed["ids"], flags=re.IGNORECASE)
                if _ORDER_ID.match(order_id)
            )
        if content_type == "text/plain":
            plain.append(content)
        else:
            from_html.append(html_to_text(content))
    text = "\n".join(plain or from_html)
    return _URL.sub("", text), list(dict.fromkeys(link_ids))


def _part_text(part: EmailMessage) -> str:
    try:
        content = part.get_content()
    except (LookupError, ValueError, AssertionError):
        content = None
    if isinstance(content, str):
        return content
    payload = part.get_payload(decode=True)
    return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""


class _HtmlText(HTMLParser):
    """The text of an HTML mail, a line per paragraph, cell and break."""

    BLOCKS = frozenset(
        "p div br tr td th li ul ol table h1 h2 h3 h4 h5 h6 hr section header footer".split()
    )
    HIDDEN = frozenset({"script", "style", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self._hidden_depth += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self._hidden_depth = max(0, self._hidden_depth - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden_depth:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    parser = _HtmlText()
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts)


def _header(message: EmailMessage, name: str) -> str:
    """A header as one line of text ("" when it is missing or cannot be read)."""
    try:
        value = message.get(name)
        return " ".join(str(value or "").split())
    except Exception:
        return ""


def _sent_on(message: EmailMessage) -> dt.date | None:
    """The calendar day of the mail's Date header, in the header's own time zone."""
    try:
        sent = getattr(message.get("date"), "datetime", None)
    except Exception:
        return None
    return sent.date() if isinstance(sent, dt.datetime) else None


def mail_where(subject: str) -> str:
    """``mail 'Order 3069…: Delivered'``: the subject, cut to about 60 characters."""
    return f"mail '{_cut(subject, _WHERE_SUBJECT_CHARS)}'" if subject else "mail (no subject)"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


FORMATS = [
    Format(
        name="aliexpress-emails",
        origin="an AliExpress email",
        label=LABEL,
        recognise=recognise,
        parse=parse,
    )
]
