import pytest


@pytest.fixture(autouse=True)
def english_pages(settings):
    """Pages in English, so that assertions read the msgids; emails still follow each person's language."""
    settings.LANGUAGE_CODE = "en"
