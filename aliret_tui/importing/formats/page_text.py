"""Text a shopper copies (select all, copy) from an AliExpress order page or order
email and pastes: the order LIST page, one order's DETAIL page (2026 layout) or the
text of an order email.

This module owns recognising such text, cutting it into one block per order, and
reading from each block only what the import needs: the order id, the order date,
the status, the store, the items (title, quantity, unit price), the total, the
delivery date, the buyer-protection date and "Free returns". ``emails`` reads the
bodies of AliExpress mails with the same reader (``PageText``).

Names, addresses, phone numbers and the payment method stand on these pages too and
are never read: lines under their labels, and lines that look like a phone number, a
card number or an e-mail address, are passed over and can never become a title or a
store.

Pasted text is never refused and nothing is guessed: what could not be read becomes a
short sentence in ``Parsed.unread``.

Choices, where the pages are not explicit:
- ``delivered_on``: a delivery date the text states (``Delivered 14/03/2026``,
  day first as in AliExpress mails) wins; otherwise "Order completed on", the day the
  buyer confirmed receipt (or AliExpress did so automatically), so the delivery was
  on or before it. "Shipment completed on" is the day the seller finished shipping
  (the four detail-page times are placed, paid, shipped, completed), so it is never
  taken as a delivery date.
- The status comes from a line that is exactly a status ("Completed", "Canceled ");
  several status words in a row are a progress bar or the page's tabs and say nothing.
- The order's ``title`` is left to the validation step, which builds it from the
  items; ``price`` is the total when the text shows one (the lines otherwise).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from aliret_tui.importing.dates import DateUnreadable, parse_date
from aliret_tui.importing.formats import Format, ParseContext
from aliret_tui.importing.incoming import IncomingLine, IncomingOrder, Parsed, Status
from aliret_tui.importing.money import Money, MoneyUnreadable, parse_money
from aliret_tui.importing.reading import RawInput
from aliret_tui.importing.statuses import parse_status

LABEL = "text copied from an AliExpress order page or email"
MIN_ID_DIGITS, MAX_ID_DIGITS = 10, 22
_RECOGNISE_CHARS = 2 * 1024 * 1024

# ── the order id ───────────────────────────────────────────────────────────────

_ID_LABELS = (
    r"order\s*id|order\s*(?:no\.?|number)|ref\.?\s?number|bestell-?nr\.?|bestellnummer"
    r"|id do pedido|n[ºo°]\.? do pedido"
)
# Labels under which an email lists its items ABOVE the number.
_ITEMS_ABOVE_LABEL = re.compile(r"^(?:bestell-?nr|bestellnummer)", re.IGNORECASE)
_ID_MENTION = re.compile(
    rf"(?<![^\W\d_])(?P<label>{_ID_LABELS})\s*[:#]?\s*(?P<rest>.*)$", re.IGNORECASE
)
_ID_IN_TEXT = re.compile(rf"(?<![^\W\d_])(?:{_ID_LABELS})[:#\s]*\d[\d ]{{8,}}", re.IGNORECASE)
# Digits, then groups of at least three after single spaces ("3069 0994 0565 9913");
# a short group after a space is something else ("… 9913 2 items").
_ID_DIGITS = re.compile(r"\d+(?: \d{3,})*")
_COPY = "copy"

# ── labels ─────────────────────────────────────────────────────────────────────

ORDER_DATE_LABELS = (
    "order placed on", "order date", "placed on", "ordered on", "aufgegeben am",
    "bestellt am", "data do pedido",
)  # fmt: skip
ORDER_COMPLETED_LABELS = ("order completed on",)
OTHER_DATE_LABELS = ("paid on", "shipment completed on", "bezahlt am")
TOTAL_LABELS = ("order total", "total", "bestellsumme", "gesamtbetrag", "gesamtsumme")
PRICE_ROW_LABELS = (
    "subtotal", "shipping", "store coupon", "aliexpress coupons", "coupons", "tax",
    "coins", "discount", "zwischensumme", "versandkosten", "steuer",
)  # fmt: skip
# Labels of personal data: the label, and the lines under it, are never read.
PERSONAL_LABELS = (
    "payment method", "payment methods", "payment", "paid with", "zahlungsmethode",
    "zahlungsart", "shipping address", "delivery address", "ship to", "deliver to",
    "versand nach", "lieferadresse", "lieferanschrift", "contact name",
    "contact information", "recipient", "phone", "phone number", "telefon", "address",
    "adresse", "forma de pagamento", "endereço de entrega",
)  # fmt: skip
# Buttons, headings and links of the pages and mails: never a title or a store.
UI_TEXT = frozenset(
    (
        "copy", "order details", "view details", "details", "order info", "order information",
        "items", "item", "add to cart", "buy again", "delete", "remove", "track order",
        "track", "confirm received", "confirm receipt", "leave feedback", "write a review",
        "contact seller", "open dispute", "return/refund", "returns/refunds", "view orders",
        "more", "help", "delivery", "package", "fast delivery", "free returns", "free return",
        "bestelldetails", "bestelldetails anzeigen", "bestellung prüfen",
        "bestellung verfolgen", "paketinfos", "details anzeigen", "aktualisierung anzeigen",
        "lieferung verfolgen", "sendungsverfolgung", "empfang bestätigen",
        "bewertung schreiben", "update der bestellung", "weitere details anzeigen",
        "alle anzeigen",
    )
)  # fmt: skip
_DATA_LABELS = (
    ORDER_DATE_LABELS + ORDER_COMPLETED_LABELS + OTHER_DATE_LABELS + TOTAL_LABELS + PRICE_ROW_LABELS
)
_NOT_ITEM_PREFIXES = (
    "estimated delivery", "voraussichtliche", "refund if", "free return", "kostenlose",
    "delivered", "zugestellt am",
)  # fmt: skip

# ── values ─────────────────────────────────────────────────────────────────────

_MONEY_SHAPE = re.compile(
    r"^[-−]?\s*(?:[A-Z]{1,3}\s?)?[^\w\s]{0,2}\s?\d[\d.,\s]*\s?(?:[^\w\s]{1,2}|zł|kr|руб\.?|[A-Z]{3})?$"
)
# "US $26.70x1", "€ 1,99 x1", "x1" (the price then stands on the line above, or nowhere).
_QUANTITY_LINE = re.compile(r"^(?P<price>.*?)\s*[x×]\s?(?P<quantity>\d{1,5})$")
_DATE_WORDS = (
    r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}"
    r"|[^\W\d_]{3,9}\.?\s\d{1,2},?\s?\d{4}|\d{1,2}\.?\s[^\W\d_]{3,9}\.?,?\s\d{4}"
)
_DELIVERED = re.compile(
    rf"\b(?:delivered|zugestellt)(?:\s+(?:on|am))?\s*:?\s+(?P<date>{_DATE_WORDS})",
    re.IGNORECASE,
)
_PROTECTION = re.compile(
    r"refund if no delivery (?:before|by)\s+(?P<date>[^·•|]+?)\s*(?:[·•|]|$)", re.IGNORECASE
)
_FREE_RETURN = re.compile(r"\bfree returns?\b|kostenlose rückgabe|devolução grátis", re.I)
_STATUS_HEADINGS = {
    "lieferung bestätigt": Status.DELIVERED,
    "delivery confirmed": Status.DELIVERED,
}
# Personal data, wherever it stands.
_PHONE = re.compile(r"\(\+?\d{1,4}\)|\+\d[\d\s()./-]{6,}|\b\d{3}[\s./-]\d{3}[\s./-]\d{3,}")
_EMAIL_ADDRESS = re.compile(r"[^\s@]+@[^\s@]+\.[^\W\d_]{2,}")
_CARD = re.compile(r"[*•]{2,}|\bending (?:in|with)\b|\bendet auf\b", re.IGNORECASE)
# What a store's name looks like: no digits runs, no commas, no contact details.
_NOT_A_STORE = re.compile(r"\d{4}|[,@+*•]|\.\.\.|…")
_CUT = ("...", "…")  # AliExpress cuts long titles in mails
_STORE_WORDS = re.compile(r"\b(?:store|shop|official|flagship|factory|boutique)\b\s*>?$", re.I)
_PERSONAL_WINDOW = 6


# ── reading the text ───────────────────────────────────────────────────────────


@dataclass
class IdMention:
    """A label for an order id and what follows it."""

    line: int  # the label's line
    last: int  # the last line of the mention (the id, "Copy")
    order_id: str | None  # None when the digits are no order id
    digits_shown: str
    items_above: bool  # email layout: the items stand above the label


@dataclass
class OrderBlock:
    order_id: str
    start: int
    end: int  # exclusive


@dataclass
class Problem:
    """A value the text shows but that cannot be read (``unreadable``), or one an
    order would need and that is missing."""

    field: str
    message: str
    unreadable: bool = True


@dataclass
class BlockReading:
    """What the lines of one order say."""

    status: Status | None = None
    ordered_on: dt.date | None = None
    delivered_on: dt.date | None = None  # a delivery date the text states
    completed_on: dt.date | None = None  # "Order completed on"
    protection_ends: dt.date | None = None
    free_return: bool = False
    store: str | None = None
    total: Money | None = None
    items: list[IncomingLine] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def clean_lines(text: str) -> list[str]:
    """The text's lines that say something, each with its spaces collapsed."""
    text = text.replace("\u00a0", " ").replace("\u202f", " ")
    for invisible in ("\u200b", "\u200c", "\u200d", "\ufeff", "\u2060"):
        text = text.replace(invisible, "")
    lines = (" ".join(line.split()) for line in text.splitlines())
    return [line for line in lines if line]


class PageText:
    """The lines of a page or mail, which of them are personal, and where the order
    ids stand; ``read`` reads one order's block."""

    def __init__(self, text: str):
        self.lines = clean_lines(text)
        self.keys = [_key(line) for line in self.lines]
        self.personal = self._personal_lines()
        self.mentions = self._id_mentions()
        self._mention_lines = {
            number for mention in self.mentions for number in range(mention.line, mention.last + 1)
        }

    # -- where the orders are --------------------------------------------------

    def _id_mentions(self) -> list[IdMention]:
        mentions = []
        for number, line in enumerate(self.lines):
            match = _ID_MENTION.search(line)
            if match is None:
                continue
            rest, last = match["rest"].strip(), number
            if not rest and number + 1 < len(self.lines):
                rest, last = self.lines[number + 1], number + 1
            digits = _ID_DIGITS.match(rest)
            if digits is None:
                continue  # "Order ID" with no number after it: a heading
            after = rest[digits.end() :].strip()
            if not after and last + 1 < len(self.lines) and self.keys[last + 1] == _COPY:
                last += 1
            order_id = digits[0].replace(" ", "")
            valid = MIN_ID_DIGITS <= len(order_id) <= MAX_ID_DIGITS
            mentions.append(
                IdMention(
                    line=number,
                    last=last,
                    order_id=order_id if valid else None,
                    digits_shown=digits[0],
                    items_above=bool(_ITEMS_ABOVE_LABEL.match(match["label"])),
                )
            )
        return mentions

    def order_blocks(self) -> list[OrderBlock]:
        """One block of lines per order id, in the order of the text.

        One id: the whole text is that order (a detail page, a mail). Several: a list
        page, where each order starts at its date and status above the id, or a mail,
        where each order starts at its "Aufgegeben am" above the items (or right after
        the order before)."""
        firsts: dict[str, IdMention] = {}
        for mention in self.mentions:
            if mention.order_id and mention.order_id not in firsts:
                firsts[mention.order_id] = mention
        if not firsts:
            return []
        if len(firsts) == 1:
            (order_id,) = firsts
            return [OrderBlock(order_id, 0, len(self.lines))]
        starts, previous_last = [], -1
        for mention in firsts.values():
            starts.append(self._block_start(mention, previous_last))
            previous_last = mention.last
        ends = [*starts[1:], len(self.lines)]
        return [
            OrderBlock(order_id, start, end)
            for order_id, start, end in zip(firsts, starts, ends, strict=True)
        ]

    def _block_start(self, mention: IdMention, previous_last: int) -> int:
        date_lines = [
            number
            for number in range(previous_last + 1, mention.line + 1)
            if _label_of(self.keys[number], ORDER_DATE_LABELS)
        ]
        if date_lines:
            start = date_lines[-1]
        elif mention.items_above:
            return previous_last + 1
        else:
            start = mention.line
        # A list page shows the status right above the date (or the id).
        while start - 1 > previous_last and self._status_line(start - 1) is not None:
            start -= 1
        return start

    # -- what one order says -------------------------------------------------

    def read(self, start: int, end: int, *, default_currency: str | None = None) -> BlockReading:
        reading = BlockReading()
        numbers = _Span(start, end, self.personal)
        reading.status = self._status(numbers)
        reading.ordered_on = self._labelled_date(numbers, ORDER_DATE_LABELS, "ordered_on", reading)
        reading.completed_on = self._labelled_date(
            numbers, ORDER_COMPLETED_LABELS, "delivered_on", reading
        )
        reading.delivered_on = self._delivered_date(numbers, reading)
        reading.protection_ends = self._protection_date(numbers, reading)
        reading.free_return = any(_FREE_RETURN.search(self.lines[n]) for n in numbers)
        reading.total = self._total(numbers, default_currency, reading)
        self._read_items(start, end, default_currency, reading)
        return reading

    def _status(self, numbers: _Span) -> Status | None:
        for number in numbers:
            status = self._status_line(number)
            if status is None:
                continue
            in_a_row = any(
                neighbour in numbers and self._status_line(neighbour) is not None
                for neighbour in (number - 1, number + 1)
            )
            if not in_a_row:
                return status
        for number in numbers:
            if heading := _STATUS_HEADINGS.get(self.keys[number]):
                return heading
        return None

    def _status_line(self, number: int) -> Status | None:
        if number in self.personal or number in self._mention_lines:
            return None
        return parse_status(self.lines[number])

    def _labelled_value(self, numbers: _Span, labels: tuple[str, ...]) -> str | None:
        """The value of the first row with one of ``labels``: on the label's line
        ("Order date: Feb 21, 2026") or on the next one."""
        for number in numbers:
            label = _label_of(self.keys[number], labels)
            if label is None:
                continue
            same_line = _after_label(self.lines[number], label)
            if same_line:
                return same_line
            if number + 1 in numbers:
                return self.lines[number + 1]
        return None

    def _labelled_date(
        self,
        numbers: _Span,
        labels: tuple[str, ...],
        field_name: str,
        reading: BlockReading,
    ) -> dt.date | None:
        value = self._labelled_value(numbers, labels)
        if value is None:
            return None
        try:
            return parse_date(value)
        except DateUnreadable:
            reading.problems.append(
                Problem(field_name, f"the date {_shown(value)} after {labels[0]!r} is unreadable")
            )
            return None

    def _delivered_date(self, numbers: _Span, reading: BlockReading) -> dt.date | None:
        text = "\n".join(self.lines[number] for number in numbers)
        match = _DELIVERED.search(text)
        if match is None:
            return None
        try:
            return parse_date(match["date"], day_first=True)
        except DateUnreadable:
            reading.problems.append(
                Problem("delivered_on", f"the delivery date {_shown(match['date'])} is unreadable")
            )
            return None

    def _protection_date(self, numbers: _Span, reading: BlockReading) -> dt.date | None:
        for number in numbers:
            match = _PROTECTION.search(self.lines[number])
            if match is None:
                continue
            try:
                return parse_date(match["date"])
            except DateUnreadable:
                reading.problems.append(
                    Problem(
                        "protection_ends",
                        f"the date {_shown(match['date'])} in 'Refund if no delivery before' "
                        "is unreadable",
                    )
                )
                return None
        return None

    def _total(
        self, numbers: _Span, default_currency: str | None, reading: BlockReading
    ) -> Money | None:
        value = self._labelled_value(numbers, TOTAL_LABELS)
        if value is None or not _MONEY_SHAPE.match(value):
            return None
        try:
            return parse_money(value, default_currency)
        except MoneyUnreadable:
            reading.problems.append(Problem("price", f"the total {_shown(value)} is unreadable"))
            return None

    # -- items ------------------------------------------------------------------

    def _read_items(
        self, start: int, end: int, default_currency: str | None, reading: BlockReading
    ) -> None:
        """Each item: a price line ("US $26.70x1", or "x1" under its price) with its
        title (and perhaps a variant) above it."""
        used: set[int] = set()
        for number in range(start, end):
            match = _QUANTITY_LINE.match(self.lines[number])
            if match is None or number in self.personal:
                continue
            price_text, price_line = match["price"].strip(), number
            if price_text and not _MONEY_SHAPE.match(price_text):
                continue  # "Pack of 2 x2" is a title, not a price
            above = self.lines[number - 1] if number > start else ""
            if not price_text and _MONEY_SHAPE.match(above):
                price_text, price_line = above, number - 1
            title_line, variant = self._title_above(
                price_line, start, used, first_item=not reading.items
            )
            used.update(range(price_line if title_line is None else title_line, number + 1))
            if title_line is None:
                message = f"the price line {_shown(self.lines[number])} has no title above it"
                reading.problems.append(Problem("lines", message, unreadable=False))
                continue
            line = IncomingLine(
                title=self.lines[title_line], quantity=int(match["quantity"]), attributes=variant
            )
            self._read_unit_price(line, price_text, default_currency, reading)
            if not reading.items:
                reading.store = self._store_above(title_line, start, used)
            reading.items.append(line)

    @staticmethod
    def _read_unit_price(
        line: IncomingLine, price_text: str, default_currency: str | None, reading: BlockReading
    ) -> None:
        if not price_text:
            message = f"no price found for {_shown(line.title)}"
            reading.problems.append(Problem("lines", message, unreadable=False))
            return
        try:
            money = parse_money(price_text, default_currency)
        except MoneyUnreadable:
            message = f"the price {_shown(price_text)} of {_shown(line.title)} is unreadable"
            reading.problems.append(Problem("lines", message))
            return
        line.unit_price, line.currency = money.amount, money.currency

    def _title_above(
        self, price_line: int, start: int, used: set[int], *, first_item: bool
    ) -> tuple[int | None, str]:
        """The item's title line above its price, and the variant between them.

        An item is its title, perhaps a variant ("Color: Black"), then its price. Two
        text lines above the price are title and variant, or (above an order's first
        item) store and title. A cut title ("…"), a "Name: value" variant or a third
        text line above tells; otherwise the order's first text line is its store,
        as list pages, detail pages and order mails show it."""
        below, above = price_line - 1, price_line - 2
        if not self._item_text(below, start, used):
            return None, ""
        if not self._item_text(above, start, used):
            return below, ""
        first, second = self.lines[above], self.lines[below]
        if second.endswith(_CUT) and not first.endswith(_CUT):
            return below, ""
        if first.endswith(_CUT) or (":" in second and ":" not in first):
            return above, second
        if _STORE_WORDS.search(first):
            return below, ""
        if self._item_text(above - 1, start, used):
            return above, second  # store, title, variant
        if first_item:
            return below, ""  # store, title
        return above, second

    def _store_above(self, title_line: int, start: int, used: set[int]) -> str | None:
        number = title_line - 1
        if not self._item_text(number, start, used):
            return None
        name = self.lines[number].removesuffix(">").strip()
        if _NOT_A_STORE.search(name) or len(name) > 80:
            return None
        return name

    def _item_text(self, number: int, start: int, used: set[int]) -> bool:
        """True for a line that may be an item's title, variant or store: inside the
        block, not personal, and no label, button, status, price or date line."""
        if number < start or number in used or number in self.personal:
            return False
        if number in self._mention_lines:
            return False
        line, key = self.lines[number], self.keys[number]
        return not (
            key in UI_TEXT
            or _is_label(key)
            or key.startswith(_NOT_ITEM_PREFIXES)
            or parse_status(line) is not None
            or key in _STATUS_HEADINGS
            or _QUANTITY_LINE.match(line) is not None
            or _MONEY_SHAPE.match(line) is not None
            or _looks_like_a_date(line)
            or _PROTECTION.search(line) is not None
        )

    # -- personal data -------------------------------------------------------

    def _personal_lines(self) -> set[int]:
        """Lines of names, addresses, phone numbers and payment: a personal label and
        the lines under it (up to the next label, price or status), and any line that
        looks like a phone number, a card or an e-mail address."""
        personal: set[int] = set()
        for number, line in enumerate(self.lines):
            key = self.keys[number]
            if _PHONE.search(line) or _EMAIL_ADDRESS.search(line) or _CARD.search(line):
                personal.add(number)
            label = _personal_label(key)
            if label is None:
                continue
            personal.add(number)
            if _after_label(line, label):
                continue  # "Payment method: Visa" holds its value on its own line
            for below in range(number + 1, min(number + 1 + _PERSONAL_WINDOW, len(self.lines))):
                if self._ends_personal_block(below):
                    break
                personal.add(below)
        return personal

    def _ends_personal_block(self, number: int) -> bool:
        line, key = self.lines[number], self.keys[number]
        return (
            _is_label(key)
            or _ID_MENTION.search(line) is not None
            or key in UI_TEXT
            or parse_status(line) is not None
            or _QUANTITY_LINE.match(line) is not None
            or _MONEY_SHAPE.match(line) is not None
        )


@dataclass(frozen=True)
class _Span:
    """The line numbers of one block that may be read (personal lines left out)."""

    start: int
    end: int
    hidden: set[int]

    def __contains__(self, number: object) -> bool:
        return (
            isinstance(number, int)
            and self.start <= number < self.end
            and (number not in self.hidden)
        )

    def __iter__(self) -> Iterator[int]:
        return (n for n in range(self.start, self.end) if n not in self.hidden)


def _key(line: str) -> str:
    """A line as labels are compared: case-folded, without a trailing colon or arrow."""
    return line.casefold().rstrip(" :：>›")


def _label_of(key: str, labels: tuple[str, ...]) -> str | None:
    """The label ``key`` starts with, as a whole word ("total" is no label of "totally")."""
    for label in labels:
        if key == label:
            return label
        if key.startswith(label) and key[len(label)] in " :：\t":
            return label
    return None


def _is_label(key: str) -> bool:
    return _label_of(key, _DATA_LABELS) is not None or _personal_label(key) is not None


def _personal_label(key: str) -> str | None:
    """The personal label a line is, or starts with: "Payment method", "Phone: …".
    A one-word label needs its colon ("Address labels, 100 pcs" is a title)."""
    for label in PERSONAL_LABELS:
        if key == label or key.startswith((label + ":", label + "：")):
            return label
        if " " in label and key.startswith(label + " "):
            return label
    return None


def _after_label(line: str, label: str) -> str:
    """What follows ``label`` on its own line ("Total:US $1.99" → "US $1.99")."""
    match = re.match(re.escape(label), line, re.IGNORECASE)
    rest = line[match.end() :] if match else line[len(label) :]
    return rest.strip(" :：\t>›")


def _looks_like_a_date(line: str) -> bool:
    if not re.match(rf"^(?:{_DATE_WORDS})\b", line):
        return False
    try:
        parse_date(line)
    except DateUnreadable:
        return bool(re.match(r"^\d{1,2}/\d{1,2}/\d{4}$", line))
    return True


def _shown(text: str) -> str:
    text = text.strip()
    return repr(text if len(text) <= 50 else text[:49] + "…")


# ── orders from pasted text ────────────────────────────────────────────────────


def parse_pasted_text(text: str, *, default_currency: str | None = None) -> Parsed:
    """Every order in text copied from an AliExpress order page or email."""
    page = PageText(text)
    parsed = Parsed()
    for mention in page.mentions:
        if mention.order_id is None:
            parsed.unread.append(
                f"{mention.digits_shown[:30]!r} after an order-number label is not an order "
                f"number ({MIN_ID_DIGITS}–{MAX_ID_DIGITS} digits); left out"
            )
    blocks = page.order_blocks()
    if not blocks:
        parsed.unread.append(
            "no AliExpress order number found (looked for 'Order ID', 'Ref. Number' "
            "and 'Bestell-Nr.' followed by its digits)"
        )
    for position, block in enumerate(blocks, start=1):
        reading = page.read(block.start, block.end, default_currency=default_currency)
        parsed.orders.append(order_from_reading(block.order_id, f"order {position}", reading))
        parsed.unread.extend(
            f"order {block.order_id}: {problem.message}" for problem in reading.problems
        )
        if not reading.items and reading.total is None:
            parsed.unread.append(f"order {block.order_id}: no items and no total found")
    return parsed


def order_from_reading(order_id: str, where: str, reading: BlockReading) -> IncomingOrder:
    """The order the reading of its block describes (``None`` for what it does not say)."""
    status = reading.status
    delivered_on = reading.delivered_on or reading.completed_on
    if status is None and delivered_on is not None:
        status = Status.DELIVERED
    return IncomingOrder(
        order_id=order_id,
        where=where,
        price=reading.total.amount if reading.total else None,
        currency=reading.total.currency if reading.total else None,
        store=reading.store,
        ordered_on=reading.ordered_on,
        delivered_on=delivered_on,
        protection_ends=reading.protection_ends,
        free_return=True if reading.free_return else None,
        status=status,
        lines=reading.items,
    )


# ── the format ────────────────────────────────────────────────────────────────


def recognise(raw: RawInput) -> bool:
    """Text with an order-id label followed by its digits; never JSON, CSV or a mail."""
    try:
        text = raw.text
        if text is None or raw.looks_like_json:
            return False
        head = text[:_RECOGNISE_CHARS]
        return (
            _ID_IN_TEXT.search(head) is not None
            and not _looks_like_csv(head)
            and not _looks_like_mail(head)
        )
    except Exception:
        return False


def _looks_like_csv(text: str) -> bool:
    """Two first lines cut into the same three or more cells by one separator."""
    lines = text.lstrip().splitlines()[:2]
    if len(lines) < 2:
        return False
    return any(
        lines[0].count(separator) >= 2 and lines[0].count(separator) == lines[1].count(separator)
        for separator in (",", ";", "\t")
    )


def _looks_like_mail(text: str) -> bool:
    """A mail or an mbox (RFC 822 headers first): that is the ``emails`` format's."""
    text = text.lstrip()
    if text.startswith("From "):
        text = text.split("\n", 1)[1] if "\n" in text else ""
    if re.match(r"^[\w-]+:", text) is None:
        return False
    header_block = re.split(r"\r?\n\r?\n", text, maxsplit=1)[0]
    names = {name.casefold() for name in re.findall(r"^([\w-]+):", header_block, flags=re.M)}
    return {"from", "subject"} <= names


def parse(raw: RawInput, context: ParseContext) -> Parsed:
    return parse_pasted_text(raw.text or "", default_currency=context.default_currency)


FORMATS = [
    Format(
        name="page-text",
        origin="a copied AliExpress page",
        label=LABEL,
        recognise=recognise,
        parse=parse,
    )
]
