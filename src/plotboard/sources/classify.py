"""Turning driver exceptions into plain-word verdicts.

Drivers report connection problems in their own ways: psycopg with libpq's message text,
PyMySQL with MySQL client/server error numbers, sqlite3 and DuckDB with short messages. This
module maps them all to one small vocabulary (`Problem.code`) and a sentence for a person.
Messages never include a password: `scrub()` removes it even if a driver echoed it back.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exc as sa_exc

from plotboard.sources import kinds
from plotboard.sources.dialects import SourceConnection

# Verdict codes for connection problems.
ACCESS_DENIED = "access_denied"
UNKNOWN_HOST = "unknown_host"
DATABASE_NOT_FOUND = "database_not_found"
CONNECTION_REFUSED = "connection_refused"
TIMEOUT = "timeout"
UNREACHABLE = "unreachable"
FILE_NOT_FOUND = "file_not_found"
NOT_A_DATABASE = "not_a_database"
FILE_IN_USE = "file_in_use"
CANNOT_OPEN = "cannot_open"
DRIVER_MISSING = "driver_missing"
TOO_MANY_CONNECTIONS = "too_many_connections"
SSL_ERROR = "ssl_error"
CONNECTION_LOST = "connection_lost"
ERROR = "error"

_DNS = re.compile(
    r"could not translate host name|failed to resolve host|name or service not known|"
    r"nodename nor servname|temporary failure in name resolution|"
    r"no address associated with hostname|unknown (mysql server )?host|getaddrinfo failed",
    re.IGNORECASE,
)
_REFUSED = re.compile(r"connection refused|errno 111\b|actively refused", re.IGNORECASE)
_TIMEOUT = re.compile(r"timeout expired|timed out|connection timeout", re.IGNORECASE)
_UNREACHABLE = re.compile(r"no route to host|network is unreachable", re.IGNORECASE)


@dataclass(frozen=True)
class Problem:
    code: str
    message: str


def scrub(text: str, conn: SourceConnection | None) -> str:
    """`text` without the connection's password (drivers occasionally echo connection strings)."""
    password = conn.password_value() if conn is not None else None
    if password:
        text = text.replace(password, "***")
    return text


def driver_message(err: BaseException, conn: SourceConnection | None = None) -> str:
    """The driver's own one-line message, without SQLAlchemy's SQL/parameter echo."""
    orig = err.orig if isinstance(err, sa_exc.DBAPIError) and err.orig is not None else err
    args: tuple[Any, ...] = tuple(getattr(orig, "args", ()))
    # PyMySQL: (errno, message)
    text = str(args[1]) if len(args) >= 2 and isinstance(args[0], int) else str(orig)
    line = next((part.strip() for part in text.splitlines() if part.strip()), type(orig).__name__)
    for prefix in ("connection failed: ", "FATAL:  ", "ERROR:  "):
        line = line.replace(prefix, "")
    if len(line) > 300:
        line = line[:297] + "..."
    return scrub(line, conn)


def mysql_errno(err: BaseException) -> int | None:
    orig = err.orig if isinstance(err, sa_exc.DBAPIError) else err
    args = getattr(orig, "args", ())
    return args[0] if args and isinstance(args[0], int) else None


# "Code: 516. DB::Exception: ..." (and "Code: 193, e.displayText() = DB::Exception" before 20.x)
_CLICKHOUSE_CODE = re.compile(r"\bCode: (\d+)[.,] (?:e\.displayText\(\) = )?DB::Exception")
#: ClickHouse's error numbers (its ErrorCodes.cpp) that name a connection problem.
CLICKHOUSE_UNKNOWN_DATABASE = 81
CLICKHOUSE_AUTH = (192, 193, 516)  # unknown user, wrong password, authentication failed


def clickhouse_code(err: BaseException) -> int | None:
    """ClickHouse's error number in a driver's message (`Code: 159. DB::Exception: ...`)."""
    orig = err.orig if isinstance(err, sa_exc.DBAPIError) else err
    match = _CLICKHOUSE_CODE.search(str(orig))
    return int(match.group(1)) if match else None


def _quoted_name(pattern: str, text: str) -> str | None:
    match = re.search(pattern, text)
    return match.group(1) if match else None


def classify_connect_error(
    err: BaseException, conn: SourceConnection, timeout_s: float | None = None
) -> Problem:
    """A plain-word verdict for an exception raised while connecting to `conn`."""
    # Match on the driver's raw text; scrub the password from the sentence we hand out.
    problem = _classify(err, conn, timeout_s)
    return Problem(problem.code, scrub(problem.message, conn))


def _classify(err: BaseException, conn: SourceConnection, timeout_s: float | None) -> Problem:
    target = conn.target
    if isinstance(err, (sa_exc.NoSuchModuleError, ImportError)):
        return _driver_missing(err, conn)
    if isinstance(err, sa_exc.TimeoutError):  # pool checkout
        return Problem(
            TOO_MANY_CONNECTIONS,
            "Every connection plotboard keeps to this database is busy; try again shortly.",
        )
    text = driver_message(err)
    full = str(err.orig if isinstance(err, sa_exc.DBAPIError) else err)
    lowered = full.lower()
    if conn.file_path is not None:
        return _classify_file_error(lowered, conn, conn.file_path, text)

    errno = mysql_errno(err)
    user = conn.user or conn.to_url().username or ""
    database = conn.database or conn.to_url().database or ""
    ch_code = clickhouse_code(err)
    if ch_code in CLICKHOUSE_AUTH:
        return Problem(
            ACCESS_DENIED, f'The database refused the user name or password (user "{user}").'
        )
    if ch_code == CLICKHOUSE_UNKNOWN_DATABASE:
        return Problem(DATABASE_NOT_FOUND, f'The server has no database called "{database}".')
    if errno in (1045, 1698) or "password authentication failed" in lowered:
        if "using password: no" in lowered:
            return Problem(ACCESS_DENIED, f'The database asks for a password for user "{user}".')
        return Problem(
            ACCESS_DENIED, f'The database refused the user name or password (user "{user}").'
        )
    if errno == 1044:
        return Problem(
            ACCESS_DENIED, f'User "{user}" is not allowed to use the database "{database}".'
        )
    if "no password supplied" in lowered:
        return Problem(ACCESS_DENIED, f'The database asks for a password for user "{user}".')
    role = _quoted_name(r'role "([^"]*)" does not exist', full)
    if role is not None:
        return Problem(ACCESS_DENIED, f'The database has no user called "{role}".')
    if "not permitted to log in" in lowered:
        return Problem(ACCESS_DENIED, f'User "{user}" is not allowed to log in.')
    if "no pg_hba.conf entry" in lowered:
        return Problem(
            ACCESS_DENIED,
            f'The server does not accept connections from plotboard\'s address for user "{user}" '
            "(pg_hba.conf).",
        )
    missing_db = _quoted_name(r'database "([^"]*)" does not exist', full)
    if errno == 1049 or missing_db is not None:
        name = missing_db or _quoted_name(r"Unknown database '([^']*)'", full) or database
        return Problem(DATABASE_NOT_FOUND, f'The server has no database called "{name}".')
    if errno == 1040 or "too many clients" in lowered or "too many connections" in lowered:
        return Problem(
            TOO_MANY_CONNECTIONS, "The database server has too many connections open right now."
        )
    if errno == 2005 or _DNS.search(full):
        host = conn.host or conn.to_url().host or target
        return Problem(
            UNKNOWN_HOST,
            f'The host name "{host}" could not be found (DNS lookup failed). Check its spelling.',
        )
    if _REFUSED.search(full):
        return Problem(
            CONNECTION_REFUSED,
            f"Nothing is accepting connections at {target}. Check the host and port, and that "
            "the database server is running.",
        )
    if _TIMEOUT.search(full):
        seconds = f" within {timeout_s:g} s" if timeout_s else ""
        return Problem(
            TIMEOUT,
            f"The server at {target} did not answer{seconds}. It may be down, overloaded, or "
            "behind a firewall that drops the connection.",
        )
    if _UNREACHABLE.search(full):
        return Problem(
            UNREACHABLE, f"There is no network route to {target}. Check the host and firewall."
        )
    if "ssl" in lowered or "tls" in lowered:
        return Problem(SSL_ERROR, f"The secure connection (SSL/TLS) to {target} failed: {text}")
    if errno in (2006, 2013) or "server closed the connection" in lowered:
        return Problem(CONNECTION_LOST, f"The connection to {target} was lost: {text}")
    return Problem(ERROR, f"Could not connect to {target}: {text}")


def _classify_file_error(lowered: str, conn: SourceConnection, path: str, text: str) -> Problem:
    database = kinds.for_backend(conn.backend)
    kind = database.label
    if path and not os.path.exists(os.path.expanduser(path)):
        return Problem(FILE_NOT_FOUND, f"There is no file at {path}.")
    if "not a database" in lowered or "not a valid duckdb database" in lowered:
        return Problem(NOT_A_DATABASE, f"The file at {path} is not a {kind} database.")
    own = database.file_error(lowered, path)  # e.g. DuckDB's lock held by a writer
    if own is not None:
        return Problem(*own)
    if path and os.path.isdir(os.path.expanduser(path)):
        return Problem(NOT_A_DATABASE, f"{path} is a folder, not a {kind} database file.")
    if "unable to open" in lowered or "permission" in lowered or "cannot open" in lowered:
        return Problem(
            CANNOT_OPEN,
            f"The file at {path} cannot be opened; check that the plotboard server may read it.",
        )
    return Problem(ERROR, f"Could not open the {kind} database at {path}: {text}")


def _driver_missing(err: BaseException, conn: SourceConnection) -> Problem:
    try:
        url = conn.to_url()
        what = url.drivername
        backend = url.get_backend_name()
    except Exception:
        what = backend = conn.kind
    kind = kinds.for_backend(backend)
    extra = kind.extra  # the driver is an optional extra of plotboard
    if extra is not None:
        label = kind.backend_label(backend)
        return Problem(
            DRIVER_MISSING,
            f"{label} support is not installed on this server: "
            f"pip install 'plotboard[{extra}]' (then restart plotboard).",
        )
    module = getattr(err, "name", None)
    hint = f' (Python module "{module}")' if isinstance(module, str) and module else ""
    return Problem(
        DRIVER_MISSING,
        f'The database driver for "{what}" is not installed on the plotboard server{hint}. '
        "Install the package that provides it and restart plotboard.",
    )
