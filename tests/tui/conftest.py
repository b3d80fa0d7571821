"""Pilot fixtures: a real SQLite file in tmp_path and a frozen clock."""

from support.pilot_fixtures import db_path, make_app, store  # noqa: F401  (fixtures)
