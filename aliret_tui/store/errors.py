"""The errors the store raises: each message is for the user, and says why."""

from __future__ import annotations

from aliret_tui.errors import UserError


class StoreError(UserError):
    """The database cannot be used as asked; the message says why, for the user."""


class OrderNotFound(StoreError):
    def __init__(self, order_id: str):
        super().__init__(f"order {order_id!r} not found")
        self.order_id = order_id


class EditConflict(StoreError):
    """Somebody else saved the order since it was loaded."""


class UpgradeNeeded(StoreError):
    """A read-only open found a database that needs a migration (a write) first."""
