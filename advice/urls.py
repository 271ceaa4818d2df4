from django.urls import path
from django.views.generic import TemplateView

app_name = "advice"

# Placeholder until the advice pages land; the name is what other pages link to.
urlpatterns = [
    path("", TemplateView.as_view(template_name="advice/index.html"), name="services"),
]
