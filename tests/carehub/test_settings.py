import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]


def run_check(extra_env):
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env["DJANGO_SETTINGS_MODULE"] = "carehub.settings"  # production's, not the suite's
    env.update(extra_env)
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                          cwd=ROOT, env=env, capture_output=True, text=True)


def test_production_settings_pass_check_deploy():
    result = run_check({
        "SECRET_KEY": "x" * 20 + "a-production-secret-from-the-environment-0123456789",
        "DATABASE_URL": "postgres://carehub@db.example.org:5432/carehub",
        "ALLOWED_HOSTS": "carehub.example.org",
        "EMAIL_URL": "smtp://carehub:secret@mail.example.org:587", "SITE_URL": "https://carehub.example.org",
        "DEFAULT_FROM_EMAIL": "Vila Veïna <no-reply@carehub.example.org>",
    })
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_refuses_the_demo_secret_key_and_sqlite():
    result = run_check({"DATABASE_URL": "", "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "carehub.E001" in result.stderr + result.stdout
    assert "carehub.E002" in result.stderr + result.stdout
