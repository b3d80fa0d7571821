"""The AliExpress order API JSON: saved list/detail responses and userscript
capture files. Fixtures are made up; their shape follows the real responses."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from aliret_tui.importing.formats import ParseContext
from aliret_tui.importing.formats.api_json import FORMATS, orders_from_api_document, parse
from aliret_tui.importing.formats.api_json import recognise as recognise_api_json
from aliret_tui.importing.incoming import ImportRefused, Parsed, Status
from aliret_tui.importing.reading import RawInput

FIXTURES = Path(__file__).parent / "fixtures" / "api_json"
LIST_API = "mtop.aliexpress.trade.buyer.order.list"
DETAIL_API = "mtop.aliexpress.trade.buyer.order.detail"


def fixture(name: str) -> RawInput:
    return RawInput(name, (FIXTURES / name).read_bytes())


def parsed(raw: RawInput) -> Parsed:
    assert recognise_api_json(raw)
    return parse(raw, ParseContext())


def as_raw(document: object, name: str = "pasted.json") -> RawInput:
    return RawInput.from_text(name, json.dumps(document, ensure_ascii=False))


def list_response(*fields: dict) -> dict:
    components = {
        f"pc_om_list_order_{number}": {"fields": item, "tag": "pc_om_list_order"}
        for number, item in enumerate(fields)
    }
    return {"api": LIST_API, "data": {"data": components}, "ret": ["SUCCESS::ok"]}


def order_fields(**changes: object) -> dict:
    fields = {
        "orderId": "3000000000000001",
        "orderDateText": "Mar 1, 2026",
        "statusText": "Completed",
        "storeName": "Made-up Store",
        "currencyCode": "EUR",
        "totalPriceText": "€5.00",
        "orderLines": [{"itemTitle": "Thing", "itemPriceText": "€5.00", "quantity": 1}],
    }
    fields.update(changes)
    return fields


def detail_response(order_id: int, **info: object) -> dict:
    components = {
        "detail_order_status_block_1": {
            "fields": {"orderId": order_id, "title": info.pop("status", "Completed")},
            "tag": "detail_order_status_block",
        },
        "detail_simple_order_info_component_2": {
            "fields": {"tradeOrderId": order_id, **info},
            "tag": "detail_simple_order_info_component",
        },
    }
    return {"api": DETAIL_API, "data": {"data": components}, "ret": ["SUCCESS::ok"]}


def capture_file(*bodies: object) -> RawInput:
    captures = [
        {"url": f"//acs.aliexpress.com/h5/{LIST_API}/1.0/", "status": 200, "body": body}
        for body in bodies
    ]
    return as_raw(captures, "aliexpress-order-api-capture.json")


def refusal(raw: RawInput) -> ImportRefused:
    with pytest.raises(ImportRefused) as caught:
        parse(raw, ParseContext())
    return caught.value


# --------------------------------------------------------------------------- list response


def test_the_format_is_offered_under_its_name():
    assert [f.name for f in FORMATS] == ["aliexpress-api-json"]
    assert FORMATS[0].label == "AliExpress order pages (API JSON)"


def test_a_multi_item_order_keeps_its_total_and_each_line():
    order = parsed(fixture("order_list.json")).orders[0]

    assert order.order_id == "3011223344556677"
    assert order.where == "order 1"
    assert order.title is None  # the validation step names it after its lines
    assert order.price == Decimal("48.88")
    assert order.currency == "EUR"
    assert order.store == "Bright Lamp Workshop"
    assert order.ordered_on == dt.date(2025, 1, 24)
    assert order.status is Status.DELIVERED
    lamp, bulbs = order.lines
    assert lamp.title == "Desk lamp with clamp"
    assert (lamp.unit_price, lamp.currency, lamp.quantity) == (Decimal("26.52"), "EUR", 1)
    assert lamp.attributes == "Color: Black, Ships From: GERMANY"
    assert lamp.product_url == "https://www.aliexpress.com/item/1005000000000011.html"
    assert lamp.line_id == "3011223344566677"
    assert (bulbs.unit_price, bulbs.quantity) == (Decimal("11.18"), 2)


def test_a_local_free_return_tag_marks_the_line_and_the_order():
    first, second, *_ = parsed(fixture("order_list.json")).orders

    assert [line.free_return for line in first.lines] == [True, False]
    assert first.free_return is True
    assert second.free_return is None  # not said, so a stored value stays


@pytest.mark.parametrize(
    ("position", "price", "currency"),
    [
        (0, Decimal("48.88"), "EUR"),  # €48.88|48|88
        (1, Decimal("120.95"), "USD"),  # US $120.95
        (2, Decimal("129.46"), "PLN"),  # 129,46zł
        (3, Decimal("132.74"), "BRL"),  # R$132,74|132|74
    ],
)
def test_each_money_form(position, price, currency):
    order = parsed(fixture("order_list.json")).orders[position]

    assert (order.price, order.currency) == (price, currency)


@pytest.mark.parametrize(
    ("position", "status"),
    [
        (0, Status.DELIVERED),  # Completed
        (1, Status.IN_TRANSIT),  # Awaiting delivery
        (2, Status.CANCELLED),  # "Canceled " with its trailing space
        (3, Status.IN_TRANSIT),  # Processing
        (4, Status.NEVER_PAID),  # Expired
    ],
)
def test_each_status_class(position, status):
    assert parsed(fixture("order_list.json")).orders[position].status is status


def test_an_old_order_without_a_total_leaves_price_and_currency_unsaid():
    old = parsed(fixture("order_list.json")).orders[4]

    assert old.order_id == "100223344556677"
    assert (old.price, old.currency) == (None, None)
    assert (old.lines[0].unit_price, old.lines[0].currency) == (Decimal("18.04"), "USD")


def test_never_paid_orders_are_returned_for_the_merge_step_to_skip():
    orders = parsed(fixture("order_list.json")).orders

    assert len(orders) == 5
    assert [o.order_id for o in orders if o.status is Status.NEVER_PAID] == ["100223344556677"]


def test_orders_are_found_by_tag_whatever_their_key_and_depth():
    fields = order_fields(orderId="3000000000000002")
    document = {"api": LIST_API, "data": {"data": {"odd_key": {"wrapper": [
        {"fields": fields, "tag": "pc_om_list_order"},
        {"fields": order_fields(orderId="3999"), "tag": "pc_om_list_header"},
    ]}}}}  # fmt: skip

    orders = parsed(as_raw(document)).orders

    assert [order.order_id for order in orders] == ["3000000000000002"]


def test_the_split_price_form_is_preferred_to_the_display_text():
    fields = order_fields(formatPriceInfo="US $120.95|120|95", totalPriceText="about a hundred")

    order = parsed(as_raw(list_response(fields))).orders[0]

    assert order.price == Decimal("120.95")


def test_a_numeric_order_id_and_spaces_around_it_are_passed_on_as_text():
    order = parsed(as_raw(list_response(order_fields(orderId=" 3000000000000003 ")))).orders[0]
    assert order.order_id == "3000000000000003"

    order = parsed(as_raw(list_response(order_fields(orderId=3000000000000004)))).orders[0]
    assert order.order_id == "3000000000000004"


def test_only_the_data_part_of_a_response_is_enough():
    document = list_response(order_fields())["data"]

    assert [order.order_id for order in parsed(as_raw(document)).orders] == ["3000000000000001"]


# --------------------------------------------------------------------------- detail response


def test_a_detail_gives_its_labelled_dates_and_the_protection_date():
    order = parsed(fixture("order_detail.json")).orders[0]

    assert order.order_id == "8055667788990011"
    assert order.status is Status.DELIVERED
    assert order.ordered_on == dt.date(2026, 7, 15)  # Order placed on
    assert order.delivered_on == dt.date(2026, 7, 28)  # Order completed on
    assert order.protection_ends == dt.date(2026, 9, 4)  # Refund if no delivery before …
    assert order.price == Decimal("120.95")  # US $120.95|120|95
    assert order.currency == "USD"
    assert order.store == "Summit Tools Store"
    assert order.free_return is True  # the "Free returns" service
    assert order.country == "ES"
    (line,) = order.lines
    assert line.free_return is True  # a detail's tag says "Free returns" with no type
    assert line.attributes == "Color: Orange"


def test_a_detail_never_carries_the_address_phone_or_payment_method():
    text = repr(parsed(fixture("order_detail.json")))

    for personal in (
        "Zelda Madeup-Person",
        "Calle Inventada",
        "Piso Ficticio",
        "+34 600 000 111",
        "99999",
        "Villaficticia",
        "Imaginary Card",
    ):
        assert personal not in text


def test_order_completed_on_of_a_cancelled_order_is_not_a_delivery():
    document = detail_response(
        3000000000000005,
        status="Closed",
        orderEndTime="Mar 9, 2026",
        orderEndTimeTile="Order completed on",
    )

    order = parsed(as_raw(document)).orders[0]

    assert order.status is Status.CANCELLED
    assert order.delivered_on is None


def test_labels_are_matched_whatever_the_keys_that_hold_them():
    document = detail_response(
        3000000000000006,
        creation={"title": "Order placed on", "value": "21 Feb 2026"},
        finish={"whenTitle": "Order completed on:", "when": "2026-03-01"},
    )

    order = parsed(as_raw(document)).orders[0]

    assert (order.ordered_on, order.delivered_on) == (dt.date(2026, 2, 21), dt.date(2026, 3, 1))


def test_an_empty_detail_skeleton_holds_no_order():
    skeleton = {"detail_root_container_1": {"fields": {}, "tag": "detail_root_container"}}
    document = {"api": DETAIL_API, "data": {"data": skeleton}, "ret": ["SUCCESS::ok"]}

    assert parsed(as_raw(document)).orders == []


# --------------------------------------------------------------------------- capture file


def test_a_capture_merges_the_list_and_detail_of_one_order():
    result = parsed(fixture("capture.json"))
    merged, unpaid = result.orders

    assert merged.order_id == "3066778899001122"
    assert merged.where == "capture 2, order 1"
    assert merged.price == Decimal("43.46")
    assert merged.ordered_on == dt.date(2026, 8, 2)
    # the detail adds what the list lacks, and its status goes with its dates
    assert merged.status is Status.DELIVERED
    assert merged.delivered_on == dt.date(2026, 9, 1)
    assert merged.protection_ends == dt.date(2026, 9, 23)
    assert merged.country == "FR"
    assert merged.free_return is True
    assert [line.title for line in merged.lines] == ["Solar path light", "Hose connector"]
    assert [line.free_return for line in merged.lines] == [True, False]
    assert unpaid.status is Status.NEVER_PAID
    assert unpaid.where == "capture 2, order 2"


def test_a_capture_skips_other_apis_and_notes_error_answers():
    result = parsed(fixture("capture.json"))

    assert len(result.orders) == 2
    assert result.unread == [
        "capture 4: an error answer, no orders (FAIL_SYS_SESSION_EXPIRED::Session expired)"
    ]


def test_a_detail_captured_before_the_list_still_merges_onto_the_list():
    captures = json.loads((FIXTURES / "capture.json").read_text(encoding="utf-8"))
    captures[1], captures[2] = captures[2], captures[1]

    merged = parsed(as_raw(captures)).orders[0]

    assert merged.where == "capture 3, order 1"
    assert merged.status is Status.DELIVERED
    assert merged.price == Decimal("43.46")
    assert len(merged.lines) == 2


def test_a_jsonp_wrapped_body_is_read():
    body = "mtopjsonp3(" + json.dumps(list_response(order_fields())) + ")"

    assert [o.order_id for o in parsed(capture_file(body)).orders] == ["3000000000000001"]


def test_nrbrook_list_and_detail_json_shapes_are_read_and_merged():
    list_json = order_fields(orderId="3000000000000007", statusText="Awaiting delivery")
    detail_json = {
        "detail_order_status_block": {"orderId": 3000000000000007, "title": "Completed"},
        "detail_simple_order_info_component": {
            "tradeOrderId": 3000000000000007,
            "orderEndTime": "Mar 20, 2026",
            "orderEndTimeTile": "Order completed on",
        },
    }

    (order,) = orders_from_api_document([list_json, detail_json], "row 2")

    assert order.where == "row 2, order 1"
    assert order.status is Status.DELIVERED
    assert order.delivered_on == dt.date(2026, 3, 20)
    assert order.price == Decimal("5.00")


# --------------------------------------------------------------------------- refusals


def test_an_unreadable_price_is_refused_naming_the_order_and_field():
    error = refusal(as_raw(list_response(order_fields(), order_fields(totalPriceText="€ lots"))))

    assert (error.where, error.field) == ("order 2", "price")


def test_an_unreadable_line_price_names_the_line():
    lines = [{"itemTitle": "Thing", "itemPriceText": "1,2,3.4.5", "quantity": 1}]

    error = refusal(capture_file(json.dumps(list_response(order_fields(orderLines=lines)))))

    assert (error.where, error.field) == ("capture 1, order 1, line 1", "price")


def test_an_unreadable_date_is_refused():
    error = refusal(as_raw(list_response(order_fields(orderDateText="sometime in spring"))))

    assert (error.where, error.field) == ("order 1", "ordered_on")


def test_an_unknown_status_is_refused_rather_than_guessed():
    error = refusal(as_raw(list_response(order_fields(statusText="Teleported"))))

    assert (error.where, error.field) == ("order 1", "status")
    assert "Teleported" in str(error)


def test_an_unreadable_protection_date_is_refused():
    document = detail_response(3000000000000008, service="Refund if no delivery before 31/31/2026")

    error = refusal(as_raw(document))

    assert (error.where, error.field) == ("order 1", "protection_ends")


def test_the_protection_phrase_without_a_date_is_passed_over():
    document = detail_response(3000000000000008, help="Refund if no delivery before the date shown")

    assert parsed(as_raw(document)).orders[0].protection_ends is None


def test_two_different_protection_dates_are_refused():
    document = detail_response(
        3000000000000008,
        service="Refund if no delivery before Sep 4, 2026",
        other="Refund if no delivery before Sep 9, 2026",
    )

    error = refusal(as_raw(document))

    assert (error.where, error.field) == ("order 1", "protection_ends")


def test_a_quantity_that_is_not_a_number_is_refused():
    lines = [{"itemTitle": "Thing", "itemPriceText": "€5.00", "quantity": "two"}]

    error = refusal(as_raw(list_response(order_fields(orderLines=lines))))

    assert (error.where, error.field) == ("order 1, line 1", "quantity")


def test_an_order_without_an_id_is_refused():
    fields = order_fields()
    del fields["orderId"]

    error = refusal(as_raw(list_response(fields)))

    assert (error.where, error.field) == ("order 1", "order_id")


def test_a_broken_order_body_in_a_capture_is_refused():
    error = refusal(capture_file('{"data": {"pc_om_list_order_1": '))

    assert error.where == "capture 1, body"


def test_duplicate_keys_inside_a_captured_body_are_refused():
    body = '{"data": {"data": {}}, "data": {"pc_om_list_order": 1}}'

    error = refusal(capture_file(body))

    assert error.where == "capture 1, body"
    assert "twice" in str(error)


def test_a_saved_error_response_is_refused():
    document = {"api": LIST_API, "data": {}, "ret": ["FAIL_SYS_TOKEN_EXOIRED::token expired"]}

    error = refusal(as_raw(document))

    assert "FAIL_SYS_TOKEN_EXOIRED" in str(error)


# --------------------------------------------------------------------------- recognise


@pytest.mark.parametrize(
    "text",
    [
        # Shopper Inventory CSV, AliExpress Order Exporter CSV, aliret-tui's own CSV
        "Order Date,Order ID,Title,Qty,Price,Store,Product ID,SKU ID,Attributes,Price Info,"
        "Currency,Status,Product Url,Product Image Url,Store Url,Tags\n",
        "Order ID,Order Date,Status,Product Title,Product Link,Currency,Price,Store Name,"
        "Store Link\n",
        "order_id,title,price,currency,store,ordered_on,delivered_on,window_days,"
        "protection_ends,country,free_return,local_return,note\n",
        # nrbrook's orders CSV
        "order_id,order_date,status,total_price_text,currency,store_name,order_title,"
        "order_titles,item_image_url,order_line_count,payment_method,list_json,detail_json\n",
        # Shopper Inventory JSON
        '[{"orderId": "3000000000000009", "orderLineId": "3000000000000010", "title": "x"}]',
        # a notification mail and a pasted order page
        "From: transaction@notice.aliexpress.com\nSubject: Order 3000000000000009: Delivered\n",
        "Order date: Feb 21, 2026\nOrder ID: 3000000000000009Copy\nCompleted\n",
        # garbage and near misses
        "",
        "hello",
        "{",
        "[]",
        "{}",
        '{"data": 5}',
        "[1, 2, 3]",
        '{"api": "mtop.something.else", "data": {"data": {}}}',
        '{"api": "mtop.aliexpress.trade.buyer.order.count", "data": {"module": {}}}',
        '[{"url": "//acs.aliexpress.com/h5/mtop.recommend/1.0/", "body": "{}"}]',
        '{"a": 1, "a": 2}',
        "[" * 100 + "]" * 100,
    ],
)
def test_other_formats_and_garbage_are_not_claimed(text):
    assert recognise_api_json(RawInput.from_text("input", text)) is False


def test_binary_data_is_not_claimed():
    raw = RawInput("book.xlsx", b"PK\x03\x04\x00\x00\x00" + bytes(200))

    assert recognise_api_json(raw) is False


def test_a_capture_is_recognised_by_its_content_not_its_name():
    body = json.dumps(list_response(order_fields()))
    raw = as_raw([{"url": "", "status": 200, "body": body}], "notes.txt")

    assert recognise_api_json(raw) is True
