"""What the product's gunicorn worker (infra/web_worker.py) changes in waitress's connections,
pinned: the I/O thread does not poll for writing while an app's thread runs a request and
sends its own answer, only when that thread waits for the buffer to drain or the connection is
to close; a request's headers are late once ``header_timeout`` has passed since their first
byte; a connection never names its client."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from waitress import wasyncore
from waitress.task import ThreadedTaskDispatcher

from infra.settings import GunicornSettings
from infra.web_worker import Connection, Server, adjustments


class Quiet:  # the gunicorn logger's part the server calls
    def answered(self, *_: object) -> None:
        pass


class Cfg:  # the gunicorn settings the worker reads
    threads = 1
    worker_connections = 10
    backlog = 10


@pytest.fixture
def connection() -> Iterator[Connection]:
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    listening.listen()
    socket_map: dict = {}
    dispatcher = ThreadedTaskDispatcher()
    adj = adjustments(Cfg, GunicornSettings())
    server = Server(None, socket_map, listening, adj, dispatcher=dispatcher, log=Quiet())
    ours, theirs = socket.socketpair()
    made = Connection(server, ours, ("127.0.0.9", 40000), adj, map=socket_map)
    try:
        yield made
    finally:
        made.close()
        theirs.close()
        server.close()
        listening.close()


def test_no_polling_for_writing_while_the_apps_thread_sends_its_answer(connection):
    connection.requests = ["a request the app runs"]
    connection.total_outbufs_len = 805  # bytes the app's thread has added, not yet sent
    assert not connection.writable()
    connection.total_outbufs_len = connection.adj.outbuf_high_watermark + 1  # it waits for room
    assert connection.writable()
    connection.total_outbufs_len = 0
    connection.will_close = True
    assert connection.writable()


def test_without_a_running_request_unsent_bytes_are_polled_for(connection):
    connection.requests = []
    connection.total_outbufs_len = 805
    assert connection.writable()


def test_headers_are_late_after_the_header_timeout_since_their_first_byte(connection):
    connection.received(b"GET /healthz HTTP/1.1\r\nHost")
    assert not connection.headers_late(time.monotonic(), header_timeout=10)
    assert connection.headers_late(time.monotonic() + 11, header_timeout=10)
    connection.received(b": ledger\r\n\r\n")  # whole: handed on, nothing being received
    assert not connection.headers_late(time.monotonic() + 11, header_timeout=10)


def test_a_connection_does_not_name_its_client(connection):
    assert "127.0.0.9" not in repr(connection) and "40000" not in repr(connection)


def test_an_answer_larger_than_the_buffer_flows_to_a_slow_reader(connection):
    """The app's thread waits for room past the high watermark: the I/O thread must then send
    for it, or the two would wait for each other."""
    chunk = b"x" * 65536
    connection.adj.outbuf_high_watermark = 2 * 1024 * 1024  # the worker's is 1 GiB
    size = connection.adj.outbuf_high_watermark + 128 * len(chunk)

    def app(environ, start_response):
        start_response("200 OK", [("Content-Length", str(size))])
        return iter([chunk] * (size // len(chunk)))

    with running(connection.server, app) as client:
        client.sendall(b"GET /big HTTP/1.1\r\nHost: ledger\r\n\r\n")
        time.sleep(2)  # reads nothing for a while: the buffer fills past the mark
        answer = http.client.HTTPResponse(client)
        answer.begin()
        assert answer.status == 200 and len(answer.read()) == size


def test_an_app_that_raises_is_answered_with_the_error_document(connection):
    def app(environ, start_response):
        raise RuntimeError("not an answer")

    with running(connection.server, app) as client:
        client.sendall(b"GET /raises HTTP/1.1\r\nHost: ledger\r\n\r\n")
        answer = http.client.HTTPResponse(client)
        answer.begin()
        document = json.loads(answer.read())
    assert answer.status == 500
    assert document["error"]["code"] == "error" and "RuntimeError" not in str(document)


@contextmanager
def running(server: Server, app) -> Iterator[socket.socket]:
    """A client connected to ``server`` answering with ``app`` (its I/O loop in a thread, one
    thread for the app)."""
    server.application = app
    server.task_dispatcher.set_thread_count(1)
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            wasyncore.loop(timeout=0.1, map=server._map, use_poll=True, count=1)

    io_thread = threading.Thread(target=loop, daemon=True)
    io_thread.start()
    try:
        with socket.create_connection(server.socket.getsockname(), timeout=30) as client:
            yield client
    finally:
        stop.set()
        io_thread.join(timeout=5)
        server.task_dispatcher.shutdown(timeout=5)
