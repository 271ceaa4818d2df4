"""Background work of online accounts (Django's Tasks API, `django-tasks` backport)."""

from django_tasks import task


@task()
def send_password_reset_email(email: str) -> int:
    """Looks the address up and writes the reset messages away from the request, so that the reset page
    answers the same, in the same time, whether or not an account has that address."""
    from . import services

    return services.send_password_reset_links(email=email)
