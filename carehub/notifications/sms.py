"""SMS backends. No provider is hard-wired: `SMS_BACKEND` is "console" (the demo prints them), "http" (JSON
POST to `SMS_URL`), "locmem" (tests) or the dotted path of a class with `send(*, to, text, reference)`.

The HTTP gateway contract (docs/notifications.md): POST `SMS_URL` with `Authorization: Bearer <SMS_TOKEN>` and
`{"to": "+34612345678", "from": SMS_SENDER, "text": "...", "reference": "<message key hash>"}`; any 2xx is
accepted. `reference` is the same on every attempt at one message, so a gateway that de-duplicates by it turns
our rare resend (a worker killed between the gateway's answer and our "sent" mark) into no duplicate SMS.
"""

import abc
import json
import logging
import sys
import urllib.error
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string

from .errors import PermanentFailure, TemporaryFailure

log = logging.getLogger(__name__)


class BaseSmsBackend(abc.ABC):
    @abc.abstractmethod
    def send(self, *, to: str, text: str, reference: str) -> None:
        """Hand one SMS to the gateway; raise TemporaryFailure or PermanentFailure when it is not accepted."""


class ConsoleSmsBackend(BaseSmsBackend):
    """The demo: prints each SMS on the worker's output."""

    def send(self, *, to: str, text: str, reference: str) -> None:
        sys.stdout.write(f"SMS to {to} [{reference}]: {text}\n")
        sys.stdout.flush()


class LocmemSmsBackend(BaseSmsBackend):
    """Tests: keeps what was sent in `LocmemSmsBackend.outbox`."""

    outbox: list[dict] = []

    def send(self, *, to: str, text: str, reference: str) -> None:
        LocmemSmsBackend.outbox.append({"to": to, "text": text, "reference": reference})


class HttpSmsBackend(BaseSmsBackend):
    """A gateway that takes one JSON POST per SMS."""

    def __init__(self, *, url: str | None = None, token: str | None = None, sender: str | None = None,
                 timeout: float | None = None):
        self.url = url or settings.SMS_URL
        self.token = settings.SMS_TOKEN if token is None else token
        self.sender = sender or settings.SMS_SENDER
        self.timeout = timeout or settings.SMS_TIMEOUT
        if not self.url:
            raise PermanentFailure("SMS_URL is not set")

    def send(self, *, to: str, text: str, reference: str) -> None:
        payload = json.dumps({"to": to, "from": self.sender, "text": text, "reference": reference}).encode()
        request = urllib.request.Request(self.url, data=payload, method="POST", headers={
            "Content-Type": "application/json", "Accept": "application/json",
            **({"Authorization": f"Bearer {self.token}"} if self.token else {}),
        })
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            # 408/429 and 5xx: the gateway is busy or broken; other 4xx: it refused this SMS for good.
            if exc.code in (408, 429) or exc.code >= 500:
                raise TemporaryFailure(f"SMS gateway answered HTTP {exc.code}") from exc
            raise PermanentFailure(f"SMS gateway refused the message: HTTP {exc.code}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise TemporaryFailure(f"SMS gateway unreachable: {reason}") from exc


def get_backend() -> BaseSmsBackend:
    name = settings.SMS_BACKEND
    cls = {"console": ConsoleSmsBackend, "http": HttpSmsBackend, "locmem": LocmemSmsBackend}.get(name)
    return (cls or import_string(name))()
