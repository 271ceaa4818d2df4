"""The public hub feed at /hubs/<slug>/calendar.ics (included from carehub/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [path("", views.hub_calendar, name="hub-calendar")]
