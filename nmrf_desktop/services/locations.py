"""Where a record lives: a database file on this computer, or a database server's URL."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

Location = Path | str  # a file, or a server URL kept as text (a Path would mangle "//")


def parse(text: str | Path) -> Location:
    """A server URL ('postgresql://user@host/db') as text, anything else as a file path.

    A 'sqlite:///…' URL names a file, so it becomes that file's path.
    """
    if isinstance(text, Path):
        return text
    if "://" in text:
        try:
            url = make_url(text)
        except (ArgumentError, ValueError) as exc:  # ValueError: a port that is no number
            raise ValueError(f"not a database address: {safe_text(text)} ({exc})") from None
        if url.get_backend_name() == "sqlite" and url.database:
            return Path(url.database).expanduser()
        return text
    return Path(text).expanduser()


def is_server(location: Location) -> bool:
    return isinstance(location, str)


def safe_text(location: Location) -> str:
    """The location in full, any password hidden: for menus, messages, logs and settings."""
    if isinstance(location, Path):
        return str(location)
    try:
        return make_url(location).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "<an address that cannot be read>"


def label(location: Location) -> str:
    """A short name: the file's name, or 'database on host'."""
    if isinstance(location, Path):
        return location.name
    url = make_url(location)
    return f"{url.database or '?'} on {url.host or 'localhost'}"


class AddressProblem(Enum):
    """Why text is not a central record's server address."""

    NOT_AN_ADDRESS = "not an address"
    NOT_POSTGRESQL = "not postgresql://"
    INCOMPLETE = "no server or no database"


def server_url(text: str, password: str = "") -> tuple[str | None, AddressProblem | None]:
    """(the PostgreSQL URL to open with the password in it, or None; why not).

    Empty text is neither: (None, None). The password goes into the URL only.
    """
    text = text.strip()
    if not text:
        return None, None
    try:
        url = make_url(text)
    except (ArgumentError, ValueError):  # ValueError: a port that is no number
        return None, AddressProblem.NOT_AN_ADDRESS
    if url.get_backend_name() != "postgresql":
        return None, AddressProblem.NOT_POSTGRESQL
    try:
        host, database = url.host, url.database
        if url.port is not None and not 0 < url.port < 65536:
            return None, AddressProblem.NOT_AN_ADDRESS
    except ValueError:
        return None, AddressProblem.NOT_AN_ADDRESS
    if not host or not database:
        return None, AddressProblem.INCOMPLETE
    if password:
        url = url.set(password=password)
    return url.render_as_string(hide_password=False), None
