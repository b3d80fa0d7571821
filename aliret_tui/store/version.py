"""The schema version this code writes, kept apart from the migrations so the
fast ``check`` path can read it without importing sqlite-utils."""

SCHEMA_VERSION = 6

# The migrations a database at SCHEMA_VERSION has applied, by name, for the quick
# read paths (`list`) that do not import the migrations (a test keeps the two equal).
MIGRATION_SET = "aliret_tui"
MIGRATIONS_TABLE = "_sqlite_migrations"  # sqlite-utils keeps the applied ones there
MIGRATION_NAMES = (
    "m001_create_tables", "m002_index_running_clocks", "m003_imports", "m004_reminders",
    "m005_index_live_orders", "m006_event_corrections",
)  # fmt: skip
