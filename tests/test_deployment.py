"""Production settings pass Django's deployment checks; SQLite runs in WAL mode."""

import os
import secrets
import subprocess
import sys

import pytest
from django.db import connection


def test_production_settings_pass_check_deploy(tmp_path):
    env = {
        **os.environ,
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "seminar.example.org",
        "SEMINARIUM_DATA_DIR": str(tmp_path),
    }
    env.pop("HTTPS", None)
    env.pop("DEBUG", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests, never in production
    result = subprocess.run(
        [sys.executable, "-m", "seminarium", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_sqlite_uses_write_ahead_logging(db):
    if connection.vendor != "sqlite":
        pytest.skip("journal modes are SQLite's")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
