"""The columns of the CSV that `import` reads and `export` writes (light to import:
the dashboard names them in its empty state)."""

CSV_COLUMNS = (
    "order_id",
    "title",
    "price",
    "currency",
    "store",
    "ordered_on",
    "delivered_on",
    "window_days",
    "protection_ends",
    "country",
    "free_return",
    "local_return",
    "note",
)
REQUIRED_CSV_COLUMNS = CSV_COLUMNS[:4]
# Written by export for reading in a spreadsheet; ignored by import.
CSV_EXTRA_COLUMNS = ("state", "next_deadline")
