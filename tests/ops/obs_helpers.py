"""Helpers of the observability tests (tests/ops/test_request_log.py, test_error_pages.py, test_sentry.py)."""

import io
import json
import logging
from contextlib import contextmanager


@contextmanager
def log_output():
    """What the real console handler writes (its formatter and filters), as a StringIO, for the block."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    try:
        yield buffer
    finally:
        handler.setStream(previous)


def lines(buffer) -> list[dict]:
    return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]


def request_lines(buffer) -> list[dict]:
    return [line for line in lines(buffer) if line["logger"] == "carehub.request"]
