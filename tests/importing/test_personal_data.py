"""Personal data is never stored: every fixture that holds a shipping name, an
address, a phone number or a payment method is imported through the CLI, as a
user would, and then the database file itself is searched for them."""

from __future__ import annotations

from pathlib import Path

from support.cli import run_cli

FIXTURES = Path(__file__).parent / "fixtures"
# The made-up personal data the fixtures carry, beside the orders they describe.
PERSONAL = {
    "nrbrook/orders.csv": (
        "Zelda Madeup-Person", "Calle Inventada", "Piso Ficticio", "+34 600 000 111",
        "Villaficticia", "Provincia Falsa", "Imaginary Card",
    ),
    "api_json/order_detail.json": (
        "Zelda Madeup-Person", "Calle Inventada", "+34 600 000 111", "Imaginary Card",
    ),
    "page_text/detail_page_completed.txt": (
        "Jonas", "Beispielmann", "5550123", "Fliederweg", "Beispielstadt", "4417",
    ),
    "emails/de_bestellung_versandt.eml": ("Musterfrau", "Ahornallee", "Musterhausen"),
}  # fmt: skip
TODAY = "2026-12-01"


def test_the_database_file_holds_no_personal_data(tmp_path):
    db = tmp_path / "orders.db"
    for name, personal in PERSONAL.items():
        source = FIXTURES / name
        held = source.read_text(encoding="utf-8")
        assert all(word in held for word in personal), f"{name} no longer holds them"
        done = run_cli(db, "import", str(source), today=TODAY)
        assert done.code == 0, done.err
        assert "added" in done.out
    stored = b"".join(
        path.read_bytes() for path in tmp_path.iterdir() if path.name.startswith("orders.db")
    )
    assert b"3071552088412093" in stored  # the orders themselves are there
    for name, personal in PERSONAL.items():
        for word in personal:
            assert word.encode() not in stored, f"{word!r} from {name} was stored"
