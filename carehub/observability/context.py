"""The current request's id, for log lines and error bodies written anywhere during the request."""

import re
import secrets
from contextvars import ContextVar

request_id_var: ContextVar[str | None] = ContextVar("carehub_request_id", default=None)

# An id a proxy in front sent (X-Request-ID) is kept only when it is a short plain token, so that a client can
# neither write into our logs nor make an id that looks like someone else's data.
SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def new_request_id() -> str:
    return secrets.token_hex(8)


def request_id_from(header: str | None) -> str:
    if header and SAFE_REQUEST_ID.fullmatch(header):
        return header
    return new_request_id()


def current_request_id() -> str | None:
    return request_id_var.get()
