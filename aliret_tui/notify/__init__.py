"""Reminders that reach the shopper: what is due at which threshold (``selection``),
the words (``message``), where they go (``targets``), sending through Apprise
(``sending``), the run that ``check --notify`` makes (``due_reminders``), and the
daily schedule that runs it (``schedule``).

Nothing is imported here: ``check`` without ``--notify`` loads none of it, and
Apprise itself is imported only when something is sent.
"""
