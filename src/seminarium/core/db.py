"""A cursor whose parameters PostgreSQL binds itself, for the few hot statements.

Django's PostgreSQL cursors bind parameters on the client: psycopg quotes every value
in Python and the server plans each statement afresh. That is right for the ORM, but
two paths run the same few statements thousands of times a minute: the join click,
and the attendance ledger's webhook batches (their insert, scope check and stale
marks). For them this cursor binds on the server, so parameters are not quoted in
Python and psycopg prepares each statement once per connection (``prepare_threshold``
in settings). It is wrapped as Django wraps its own cursors, so its queries are
logged and counted alike. On SQLite it is the usual cursor.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django.db.backends.utils import CursorWrapper


@contextmanager
def server_bound_cursor() -> Iterator[CursorWrapper]:
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.close_if_health_check_failed()
    connection.ensure_connection()
    # _prepare_cursor is how Django wraps its own cursors (logging, query counting).
    with connection._prepare_cursor(ServerBindingCursor(connection.connection)) as cursor:
        yield cursor
