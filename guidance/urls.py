from django.urls import path

from . import views

app_name = "guidance"

urlpatterns = [
    # Public: the directory of each hub, an entry, the Carer's Card guide, the question form.
    path("resources/", views.directory_index, name="directory-index"),
    path("hubs/<slug:slug>/resources/", views.directory, name="directory"),
    path("hubs/<slug:slug>/resources/print/", views.directory_print, name="directory-print"),
    path("resources/<int:pk>/", views.resource_detail, name="resource"),
    path("carers-card/", views.carers_card, name="carers-card"),
    path("ask/", views.ask, name="ask"),
    path("ask/sent/", views.ask_sent, name="ask-sent"),
    path("ask/mine/", views.mine, name="mine"),
    path("a/<str:key>/", views.answer_page, name="answer"),
    # The desk.
    path("attentions/", views.desk, name="desk"),
    path("attentions/new/", views.attention_new, name="attention-new"),
    path("attentions/<int:pk>/", views.attention_detail, name="attention"),
    path("attentions/<int:pk>/edit/", views.attention_edit, name="attention-edit"),
    path("attentions/<int:pk>/answer/", views.attention_answer, name="attention-answer"),
    path("attentions/<int:pk>/refer/", views.attention_refer, name="attention-refer"),
    path("attentions/<int:pk>/follow-up-done/", views.attention_followed_up, name="attention-followed-up"),
    # Coordinators.
    path("manage/", views.manage, name="manage"),
    path("manage/resources/new/", views.resource_new, name="resource-new"),
    path("manage/resources/<int:pk>/", views.resource_edit, name="resource-edit"),
    path("manage/resources/<int:pk>/reviewed/", views.resource_reviewed, name="resource-reviewed"),
    path("manage/topics/", views.topics, name="topics"),
    path("manage/topics/<int:pk>/", views.topic_edit, name="topic-edit"),
    path("manage/carers-card/", views.guide_edit, name="guide-edit"),
]
