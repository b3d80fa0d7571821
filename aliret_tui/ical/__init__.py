"""The deadlines as an iCalendar feed (RFC 5545): ``aliret-tui ics`` and ``ics --serve``.

- ``syntax``: the RFC 5545 text itself (escaping, folding, values), written by hand
  so that an export streams event by event instead of building a document.
- ``wording``: what each event says (summary, description, alarms).
- ``feed``: one export, from the store's running clocks and its record of what
  was published, to the text and the record to save.
- ``serve``: the feed over HTTP on loopback, behind a token, for subscriptions.
"""

# Where ``--serve`` listens unless told otherwise (here, so the parser needs no import).
DEFAULT_PORT = 8375
LOOPBACK = "127.0.0.1"
