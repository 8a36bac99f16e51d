"""Slow clients as an attacker sends them, without signing in: connections that send one byte
of a request and wait, and sign-ins whose body stops short; and what they are sent to spoil:
``/healthz`` answering within a second.

Used against ``township-ledger serve`` alone (tests/integration/test_slow_clients.py), behind
the documented nginx front (tests/integration/test_nginx_front.py), and by the fuzz."""

from __future__ import annotations

import http.client
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

ONE_SECOND = 1.0  # how long /healthz may take to answer while the slow clients wait
LOGIN_BODY = b"username=somebody&password=" + b"x" * 100
LOGIN_HEAD = (
    b"POST /login HTTP/1.1\r\nHost: ledger\r\n"
    b"Content-Type: application/x-www-form-urlencoded\r\n"
    b"Content-Length: " + str(len(LOGIN_BODY)).encode() + b"\r\n\r\n"
)


@dataclass(frozen=True)
class Site:
    """Where the clients connect: plain HTTP, or TLS trusting ``tls`` (a CA file: the
    server's certificate, naming 127.0.0.1)."""

    port: int
    host: str = "127.0.0.1"
    tls: str | None = None
    source: str = "127.0.0.1"  # the clients' own address (any 127.x.y.z on Linux)

    def context(self) -> ssl.SSLContext | None:
        if self.tls is None:
            return None
        return ssl.create_default_context(cafile=self.tls)

    def connect(self, timeout: float = 30.0) -> socket.socket:
        raw = socket.create_connection((self.host, self.port), timeout, (self.source, 0))
        context = self.context()
        return context.wrap_socket(raw, server_hostname=self.host) if context else raw

    def connection(self, timeout: float) -> http.client.HTTPConnection:
        if self.tls is None:
            return http.client.HTTPConnection(
                self.host, self.port, timeout=timeout, source_address=(self.source, 0)
            )
        return http.client.HTTPSConnection(
            self.host,
            self.port,
            timeout=timeout,
            source_address=(self.source, 0),
            context=self.context(),
        )


@dataclass
class Attack:
    site: Site
    sockets: list[socket.socket] = field(default_factory=list)

    def open(self) -> int:
        """How many of the attack's connections the server still holds open."""
        return sum(still_open(s) for s in self.sockets)


@contextmanager
def slow_clients(site: Site, *, idle: int = 10, logins: int = 10) -> Iterator[Attack]:
    """``idle`` connections that have sent one byte of a request, ``logins`` sign-ins that have
    sent their headers and a third of their body; all closed at the end."""
    attack = Attack(site)
    try:
        for _ in range(idle):
            attack.sockets.append(site.connect())
            attack.sockets[-1].sendall(b"G")
        for _ in range(logins):
            attack.sockets.append(site.connect())
            attack.sockets[-1].sendall(LOGIN_HEAD + LOGIN_BODY[: len(LOGIN_BODY) // 3])
        yield attack
    finally:
        for opened in attack.sockets:
            opened.close()


def healthz(site: Site, timeout: float = ONE_SECOND) -> int | str:
    """/healthz's status, or the name of what kept it from answering within ``timeout``."""
    connection = site.connection(timeout)
    try:
        connection.request("GET", "/healthz")
        answer = connection.getresponse()
        answer.read()
        return answer.status
    except OSError as error:
        return type(error).__name__
    finally:
        connection.close()


def still_open(connection: socket.socket) -> bool:
    """The server has neither closed the connection nor answered on it."""
    connection.setblocking(False)
    try:
        connection.recv(1)  # an answer, or b"": closed
        return False
    except (BlockingIOError, ssl.SSLWantReadError):
        return True
    except OSError:
        return False
    finally:
        connection.setblocking(True)


def closed_by_server(connection: socket.socket, within: float) -> bool:
    """The server closes the connection (or answers and closes) within ``within`` seconds."""
    connection.settimeout(within)
    try:
        while connection.recv(4096):
            pass
        return True
    except TimeoutError:
        return False
    except OSError:  # reset: closed too
        return True


def send_raw(site: Site, request: bytes) -> tuple[int, bytes]:
    """The status and body the server answers to ``request``, sent as it is."""
    with site.connect() as connection:
        connection.sendall(request)
        answer = http.client.HTTPResponse(connection)
        answer.begin()
        return answer.status, answer.read()
