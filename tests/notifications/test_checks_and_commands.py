"""Deploy checks that stop a server from "sending" into the void; reminders that survive one app's failure."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).parents[2]
PRODUCTION = {
    "SECRET_KEY": "x" * 20 + "a-production-secret-from-the-environment-0123456789",
    "DATABASE_URL": "postgres://carehub@db.example.org:5432/carehub", "ALLOWED_HOSTS": "carehub.example.org",
    "EMAIL_URL": "smtp://carehub:secret@mail.example.org:587", "SITE_URL": "https://carehub.example.org",
    "DEFAULT_FROM_EMAIL": "Vila Veïna <no-reply@carehub.example.org>",
}


def check_deploy(**changes):
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "PORT"}}
    env["DJANGO_SETTINGS_MODULE"] = "carehub.settings"  # production's, not the suite's
    env.update(PRODUCTION)
    env.update(changes)
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    return result.returncode, result.stdout + result.stderr


def test_check_deploy_refuses_mail_that_would_never_leave():
    # No EMAIL_URL: mail would stay in memory, which stops carehub at start-up already.
    code, output = check_deploy(EMAIL_URL="")
    assert code != 0 and "carehub.E003" in output
    code, output = check_deploy(SITE_URL="http://127.0.0.1:8000", DEFAULT_FROM_EMAIL="")
    assert code != 0
    for check in ("carehub.E004", "carehub.E005"):
        assert check in output


def test_check_deploy_refuses_the_console_backend_and_a_localhost_site_url():
    code, output = check_deploy(EMAIL_URL="console://")
    assert "carehub.E003" in output and code != 0
    code, output = check_deploy(SITE_URL="http://localhost:8000")
    assert "carehub.E004" in output and code != 0


def test_site_url_follows_the_demo_port():
    env = {**os.environ, "PORT": "8123", "SITE_URL": "", "DEBUG": "1"}
    out = subprocess.run([sys.executable, "-c", "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE',"
                          "'carehub.settings'); django.setup(); from django.conf import settings; print(settings.SITE_URL)"],
                         cwd=ROOT, env=env, capture_output=True, text=True).stdout.strip()
    assert out == "http://127.0.0.1:8123"


@pytest.mark.django_db
def test_one_apps_failing_reminders_do_not_stop_the_others(replace_hook, capsys):
    ran = []

    def broken(*, today):
        raise ConnectionRefusedError("mail server down")

    replace_hook("lending.reminders.send", broken)
    replace_hook("activities.reminders.send", lambda *, today: ran.append("activities") or 2)
    replace_hook("advice.reminders.send", lambda *, today: ran.append("advice") or 1)
    with pytest.raises(CommandError, match="lending"):
        call_command("send_reminders", "--date", "2026-12-09")
    out = capsys.readouterr()
    assert ran == ["activities", "advice"]
    assert "lending: FAILED" in out.err and "3 reminder(s) queued" in out.out
