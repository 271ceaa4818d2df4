"""Pages of online accounts: log in (and where one lands), sign up, My page and the own profile, password
change, password reset (by email, or with a code from the desk) and email confirmation."""

from urllib.parse import urlsplit

from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from carehub import errors, permissions
from carehub.forms import add_domain_error, e164
from carehub.models import Role
from carehub.permissions import access_for
from carehub.views import app_sections
from carehub.web import desk_required, forbidden, safe_next_url

from . import services
from .forms import DeskCodeResetForm, NewPasswordForm, PasswordResetRequestForm, ProfileForm, SignupForm


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
        return "desk:find"
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
            messages.success(request, _("Welcome! Your account is ready. We sent you an email: open its link to "
                                        "confirm your address."))
            return redirect(safe_next_url(request, request.GET.get("next"), default="account"))
    return render(request, "carehub/signup.html", {"form": form})


@login_required
def account(request):
    access = access_for(request.user)
    person = access.person
    sections = app_sections("account_section", access, person) if person else {}
    return render(request, "carehub/account.html", {
        "person": person, "access": access, "sections": sections,
        "email_to_confirm": services.email_needs_confirmation(person),
    })


# --- the own profile --------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """A caregiver's own phone, email, language and channel. Staff accounts without a person have none."""
    access = access_for(request.user)
    person = access.person
    if person is None:
        raise Http404
    initial = {"phone": person.phone, "email": person.email, "notify_by": person.notify_by,
               "preferred_language": person.preferred_language}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            updated = services.update_own_profile(
                access=access, phone=e164(data["phone"]), email=data["email"], notify_by=data["notify_by"],
                preferred_language=data["preferred_language"])
        except errors.DomainError as exc:
            add_domain_error(form, exc)
        else:
            if services.email_needs_confirmation(updated) and updated.email != person.email:
                messages.success(request, _("Your details are saved. We sent a link to %(email)s: open it to "
                                            "confirm the address.") % {"email": updated.email})
            else:
                messages.success(request, _("Your details are saved."))
            return redirect("account")
    return render(request, "accounts/profile.html", {"form": form, "person": person})


# --- email confirmation -----------------------------------------------------------------------------------
@login_required
def email_confirm(request, token):
    """The link in the confirmation email. Logging in first (the login page brings one back here) keeps a
    stranger who got a mistyped address's email from confirming it."""
    try:
        services.confirm_email(access=access_for(request.user), token=token)
    except errors.DomainError as exc:
        response = render(request, "accounts/email_confirm_failed.html", {"message": exc.message},
                          status=exc.status)
        add_never_cache_headers(response)
        return response
    messages.success(request, _("Thank you: your email address is confirmed."))
    return redirect("account")


@login_required
@require_POST
def email_resend(request):
    try:
        person = services.resend_email_verification(access=access_for(request.user))
    except errors.DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("We sent a new link to %(email)s.") % {"email": person.email})
    return redirect("account")


# --- password reset by email ------------------------------------------------------------------------------
# The link's token is moved from the address into the session before the form is shown (as Django's own
# PasswordResetConfirmView does), so that it does not linger in the history or leave in a Referer header.
RESET_SESSION_KEY = "carehub_password_reset_token"


@require_http_methods(["GET", "POST"])
def password_reset_request(request):
    """Ask for a reset link. The answer is the same page whether or not the address belongs to an account."""
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_password_reset(email=form.cleaned_data["email"],
                                            client_address=get_client_ip_address(request) or "")
        except errors.TooManyAttempts as exc:
            form.add_error(None, str(exc.message))
            return render(request, "registration/password_reset_form.html", {"form": form}, status=exc.status)
        return redirect("password-reset-sent")
    return render(request, "registration/password_reset_form.html", {"form": form})


def password_reset_sent(request):
    return render(request, "registration/password_reset_sent.html",
                  {"valid_minutes": services.limit("RESET_LINK_MINUTES")})


@never_cache
def password_reset_link(request, token):
    request.session[RESET_SESSION_KEY] = token[:200]
    return redirect("password-reset-set")


@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_set(request):
    """Choose the new password. A used, expired or unknown link says which, and what to do."""
    token = request.session.get(RESET_SESSION_KEY, "")
    state = services.reset_state(services.reset_for_link(token))
    if state != services.VALID:
        return _reset_refused(request, services.refusal_for(state, "email_link"))
    form = NewPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reset_password_with_link(token=token, new_password=form.cleaned_data["new_password1"])
        except errors.ValidationFailed as exc:
            add_domain_error(form, exc)
        except errors.DomainError as exc:  # used a moment ago by another click
            return _reset_refused(request, exc)
        else:
            request.session.pop(RESET_SESSION_KEY, None)
            messages.success(request, _("Your new password is set. Log in with it."))
            return redirect("login")
    return render(request, "registration/password_reset_set.html", {"form": form})


def _reset_refused(request, exc):
    request.session.pop(RESET_SESSION_KEY, None)
    status = 404 if exc.code == "reset_invalid" else 410
    return render(request, "registration/password_reset_refused.html",
                  {"message": exc.message, "code": exc.code}, status=status)


# --- password reset with a code from the desk -------------------------------------------------------------
@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_code(request):
    """User name, the code the desk gave, a new password."""
    form = DeskCodeResetForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.reset_password_with_code(username=data["username"], code=data["code"],
                                              new_password=data["new_password1"],
                                              client_address=get_client_ip_address(request) or "")
        except errors.DomainError as exc:
            add_domain_error(form, exc)
            status = exc.status
        else:
            messages.success(request, _("Your new password is set. Log in with it."))
            return redirect("login")
    return render(request, "registration/password_reset_code.html", {"form": form}, status=status)


@desk_required
@require_POST
def desk_reset_code(request, pk):
    """The desk's button on a person's page: a new one-time code, shown once, to read out or print."""
    access = access_for(request.user)
    try:
        reset, code = services.issue_desk_reset_code(access=access, person_id=pk)
    except errors.NotFound:
        raise Http404
    except errors.PermissionDenied:
        return forbidden(request)
    except errors.DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("person-detail", pk=pk)
    response = render(request, "accounts/desk_reset_code.html", {
        "reset": reset, "person": reset.person, "code": services.format_code(code),
        "username": reset.user.get_username(), "code_page": request.build_absolute_uri(reverse("password-reset-code")),
    })
    add_never_cache_headers(response)  # the code must not stay in a cache or the browser's back button
    return response


