"""How a delivery attempt can fail: try again later, or never (the desk calls instead)."""


class DeliveryError(Exception):
    """Base: `reason` is what the message's last_error records (no addresses, no message text)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class TemporaryFailure(DeliveryError):
    """The server was unreachable, slow or busy: retried with backoff."""


class PermanentFailure(DeliveryError):
    """The address or number was refused for good: retrying cannot help."""
