"""AliExpress order statuses, as the pages and exporters write them in English
and a few other languages, sorted into what the import needs to know."""

from __future__ import annotations

from aliret_tui.importing.incoming import Status

_STATUS_WORDS: dict[Status, tuple[str, ...]] = {
    Status.NEVER_PAID: (
        "awaiting payment", "to pay", "expired", "unpaid", "aguardando pagamento",
        "zahlung ausstehend", "warten auf zahlung", "en attente de paiement", "pendiente de pago",
    ),
    Status.IN_TRANSIT: (
        "processing", "to ship", "awaiting shipment", "awaiting delivery", "shipped",
        "in transit", "to receive", "package in transit", "out for delivery", "in your country",
        "order shipped", "order confirmed", "aguardando envio", "aguardando a entrega",
        "enviado", "versandt", "bestellung versandt", "wird zugestellt", "unterwegs",
        "en cours de livraison", "expédié", "en camino",
    ),
    Status.DELIVERED: (
        "completed", "finished", "finish", "delivered", "awaiting confirmation", "concluído",
        "concluido", "entregue", "abgeschlossen", "zugestellt", "terminée", "terminé",
        "completado", "livré",
    ),
    Status.CANCELLED: (
        "canceled", "cancelled", "closed", "order closed", "cancelado", "fechado", "storniert",
        "geschlossen", "annulée", "annulé",
    ),
}  # fmt: skip
_BY_TEXT = {word: status for status, words in _STATUS_WORDS.items() for word in words}


def parse_status(text: str | None) -> Status | None:
    """The status class of ``text`` ("Canceled " → CANCELLED), or None if unknown."""
    if not text:
        return None
    key = " ".join(text.replace("_", " ").split()).casefold().rstrip(".")
    return _BY_TEXT.get(key)
