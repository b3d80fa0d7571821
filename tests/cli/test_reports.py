"""``pack`` and ``stats`` as a user runs them: files written, figures printed, refusals."""

from __future__ import annotations

import hashlib
import json
import stat
import zipfile


def _dispute(cli, order_id: str = "8175123456789012") -> None:
    cli.add(order_id, "--delivered", "2026-03-01", title="Desk lamp", price="20.00")
    for args in (
        ("open_dispute", "--reason", "item_defective", "--outcome", "refund_only",
         "--on", "2026-03-05"),
        ("seller_agreed", "--amount", "12.50", "--on", "2026-03-07"),
        ("refunded", "--amount", "12.50", "--on", "2026-03-10"),
    ):  # fmt: skip
        done = cli("event", order_id, *args)
        assert done.code == 0, done.err


def test_pack_writes_a_private_zip_whose_manifest_matches_its_files(cli, tmp_path):
    _dispute(cli)
    done = cli("pack", "8175123456789012", "-o", str(tmp_path / "lamp.zip"))
    assert done.code == 0, done.err
    assert "Wrote the claim pack" in done.out and "lamp.zip" in done.out
    pack = tmp_path / "lamp.zip"
    assert stat.S_IMODE(pack.stat().st_mode) == 0o600
    with zipfile.ZipFile(pack) as archive:
        names = set(archive.namelist())
        assert {"summary.md", "timeline.txt", "chat.txt", "manifest.json"} <= names
        manifest = json.loads(archive.read("manifest.json"))
        for entry in manifest["files"]:
            data = archive.read(entry["path"])
            assert (len(data), hashlib.sha256(data).hexdigest()) == (
                entry["size"],
                entry["sha256"],
            )
        summary = archive.read("summary.md").decode()
    assert "Desk lamp" in summary and "item defective" in summary


def test_pack_twice_gives_the_same_bytes(cli, tmp_path):
    _dispute(cli)
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    assert cli("pack", "8175123456789012", "-o", str(first)).code == 0
    assert cli("pack", "8175123456789012", "-o", str(second)).code == 0
    assert first.read_bytes() == second.read_bytes()


def test_pack_refuses_an_unknown_order_and_both_destinations(cli, tmp_path):
    _dispute(cli)
    missing = cli("pack", "999999999999999", "-o", str(tmp_path / "x.zip"))
    assert missing.code == 2 and "not found" in missing.err
    assert not (tmp_path / "x.zip").exists()
    both = cli("pack", "8175123456789012", "-o", "a.zip", "--dir", "b")
    assert both.code == 2 and "not allowed with" in both.err


def test_stats_prints_the_figures_per_currency(cli):
    _dispute(cli)
    cli.add("8175000000000001", "--delivered", "2026-02-01", title="Old mug", currency="EUR")
    done = cli("stats")
    assert done.code == 0, done.err
    assert "Recovered" in done.out and "12.50 USD" in done.out
    assert "Missed windows" in done.out and "9.99 EUR" in done.out  # expired while open


def test_stats_json_and_since(cli):
    _dispute(cli)
    everything = json.loads(cli("stats", "--json").out)
    later = json.loads(cli("stats", "--json", "--since", "2026-03-09").out)
    assert everything != later
    refused = cli("stats", "--since", "yesterday-ish")
    assert refused.code == 2 and "--since" in refused.err
