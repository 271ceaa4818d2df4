"""A hub's news page and feed at /hubs/<slug>/news/ (included from carehub/urls.py, beside the hub's page)."""

from django.urls import path

from . import views
from .feeds import HubNewsFeed

urlpatterns = [
    path("", views.hub_news, name="hub-news"),
    path("feed/", HubNewsFeed(), name="hub-news-feed"),
]
