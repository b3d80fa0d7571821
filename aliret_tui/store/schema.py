"""The database schema, as a list of sqlite-utils migrations.

Each migration is one small named function and runs in its own transaction.
Never edit a migration that has shipped: add a new one. The store writes
``SCHEMA_VERSION`` to ``PRAGMA user_version`` after migrating, so the fast
``check`` command can refuse a newer database without reading the
migrations table.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from aliret_tui.store.version import SCHEMA_VERSION

MIGRATION_SET = "aliret_tui"
migrations = Migrations(MIGRATION_SET)


@migrations()
def m001_create_tables(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE orders (
            order_id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            price TEXT NOT NULL,
            currency TEXT NOT NULL,
            store TEXT NOT NULL DEFAULT '',
            ordered_on TEXT,
            delivered_on TEXT,
            window_days INTEGER,
            protection_ends TEXT,
            country TEXT,
            free_return INTEGER NOT NULL DEFAULT 0,
            local_return INTEGER NOT NULL DEFAULT 0,
            note TEXT NOT NULL DEFAULT '',
            state TEXT NOT NULL,
            clock_since TEXT,
            clock TEXT,
            deadline TEXT,
            archived INTEGER NOT NULL DEFAULT 0,
            version INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        ) STRICT
        """
    )
    db.execute("CREATE INDEX orders_deadline ON orders (deadline) WHERE deadline IS NOT NULL")
    db.execute("CREATE INDEX orders_state ON orders (state)")
    db.execute(
        """
        CREATE TABLE disputes (
            order_id TEXT PRIMARY KEY REFERENCES orders (order_id) ON DELETE CASCADE,
            reason TEXT NOT NULL,
            outcome TEXT NOT NULL,
            opened_on TEXT NOT NULL,
            escalated_on TEXT,
            return_approved_on TEXT,
            return_carrier TEXT NOT NULL DEFAULT '',
            return_tracking TEXT NOT NULL DEFAULT '',
            return_shipped_on TEXT,
            return_delivered_on TEXT,
            refund_due_since TEXT,
            refund_expected TEXT,
            refund_amount TEXT,
            refunded_on TEXT
        ) STRICT
        """
    )
    db.execute(
        """
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            order_id TEXT NOT NULL REFERENCES orders (order_id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            kind TEXT NOT NULL,
            on_date TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            reason TEXT,
            outcome TEXT,
            tracking TEXT NOT NULL DEFAULT '',
            carrier TEXT NOT NULL DEFAULT '',
            amount TEXT,
            recorded_at TEXT NOT NULL,
            UNIQUE (order_id, seq)
        ) STRICT
        """
    )
    db.execute(
        """
        CREATE TABLE messages (
            id INTEGER PRIMARY KEY,
            order_id TEXT NOT NULL REFERENCES orders (order_id) ON DELETE CASCADE,
            sender TEXT NOT NULL,
            sent_at TEXT NOT NULL,
            text TEXT NOT NULL,
            edited_at TEXT NOT NULL DEFAULT ''
        ) STRICT
        """
    )
    db.execute("CREATE INDEX messages_order ON messages (order_id, sent_at)")
    db.execute(
        """
        CREATE TABLE evidence (
            id INTEGER PRIMARY KEY,
            order_id TEXT NOT NULL REFERENCES orders (order_id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            label TEXT NOT NULL,
            kind TEXT NOT NULL,
            done INTEGER NOT NULL DEFAULT 0,
            note TEXT NOT NULL DEFAULT '',
            custom INTEGER NOT NULL DEFAULT 0
        ) STRICT
        """
    )
    db.execute("CREATE INDEX evidence_order ON evidence (order_id, position)")
    db.execute(
        """
        CREATE TABLE attachments (
            id INTEGER PRIMARY KEY,
            evidence_id INTEGER NOT NULL REFERENCES evidence (id) ON DELETE CASCADE,
            path TEXT NOT NULL,
            size INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            attached_at TEXT NOT NULL
        ) STRICT
        """
    )
    db.execute("CREATE INDEX attachments_evidence ON attachments (evidence_id)")
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT")


@migrations()
def m002_index_running_clocks(db: Database) -> None:
    """`check` asks for running clocks by kind and deadline; expired inspection
    windows (most orders, after a while) must not be scanned to find them."""
    db.execute("DROP INDEX IF EXISTS orders_deadline")
    db.execute(
        "CREATE INDEX orders_clock_deadline ON orders (clock, deadline) WHERE clock IS NOT NULL"
    )


@migrations()
def m003_imports(db: Database) -> None:
    """Imports from AliExpress sources: order lines, where each fact came from,
    orders delivered on an unknown day, and where an event came from."""
    db.execute("ALTER TABLE orders ADD COLUMN delivery_unknown INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE events ADD COLUMN source TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE events ADD COLUMN lines TEXT NOT NULL DEFAULT ''")
    db.execute(
        """
        CREATE TABLE order_lines (
            id INTEGER PRIMARY KEY,
            order_id TEXT NOT NULL REFERENCES orders (order_id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            line_id TEXT NOT NULL DEFAULT '',
            title TEXT NOT NULL,
            quantity INTEGER NOT NULL DEFAULT 1,
            unit_price TEXT,
            attributes TEXT NOT NULL DEFAULT '',
            product_url TEXT NOT NULL DEFAULT '',
            free_return INTEGER NOT NULL DEFAULT 0,
            disputed INTEGER NOT NULL DEFAULT 0,
            UNIQUE (order_id, position)
        ) STRICT
        """
    )
    db.execute(
        """
        CREATE TABLE fact_sources (
            order_id TEXT NOT NULL REFERENCES orders (order_id) ON DELETE CASCADE,
            field TEXT NOT NULL,
            origin TEXT NOT NULL,
            source TEXT NOT NULL,
            recorded_on TEXT NOT NULL,
            PRIMARY KEY (order_id, field)
        ) STRICT
        """
    )


@migrations()
def m004_reminders(db: Database) -> None:
    """What each reminder already told the shopper, so a reminder arrives once: each
    deadline at each threshold, per target (named by a hash: a target URL holds
    secrets); and which calendar events an export published, so only those are
    cancelled when their clock ends."""
    db.execute(
        """
        CREATE TABLE reminders_sent (
            order_id TEXT NOT NULL REFERENCES orders (order_id) ON DELETE CASCADE,
            clock TEXT NOT NULL,
            deadline TEXT NOT NULL,
            threshold INTEGER NOT NULL,
            target TEXT NOT NULL,
            sent_at TEXT NOT NULL,
            PRIMARY KEY (order_id, clock, deadline, threshold, target)
        ) STRICT
        """
    )
    db.execute(
        """
        CREATE TABLE calendar_published (
            uid TEXT PRIMARY KEY,
            order_id TEXT NOT NULL,
            summary TEXT NOT NULL,
            starts_on TEXT NOT NULL,
            sequence INTEGER NOT NULL DEFAULT 0,
            published_at TEXT NOT NULL,
            cancelled_at TEXT
        ) STRICT
        """
    )


@migrations()
def m005_index_live_orders(db: Database) -> None:
    """Indexes for the reads that must stay quick with years of orders.

    - The live orders (the dashboard's first rows) include the inspection windows
      still open: ``state = 'window_open' AND deadline >= today`` is a range of
      (state, deadline), not every window_open order there ever was. The index is
      partial (rows with a deadline), so that a query by state alone keeps the state
      index: it reads the table in row order, where (state, deadline) would jump
      about it, twice as slow for the 34,000 windows of 100,000 orders.
    - The orders not delivered yet (a few percent): a small index of their own.
    - ``check`` reads the running clocks due soon: (clock, deadline) now also holds
      every column it reads, so its thousands of rows come from the index alone,
      without a lookup in the table for each.
    """
    db.execute(
        "CREATE INDEX orders_state_deadline ON orders (state, deadline) WHERE deadline IS NOT NULL"
    )
    db.execute("CREATE INDEX orders_undelivered ON orders (state) WHERE delivered_on IS NULL")
    db.execute("DROP INDEX IF EXISTS orders_clock_deadline")
    db.execute(
        "CREATE INDEX orders_clock_deadline ON orders "
        "(clock, deadline, archived, order_id, title, store, delivered_on) "
        "WHERE clock IS NOT NULL"
    )


@migrations()
def m006_event_corrections(db: Database) -> None:
    """The record of corrections to timelines: each event taken back (``after`` is
    NULL) or corrected, as it was and as it became (JSON of the event's columns), and
    when. What a mediator sees stays honest after a mistake is undone."""
    db.execute(
        """
        CREATE TABLE event_corrections (
            id INTEGER PRIMARY KEY,
            order_id TEXT NOT NULL REFERENCES orders (order_id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            before TEXT NOT NULL,
            after TEXT,
            corrected_at TEXT NOT NULL
        ) STRICT
        """
    )
    db.execute("CREATE INDEX event_corrections_order ON event_corrections (order_id, id)")


# sqlite-utils keeps the registered list private; it is pinned below 5 in pyproject.
KNOWN_MIGRATIONS = tuple(m.name for m in migrations._migrations)
assert len(KNOWN_MIGRATIONS) == SCHEMA_VERSION, "bump store/version.py with each migration"
