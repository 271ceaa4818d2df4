"""API schemas every app's router shares."""

from ninja import Schema


class ErrorOut(Schema):
    """Every API error: a message in the caller's language and a stable code for programs."""

    detail: str
    code: str
