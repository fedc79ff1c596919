"""core/db.py: the statement that doubles as the check of a kept connection."""

import pytest
from django.db import OperationalError, connection

from seminarium.core.db import fetch_one_checking_connection

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="kept connections are pinged on PostgreSQL only"
    ),
]


def _backend() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_a_failure_on_a_live_connection_is_raised_not_run_again():
    backend = _backend()
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = '50ms'")
    connection.close_if_unusable_or_obsolete()  # a new request: the connection is due a check
    try:
        # Run again on a new connection (without the timeout) it would succeed.
        with pytest.raises(OperationalError):
            fetch_one_checking_connection("SELECT pg_sleep(0.5)", [])
        assert _backend() == backend  # the same connection: nothing was replaced
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")


def test_a_connection_that_died_is_replaced_and_the_statement_run_again():
    backend = _backend()
    admin = connection.get_new_connection(connection.get_connection_params())
    try:
        admin.execute("SELECT pg_terminate_backend(%s)", [backend])
    finally:
        admin.close()
    connection.close_if_unusable_or_obsolete()
    assert fetch_one_checking_connection("SELECT pg_backend_pid()", []) != (backend,)
