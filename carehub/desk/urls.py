"""The desk screen (`desk:`). The desk's day (`/desk/today/`) has its own include before this one in
carehub/urls.py, so nothing here may start with `today/`."""

from django.urls import path

from . import views

app_name = "desk"

urlpatterns = [
    path("", views.find, name="find"),
    path("people/<int:pk>/", views.person_screen, name="person"),
    path("people/<int:pk>/scan/", views.scan, name="scan"),
    path("people/<int:pk>/card/", views.card, name="card"),
    path("people/<int:pk>/calls/<int:message_id>/done/", views.call_done, name="call-done"),
    path("people/<int:pk>/<slug:app>/<slug:name>/", views.action, name="action"),
    path("people/<int:pk>/<slug:app>/<slug:name>/<int:obj_id>/", views.action, name="action-on"),
]
