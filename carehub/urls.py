from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import admin, views
from .api import api
from .observability import health, metrics

urlpatterns = [
    path("", views.home, name="home"),
    path("hubs/", views.hub_list, name="hub-list"),
    path("hubs/<slug:slug>/calendar.ics", include("activities.hub_feed_urls")),
    path("hubs/<slug:slug>/news/", include("news.hub_urls")),
    path("hubs/<slug:slug>/", views.hub_detail, name="hub-detail"),
    path("people/", views.people_search, name="people-search"),
    path("people/new/", views.person_register, name="person-register"),
    path("people/<int:pk>/", views.person_detail, name="person-detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person-edit"),
    path("people/<int:pk>/merge/", views.person_merge, name="person-merge"),
    path("people/<int:pk>/not-a-duplicate/", views.person_not_a_duplicate, name="person-not-a-duplicate"),
    path("people/<int:pk>/privacy/", views.person_privacy, name="person-privacy"),
    path("calls/", views.call_list, name="call-list"),
    path("calls/<int:pk>/done/", views.call_done, name="call-done"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("", include("carehub.accounts.urls")),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("desk/today/", include("carehub.today.urls")),
    path("desk/", include("carehub.desk.urls")),
    path("lending/", include("lending.urls")),
    path("activities/", include("activities.urls")),
    path("advice/", include("advice.urls")),
    path("news/", include("news.urls")),
    path("guidance/", include("guidance.urls")),
    path("insights/", include("carehub.insights.urls")),
    path("admin/", admin.site.urls),  # carehub's own site: administrators only (carehub/admin.py)
    path("api/v1/", api.urls),
]

# Health for load balancers and monitoring, metrics for operators only (docs/operations.md).
urlpatterns += [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
]
# The error pages, in the site's layout and the user's language (carehub/observability/views.py).
handler403 = "carehub.observability.views.permission_denied"
handler404 = "carehub.observability.views.page_not_found"
handler500 = "carehub.observability.views.server_error"
