from django.urls import path
from django.views.generic import TemplateView

app_name = "lending"

# Placeholder until the lending pages land; the name is what other pages link to.
urlpatterns = [
    path("", TemplateView.as_view(template_name="lending/index.html"), name="availability"),
]
