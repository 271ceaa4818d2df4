from django.urls import path

from . import views

app_name = "activities"

urlpatterns = [
    path("", views.programme, name="programme"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/book/", views.session_book, name="book"),
    path("sessions/<int:pk>/book-for/", views.book_for, name="book-for"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session-edit"),
    path("sessions/<int:pk>/cancel/", views.session_cancel, name="session-cancel"),
    path("sessions/<int:pk>/attendance/", views.session_attendance, name="session-attendance"),
    path("sessions/<int:pk>/walk-in/", views.walk_in, name="walk-in"),
    path("sessions/<int:pk>/group-attendance/", views.group_attendance, name="group-attendance"),
    path("bookings/", views.my_bookings, name="mine"),
    path("bookings/<int:pk>/", views.booking_detail, name="booking"),
    path("bookings/<int:pk>/cancel/", views.booking_cancel, name="booking-cancel"),
    path("bookings/<int:pk>/attendance/", views.booking_attendance, name="booking-attendance"),
    path("bookings/<int:pk>/calendar.ics", views.booking_ics, name="booking-ics"),
    # A booking's signed link, in its messages: see it and cancel it without logging in (activities/links.py).
    path("b/<str:token>/", views.booking_link, name="booking-link"),
    path("b/<str:token>/cancel/", views.booking_link_cancel, name="booking-link-cancel"),
    path("b/<str:token>/calendar.ics", views.booking_link_ics, name="booking-link-ics"),
    path("feeds/revoke/", views.feed_revoke, name="feed-revoke"),
    path("feeds/<str:secret>.ics", views.person_feed, name="feed"),
    path("today/", views.desk_today, name="today"),
    path("manage/", views.manage, name="manage"),
    path("new/", views.activity_new, name="activity-new"),
    path("<int:pk>/", views.activity_detail, name="activity"),
    path("<int:pk>/edit/", views.activity_edit, name="activity-edit"),
    path("<int:pk>/book-series/", views.series_book, name="book-series"),
    path("<int:pk>/join/", views.group_request, name="group-request"),
    path("<int:pk>/leave/", views.group_leave, name="group-leave"),
    path("groups/", views.groups, name="groups"),
    path("groups/<int:pk>/", views.group_detail, name="group"),
    path("groups/<int:pk>/enrol/", views.group_enrol, name="group-enrol"),
    path("memberships/<int:pk>/decide/", views.membership_decide, name="membership-decide"),
]
