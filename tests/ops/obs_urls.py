"""carehub's URLs plus views that fail on purpose, for the error page and error tracker tests."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from carehub.urls import *  # noqa: F403 (the handlers too)
from carehub.urls import urlpatterns as site_urlpatterns


def refuse(request):
    raise PermissionDenied


def boom(request, **kwargs):
    raise RuntimeError("a bug")


urlpatterns = [
    *site_urlpatterns,
    path("test-errors/forbidden/", refuse),
    path("test-errors/boom/", boom, name="boom"),
    path("test-errors/boom/<str:secret>/", boom),
    path("api/v1/test-errors/boom", boom),
]
