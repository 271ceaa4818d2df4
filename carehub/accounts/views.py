"""Pages of online accounts: log in (and where one lands), sign up, My page, password change."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from carehub import errors, permissions
from carehub.forms import add_domain_error, e164
from carehub.models import Role
from carehub.permissions import access_for
from carehub.views import app_sections
from carehub.web import safe_next_url

from . import services
from .forms import SignupForm


class LoginView(auth_views.LoginView):
    """Log in, then land where the person works: the desk, the advisor's agenda, the facilitator's groups, the
    planner's figures, or a caregiver's own page. A `next` pointing back at the login page is ignored (Django
    would refuse it as a redirection loop, a 500)."""

    redirect_authenticated_user = True

    def get_redirect_url(self):
        url = super().get_redirect_url()
        return "" if url and urlsplit(url).path == self.request.path else url

    def get_default_redirect_url(self):
        return reverse(landing_page(access_for(self.request.user)))


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password (every account). This session stays logged in; the account's other sessions
    end (Django ties them to the password) and its API tokens are revoked (carehub.signals)."""

    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("account")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is changed. Your other devices and programs are logged out."))
        return response


def landing_page(access) -> str:
    """The URL name a user starts their day on."""
    if permissions.can_list_people(access):
        return "lending:desk"
    if access.hubs_with(Role.ADVISOR):
        return "advice:agenda"
    if access.hubs_with(Role.FACILITATOR):
        return "activities:groups"
    if permissions.can_see_insights(access):
        return "insights:dashboard"
    return "account"


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("account")
    form = SignupForm(request.POST or None, initial={"preferred_language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, _person = services.register_caregiver_account(
                username=data["username"],
                password=data["password1"],
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                phone=e164(data["phone"]),
                notify_by=data["notify_by"],
                home_hub=data["home_hub"],
                preferred_language=data["preferred_language"],
                consent=data["consent"],
            )
        except errors.DomainError as exc:
            add_domain_error(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect(safe_next_url(request, request.GET.get("next"), default="account"))
    return render(request, "carehub/signup.html", {"form": form})


@login_required
def account(request):
    access = access_for(request.user)
    person = access.person
    sections = app_sections("account_section", access, person) if person else {}
    return render(request, "carehub/account.html", {"person": person, "access": access, "sections": sections})


