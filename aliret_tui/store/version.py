"""The schema version this code writes, kept apart from the migrations so the
fast ``check`` path can read it without importing sqlite-utils."""

SCHEMA_VERSION = 6
