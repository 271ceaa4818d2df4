"""The systemd units in deploy/: every service loads /etc/carehub.env (cron lines did not, fell back to SQLite
and failed with "no such table"), runs a manage.py command that exists with options it takes, and the job
times are the ones docs/deploy.md and docs/operations.md give (issue 18)."""

import configparser
import os
import runpy
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import get_commands, load_command_class

DEPLOY = Path(settings.BASE_DIR) / "deploy"
DOCS = Path(settings.BASE_DIR) / "docs"
SERVICES = sorted(p for p in DEPLOY.glob("carehub-*.service") if "@" not in p.name)
TIMERS = sorted(DEPLOY.glob("carehub-*.timer"))
JOBS = {  # unit: (manage.py command, OnCalendar)
    "carehub-reminders": ("send_reminders", "*-*-* 08:30:00 Europe/Madrid"),
    "carehub-integrity": ("check_integrity", "*-*-* 06:15:00 Europe/Madrid"),
    "carehub-expire-offers": ("expire_offers", "*-*-* *:05:00"),
    "carehub-prune-tasks": ("prune_db_task_results", "Sun *-*-* 05:00:00 Europe/Madrid"),
}


def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string(path.read_text())
    return parser


def test_the_units_are_all_there():
    names = {p.stem for p in SERVICES}
    assert names == {"carehub-web", "carehub-worker", *JOBS}
    assert {p.stem for p in TIMERS} == set(JOBS)
    assert (DEPLOY / "carehub-alert@.service").exists()


@pytest.mark.parametrize("path", SERVICES, ids=lambda p: p.name)
def test_every_service_loads_the_environment_file_as_the_carehub_user(path):
    service = unit(path)["Service"]
    assert service["EnvironmentFile"] == "/etc/carehub.env"
    assert service["WorkingDirectory"] == "/srv/carehub/src"
    assert service["User"] == "carehub"


@pytest.mark.parametrize("path", [p for p in SERVICES if p.stem != "carehub-web"], ids=lambda p: p.name)
def test_every_job_runs_a_manage_py_command_that_exists_with_options_it_takes(path):
    argv = shlex.split(unit(path)["Service"]["ExecStart"])
    assert argv[:2] == ["/srv/carehub/venv/bin/python", "manage.py"]
    name, options = argv[2], argv[3:]
    commands = get_commands()
    assert name in commands, f"{path.name}: manage.py {name} does not exist"
    command = load_command_class(commands[name], name)
    command.create_parser("manage.py", name).parse_args(options)  # exits (SystemExit) on an unknown option


@pytest.mark.parametrize("name", sorted(JOBS))
def test_each_job_has_its_timer_at_the_documented_time(name):
    command, calendar = JOBS[name]
    service, timer = unit(DEPLOY / f"{name}.service"), unit(DEPLOY / f"{name}.timer")
    assert service["Service"]["Type"] == "oneshot"
    assert shlex.split(service["Service"]["ExecStart"])[2] == command
    assert service["Unit"]["OnFailure"] == "carehub-alert@%n.service"
    assert timer["Timer"]["OnCalendar"] == calendar
    assert timer["Timer"]["Persistent"] == "true"
    operations = (DOCS / "operations.md").read_text()
    assert f"`{name}.timer`" in operations and f"`{calendar}`" in operations


def test_the_docs_carry_no_cron_lines_and_one_time_for_the_integrity_check():
    for doc in ("deploy.md", "operations.md"):
        text = (DOCS / doc).read_text()
        assert "```cron" not in text and "crontab" not in text, doc
        assert "06:15" in text, doc
        for other_time in ("06:00", "07:15", "03:00", "02:00"):
            assert f"integrity check at {other_time}" not in text


def test_the_web_server_keeps_no_access_log():
    argv = shlex.split(unit(DEPLOY / "carehub-web.service")["Service"]["ExecStart"])
    assert argv[0] == "/srv/carehub/venv/bin/gunicorn" and argv[1] == "carehub.wsgi:application"
    assert not any(a.startswith("--access-logfile") or a.startswith("--access-log") for a in argv)
    assert argv[argv.index("--config") + 1] == "/srv/carehub/src/deploy/gunicorn.conf.py"
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert config["accesslog"] is None
    assert config["bind"] == "127.0.0.1:8000"
    assert callable(config["child_exit"])


def test_the_web_server_gives_the_metrics_a_directory_emptied_at_each_start():
    service = unit(DEPLOY / "carehub-web.service")["Service"]
    assert service["RuntimeDirectory"] == "carehub-web"
    assert service["Environment"] == "PROMETHEUS_MULTIPROC_DIR=/run/carehub-web"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                    reason="systemd-analyze is not installed (apt-get install systemd)")
def test_systemd_analyze_verify_accepts_every_unit(tmp_path):
    """The units as installed, with this checkout's paths instead of /srv/carehub (verify checks that each
    command is executable). Unknown keys and bad values are warnings to verify: they fail here too."""
    env_file = tmp_path / "carehub.env"
    env_file.write_text("ALERT_EMAIL=admins@example.org\n")
    venv = Path(sys.executable).parent.parent
    for path in [*DEPLOY.glob("*.service"), *DEPLOY.glob("*.timer")]:
        text = (path.read_text().replace("/srv/carehub/venv", str(venv))
                .replace("/srv/carehub/src", str(settings.BASE_DIR)).replace("/etc/carehub.env", str(env_file)))
        (tmp_path / path.name).write_text(text)
    units = sorted(str(p) for p in tmp_path.iterdir() if p.suffix in (".service", ".timer"))
    done = subprocess.run(["systemd-analyze", "verify", "--man=no", *units], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "SYSTEMD_UNIT_PATH": f"{tmp_path}:"})
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "Unknown" not in output and "ignoring" not in output and "Failed" not in output, output


@pytest.mark.django_db
def test_expire_offers_expires_only_lapsed_offers(desk, hub, settings):
    from datetime import timedelta

    import time_machine
    from django.core.management import call_command
    from django.utils import timezone
    from io import StringIO

    from carehub.permissions import access_for
    from lending import services
    from lending.models import HoldStatus
    from tests.conftest import make_person
    from tests.lending.conftest import make_item, make_type

    start = timezone.make_aware(timezone.datetime(2026, 12, 1, 10, 0))
    with time_machine.travel(start, tick=False):
        item_type = make_type()
        make_item(hub, item_type)
        hold = services.place_hold(access=access_for(desk), hub=hub, item_type=item_type,
                                   person_id=make_person(hub).pk)
        assert hold.status == HoldStatus.OFFERED
    out = StringIO()
    with time_machine.travel(start + timedelta(days=services.OFFER_DAYS) - timedelta(minutes=1), tick=False):
        call_command("expire_offers", stdout=out)
    hold.refresh_from_db()
    assert hold.status == HoldStatus.OFFERED and "0 lapsed offer(s) expired" in out.getvalue()
    with time_machine.travel(start + timedelta(days=services.OFFER_DAYS, minutes=1), tick=False):
        call_command("expire_offers", stdout=out)
    hold.refresh_from_db()
    assert hold.status == HoldStatus.WAITING and "1 lapsed offer(s) expired" in out.getvalue()
