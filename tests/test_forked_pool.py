"""core.db.forked_pool: worker processes never share a database connection."""

from django.db import connection

from seminarium.core.db import forked_pool


def _connection_identity(_: object = None) -> tuple[int, object]:
    """The connection object's address and, on PostgreSQL, the server process behind it."""
    connection.ensure_connection()
    if connection.vendor != "postgresql":
        return id(connection.connection), None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return id(connection.connection), cursor.fetchone()[0]


def test_a_worker_opens_its_own_connection_even_when_one_is_hidden_from_the_parent(
    transactional_db, monkeypatch
):
    # A connection that close_all() cannot see (as one opened in another event loop's
    # context is): the parent's close_all() leaves it open, and the fork copies it.
    monkeypatch.setattr(connection, "close", lambda: None)
    parent = _connection_identity()
    with forked_pool(2) as pool:
        workers = pool.map_async(_connection_identity, range(4), chunksize=1).get(timeout=60)
    assert parent not in workers
    monkeypatch.undo()
    assert _connection_identity()[1] == parent[1]  # the parent's is untouched
