from django.urls import path

from . import views

app_name = "today"

urlpatterns = [
    path("", views.desk_day, name="day"),
]
