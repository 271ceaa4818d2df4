"""Production's static files: `collectstatic` writes hashed, compressed copies and WhiteNoise serves them with
a long, immutable cache lifetime (settings.STORAGES with DEBUG off; the suite itself serves the source folders,
tests/settings.py)."""

import gzip

import pytest
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client, override_settings

PRODUCTION_STATIC = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
TEN_YEARS = "max-age=315360000"


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """`collectstatic` as a deploy runs it, into a folder of its own; then a client whose WhiteNoise reads it."""
    root = tmp_path_factory.mktemp("static")
    with override_settings(STATIC_ROOT=root, STORAGES=PRODUCTION_STATIC, WHITENOISE_USE_FINDERS=False,
                           WHITENOISE_AUTOREFRESH=False):
        call_command("collectstatic", "--noinput", verbosity=0)
        yield root, Client()  # a new client: its middleware, WhiteNoise with it, starts from these settings


def test_pages_link_the_hashed_name(collected):
    root, _ = collected
    url = static("carehub/site.css")
    assert url.startswith("/static/carehub/site.") and url.endswith(".css") and url != "/static/carehub/site.css"
    assert (root / url.removeprefix("/static/")).exists()


def test_a_hashed_file_is_served_compressed_with_an_immutable_ten_year_lifetime(collected):
    root, client = collected
    url = static("carehub/site.css")
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert TEN_YEARS in response["Cache-Control"] and "immutable" in response["Cache-Control"]
    body = gzip.decompress(b"".join(response.streaming_content))
    assert body == (root / url.removeprefix("/static/")).read_bytes()


def test_a_file_asked_for_by_its_plain_name_is_cached_for_an_hour_only(collected):
    _, client = collected
    response = client.get("/static/carehub/site.css")
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=3600, public"
