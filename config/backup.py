"""Back up the database to one file, and restore it from one.

- SQLite: the online backup API (`sqlite3.Connection.backup`) copies the
  database page by page in one step, under one read transaction: the copy is
  the database as of one moment, while the app keeps reading and writing
  (WAL lets writers go on during a read). The copy is a plain SQLite file in
  rollback-journal mode, so it is complete without `-wal`/`-shm` files.
  Restoring runs the same API the other way, into the configured database.
- PostgreSQL: `pg_dump --format=custom` reads everything in one snapshot
  (REPEATABLE READ), so the dump is consistent while the app keeps running;
  it blocks only schema changes (a `migrate`) until it ends. Restoring is
  `pg_restore --clean --if-exists --single-transaction`: all or nothing, and
  without owners or grants, so it works as another database user.

Restore with the app stopped: it replaces every table at once, and requests
in flight would see the old rows vanish under them.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

BACKUP_DIR = settings.BASE_DIR / "var" / "backups"
SUFFIXES = {"sqlite": ".sqlite3", "postgresql": ".pgdump"}
NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# The first bytes of each kind of file, to refuse the wrong file before touching anything.
SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why."""


def backup(output: Path | str | None = None, using: str = DEFAULT_DB_ALIAS) -> Path:
    """Write a backup of the database `using` to `output` and return its path.

    The file appears only when complete: a failed backup leaves nothing behind.
    """
    connection = connections[using]
    vendor = _supported(connection.vendor)
    if output is None:
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        output = BACKUP_DIR / f"mgk-{stamp}{SUFFIXES[vendor]}"
    output = Path(output)
    if output.exists():
        raise BackupError(f"{output} exists already; choose another file name.")
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.name}.partial")
    try:
        if vendor == "sqlite":
            _sqlite_backup(connection, partial)
        else:
            _run("pg_dump", _pg_dump_args(partial, connection.settings_dict), connection)
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    return output


def restore(path: Path | str, using: str = DEFAULT_DB_ALIAS) -> None:
    """Replace everything in the database `using` with the backup at `path`."""
    connection = connections[using]
    vendor = _supported(connection.vendor)
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    kind = backup_kind(path)
    if kind != vendor:
        found = f"a {NAMES[kind]} backup" if kind else "not a backup made by backup_db"
        raise BackupError(f"{path} is {found}; the database is {NAMES[vendor]}.")
    if vendor == "sqlite":
        _sqlite_restore(path, connection)
    else:
        # Nothing of ours may hold a lock or a cached plan on the tables being replaced.
        connection.close()
        _run("pg_restore", _pg_restore_args(path, connection.settings_dict), connection)


def backup_kind(path: Path) -> str | None:
    """Which database a backup is for, from its first bytes; None if it is no backup."""
    with path.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_CUSTOM_MAGIC):
        return "postgresql"
    return None


def describe(using: str = DEFAULT_DB_ALIAS) -> str:
    """The database in words, for messages: "SQLite var/mgk.sqlite3"."""
    connection = connections[using]
    data = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"SQLite {data['NAME']}"
    where = f"{data.get('HOST') or 'local socket'}:{data.get('PORT') or 5432}"
    return f"PostgreSQL database {data['NAME']} on {where}"


def _supported(vendor: str) -> str:
    if vendor not in SUFFIXES:
        raise BackupError(f"backup_db and restore_db cover SQLite and PostgreSQL, not {vendor}.")
    return vendor


# --- SQLite --------------------------------------------------------------------------------


def _sqlite_backup(connection, output: Path) -> None:
    connection.ensure_connection()
    target = sqlite3.connect(output)
    try:
        # pages=-1: every page in one step, so no write can slip in between two steps.
        connection.connection.backup(target, pages=-1)
        # The copy inherits WAL mode from the live file; a backup is one self-contained file.
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()


def _sqlite_restore(path: Path, connection) -> None:
    source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        try:
            check = source.execute("PRAGMA quick_check").fetchone()[0]
            migrated = source.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
            ).fetchone()
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{path} cannot be read as a SQLite database: {exc}") from None
        if check != "ok":
            raise BackupError(f"{path} is damaged (SQLite quick_check: {check}).")
        if not migrated:
            raise BackupError(f"{path} is a SQLite file but not a database of this app.")
        connection.ensure_connection()
        source.backup(connection.connection, pages=-1)
    finally:
        source.close()


# --- PostgreSQL ----------------------------------------------------------------------------


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed. Install the PostgreSQL client tools "
            "(Debian: apt-get install postgresql-client) of the server's major version or newer."
        )
    return found


def _pg_connection_args(data: dict) -> list[str]:
    args = [f"--dbname={data['NAME']}"]
    if data.get("HOST"):
        args.append(f"--host={data['HOST']}")
    if data.get("PORT"):
        args.append(f"--port={data['PORT']}")
    if data.get("USER"):
        args.append(f"--username={data['USER']}")
    return [*args, "--no-password"]


def _pg_environment(data: dict) -> dict[str, str]:
    # The password goes in the environment, never on a command line others can list.
    env = {"PGPASSWORD": str(data["PASSWORD"])} if data.get("PASSWORD") else {}
    options = data.get("OPTIONS", {})
    for option, variable in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
        ("passfile", "PGPASSFILE"),
        ("service", "PGSERVICE"),
    ):
        if options.get(option):
            env[variable] = str(options[option])
    return env


def _pg_dump_args(output: Path, data: dict) -> list[str]:
    # A table locked by a schema change (a migrate running) fails the dump with a
    # message after a minute, rather than leaving it waiting unseen.
    return [
        *_pg_connection_args(data),
        "--format=custom",
        "--lock-wait-timeout=60s",
        f"--file={output}",
    ]


def _pg_restore_args(path: Path, data: dict) -> list[str]:
    return [
        *_pg_connection_args(data),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        str(path),
    ]


def _run(tool: str, args: list[str], connection) -> None:
    env = {**os.environ, **_pg_environment(connection.settings_dict)}
    done = subprocess.run(
        [_tool(tool), *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip() or f"exit status {done.returncode}"
        raise BackupError(f"{tool} failed: {detail}")
