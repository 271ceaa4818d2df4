from django.urls import path

from . import views

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("account/", views.account, name="account"),
    path("account/profile/", views.profile, name="profile"),
    path("account/password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("account/email/confirm/<str:token>/", views.email_confirm, name="email-confirm"),
    path("account/email/resend/", views.email_resend, name="email-resend"),
    path("account/reset/", views.password_reset_request, name="password-reset"),
    path("account/reset/sent/", views.password_reset_sent, name="password-reset-sent"),
    path("account/reset/new/", views.password_reset_set, name="password-reset-set"),
    path("account/reset/code/", views.password_reset_code, name="password-reset-code"),
    path("account/reset/link/<str:token>/", views.password_reset_link, name="password-reset-link"),
    path("people/<int:pk>/reset-code/", views.desk_reset_code, name="person-reset-code"),
    path("login/", views.LoginView.as_view(), name="login"),
]
