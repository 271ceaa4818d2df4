"""`load_demo` creates the superuser `admin` with the public demo password: never on a production database."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings

from carehub.models import Hub
from tests.conftest import make_hub

pytestmark = pytest.mark.django_db


def test_load_demo_refuses_to_run_with_debug_off():
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="refuses to run with DEBUG off") as e:
        call_command("load_demo")
    assert "--i-know-this-is-production" in str(e.value)
    assert not Hub.objects.exists() and not get_user_model().objects.exists()


def test_load_demo_runs_with_debug_off_when_told_it_is_production_on_purpose(capsys):
    make_hub()  # the demo then stops at once ("the database already has hubs"): past the refusal, cheaply
    with override_settings(DEBUG=False):
        call_command("load_demo", "--i-know-this-is-production")
    assert "Demo not loaded: the database already has hubs." in capsys.readouterr().out


def test_load_demo_runs_with_debug_on(capsys):
    make_hub()
    with override_settings(DEBUG=True):
        call_command("load_demo")
    assert "Demo not loaded" in capsys.readouterr().out
