"""carehub's WSGI application, with the insights logger's INFO lines also written to $CAREHUB_TEST_LOG (one file
per app server), whatever LOGGING says: tests/ops/test_two_servers.py counts the "insights computed" lines there."""

import logging
import os

from carehub.wsgi import application  # noqa: F401  (sets Django up, LOGGING included, before the handler below)

_handler = logging.FileHandler(os.environ["CAREHUB_TEST_LOG"])
_handler.setFormatter(logging.Formatter("%(process)d %(name)s %(levelname)s %(message)s"))
_logger = logging.getLogger("carehub.insights")
_logger.setLevel(logging.INFO)
_logger.addHandler(_handler)
