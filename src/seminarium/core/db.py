"""Database helpers for the hot paths: a server-bound cursor, and forked worker processes.

A cursor whose parameters PostgreSQL binds itself, for the few hot statements, and a
read that checks a kept connection by being run.

Django's PostgreSQL cursors bind parameters on the client: psycopg quotes every value
in Python and the server plans each statement afresh. That is right for the ORM, but
two paths run the same few statements thousands of times a minute: the join click,
and the attendance ledger's webhook batches (their insert, scope check and stale
marks). For them this cursor binds on the server, so parameters are not quoted in
Python and psycopg prepares each statement once per connection (``prepare_threshold``
in settings). It is wrapped as Django wraps its own cursors, so its queries are
logged and counted alike. On SQLite it is the usual cursor.

Worker processes forked for CPU-bound work (``forked_pool``) each open their own
connections and never touch the parent's.
"""

import multiprocessing
import multiprocessing.util
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.pool import Pool

from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper


@contextmanager
def server_bound_cursor() -> Iterator[CursorWrapper]:
    with _server_bound_cursor(connections[DEFAULT_DB_ALIAS]) as cursor:
        yield cursor


# The default connection is looked up once per call and passed on: each attribute read
# through ``django.db.connection`` is a lookup in asgiref's context-local storage, and the
# join click made a dozen of them.
@contextmanager
def _server_bound_cursor(db: BaseDatabaseWrapper) -> Iterator[CursorWrapper]:
    if db.vendor != "postgresql":
        with db.cursor() as cursor:
            yield cursor
        return
    from django.db.backends.postgresql.base import ServerBindingCursor
    from psycopg import pq

    db.close_if_health_check_failed()
    db.ensure_connection()
    bound = ServerBindingCursor(db.connection)
    # Results in binary: psycopg loads them in C, where Django's loader for timestamps in
    # text parses each one in Python.
    bound.format = pq.Format.BINARY
    # _prepare_cursor is how Django wraps its own cursors (logging, query counting).
    with db._prepare_cursor(bound) as cursor:
        yield cursor


def fetch_one_checking_connection(sql: str, params: list) -> tuple | None:
    """One statement, first of its request, that doubles as the check of a kept connection.

    Before a request's first query Django pings a kept PostgreSQL connection
    (``SELECT 1``, CONN_HEALTH_CHECKS); on the join click that round trip was a third of
    the database's work. Here the statement itself is the check: if it fails because
    the connection died while idle (a database restart, an idle timeout), the
    connection is replaced and the statement run again, once. Any other failure (a
    timeout, a deadlock) is raised as it is. A statement sent over a dead connection
    never ran, so running it again is safe; only if the connection broke during the
    statement could a write in it (the join record) be made twice, which a click log
    can bear. Outside a transaction only.
    """
    db = connections[DEFAULT_DB_ALIAS]
    retry = (
        db.vendor == "postgresql"
        and db.health_check_enabled
        and not db.health_check_done
        and db.connection is not None
        and not db.in_atomic_block
    )
    if retry:
        db.health_check_done = True

    def run() -> tuple | None:
        with _server_bound_cursor(db) as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()

    try:
        return run()
    except (OperationalError, InterfaceError):
        if not retry or db.is_usable():
            raise
    db.close()
    return run()


@contextmanager
def forked_pool(processes: int) -> Iterator[Pool]:
    """A pool of forked processes that share no database connection with this one or each other.

    Forking copies the memory, so open connections too, and two processes talking over
    one socket read each other's replies. Ours are closed before the fork. A worker also
    replaces whatever connections it still inherits: asgiref keeps connections per event
    loop as well as per thread, so one can be hidden from ``close_all`` here (under
    Playwright's loop in the tests, for one) and visible in the child, whose loop is gone.
    Workers keep their connections from task to task and close them when they end.
    """
    connections.close_all()
    pool = multiprocessing.get_context("fork").Pool(processes, initializer=_own_connections)
    try:
        yield pool
        pool.close()  # the workers end after their last task, closing their connections
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()


# The inherited connections, kept for the worker's life: finalising one would close it
# with a goodbye on a socket that another process may still be using.
_inherited_connections: list = []


def _own_connections() -> None:
    for alias in connections:
        _inherited_connections.append(connections[alias])
        connections[alias] = connections.create_connection(alias)
    # Run by multiprocessing as a worker ends normally (not when terminated).
    multiprocessing.util.Finalize(None, connections.close_all, exitpriority=10)
