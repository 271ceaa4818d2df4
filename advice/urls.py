from django.urls import path

from . import views

app_name = "advice"

urlpatterns = [
    # `advice:services` is what the home and hub pages link to (with ?hub=<slug>).
    path("", views.service_list, name="services"),
    path("services/<int:pk>/", views.service_slots, name="slots"),
    path("services/<int:pk>/book/", views.book, name="book"),
    path("appointments/", views.my_appointments, name="mine"),
    path("appointments/<int:pk>/", views.appointment_detail, name="appointment"),
    path("appointments/<int:pk>/appointment.ics", views.appointment_ics, name="ics"),
    path("appointments/<int:pk>/cancel/", views.appointment_cancel, name="cancel"),
    path("appointments/<int:pk>/update/", views.appointment_update, name="update"),
    path("agenda/", views.agenda, name="agenda"),
    path("availability/", views.availability, name="availability"),
    path("manage/", views.manage_services, name="manage-services"),
    path("manage/<int:pk>/", views.edit_service, name="edit-service"),
]
