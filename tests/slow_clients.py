"""Slow clients as an attacker sends them, without signing in: connections that send one byte
of a request and wait, and sign-ins whose body stops short; and what they are sent to spoil:
``/healthz`` answering within a second.

Used against ``township-ledger serve`` alone (tests/integration/test_slow_clients.py), behind
the documented nginx front (tests/integration/test_nginx_front.py), and by the fuzz."""

from __future__ import annotations

import http.client
import random
import socket
import ssl
import threading
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


# -- trickling: slow clients sending random requests for as long as other traffic runs --------

TRICKLED = (
    b"GET /county/ HTTP/1.1\r\nHost: ledger\r\nAccept-Language: zh-CN\r\n\r\n",
    LOGIN_HEAD + LOGIN_BODY,
    b"POST /api/v1/entries HTTP/1.1\r\nHost: ledger\r\nContent-Type: application/json\r\n"
    b'Content-Length: 64\r\n\r\n{"township": "t", "type": "dispute_registered", "id": "slow-1"}',
    b"POST /api/v1/imports HTTP/1.1\r\nHost: ledger\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"10\r\n{}\n{}\n{}\n{}\n{}\n\r\n0\r\n\r\n",
)


class Trickling:
    """``count`` connections, each sending a random request (one of ``TRICKLED``, some of its
    bytes changed at random, or random bytes) one to six bytes at a time with pauses of up to
    0.4 s, then waiting until the server answers or closes the connection, then another on a
    new connection; until the ``with`` block ends. ``sent`` and ``connections`` say how much of
    it happened."""

    def __init__(self, site: Site, count: int, seed: int) -> None:
        self.site, self.count, self.seed = site, count, seed
        self.stop = threading.Event()
        self.sent = self.connections = 0
        self.threads: list[threading.Thread] = []
        self.lock = threading.Lock()

    def __enter__(self) -> Trickling:
        for n in range(self.count):
            thread = threading.Thread(target=self._run, args=(self.seed + n,), daemon=True)
            self.threads.append(thread)
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def _run(self, seed: int) -> None:
        chance = random.Random(seed)
        while not self.stop.is_set():
            try:
                with self.site.connect(timeout=5) as connection:
                    with self.lock:
                        self.connections += 1
                    self._trickle(connection, _request(chance), chance)
            except OSError:  # refused or reset: the server's right; start another
                self.stop.wait(0.1)

    def _trickle(self, connection: socket.socket, request: bytes, chance: random.Random) -> None:
        """Send ``request`` slowly, then wait for the server's answer or its close."""
        at = 0
        while at < len(request) and not self.stop.is_set() and still_open(connection):
            step = chance.randint(1, 6)
            connection.sendall(request[at : at + step])
            at += step
            with self.lock:
                self.sent += step
            self.stop.wait(chance.uniform(0.02, 0.4))
        while not self.stop.is_set() and still_open(connection):
            self.stop.wait(0.2)


def _request(chance: random.Random) -> bytes:
    if chance.random() < 0.15:
        return chance.randbytes(chance.randint(1, 200))
    request = bytearray(chance.choice(TRICKLED))
    for _ in range(chance.choice((0, 0, 1, 3))):
        request[chance.randrange(len(request))] = chance.randrange(256)
    return bytes(request)
