"""The README's speed figures are RESULTS.md's, word for word (issue 17): the table of
targets at 100,000 orders is copied, never retyped."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_speed_table_is_results_md_word_for_word():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    results = (ROOT / "tests" / "perf" / "RESULTS.md").read_text(encoding="utf-8")
    speed = readme[readme.index("## Speed") :]
    rows = [line for line in speed.splitlines() if line.startswith("|")]
    assert len(rows) >= 10
    for row in rows:
        assert row in results.splitlines(), row
