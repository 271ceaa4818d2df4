from django.urls import path

from . import views

app_name = "insights"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("hubs.csv", views.hubs_csv, name="hubs-csv"),
    path("hubs.xlsx", views.hubs_xlsx, name="hubs-xlsx"),
]
