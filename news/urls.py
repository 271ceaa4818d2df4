from django.urls import path

from . import views

app_name = "news"

urlpatterns = [
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.create, name="create"),
    path("manage/<int:pk>/", views.edit, name="edit"),
    path("manage/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("subscription/", views.subscription, name="subscription"),
    # The signed page every digest links to; it unsubscribes without a login (news/links.py).
    path("digest/<str:token>/", views.digest_link, name="digest-link"),
]
