"""gunicorn's worker for the web app (``worker_class``, infra/gunicorn_conf.py): waitress in each
worker process, so that a request reaches the app's threads only once it has arrived whole.

gunicorn stays the master: it binds the port, forks the workers (no preload), replaces one that
dies, stops them on SIGTERM. In each worker, waitress's one I/O thread reads every connection:
the headers, then the body (kept in a temporary file past 512 KiB), and only a complete request
becomes a task for one of the ``threads`` threads that run the app. That thread sends its
answer as far as the client takes it and leaves the rest (in a temporary file past 1 MiB) for
the I/O thread. A client that sends one byte and waits, or trickles a body, or reads its answer
slowly, holds a connection and its buffers, never a thread of the app:

- its headers must be whole ``header_timeout`` seconds after their first byte;
- a pause of ``body_timeout`` seconds (in a body, in reading an answer, or a kept-alive
  connection's silence) closes the connection;
- a body larger than the largest the app takes (services/uploads.py) is refused (413) from its
  ``Content-Length``, before it is read;
- a worker holds at most ``worker_connections`` connections (then it stops accepting until one
  closes: the other workers go on).

What waitress refuses by itself (a request that is not HTTP, headers or a body too large) is
answered with the error document. Each answer is logged by the access line of
``infra.observability.GunicornLogger`` (no client address unless configured); nothing waitress
logs names a client.

SIGTERM: the worker stops accepting, answers every request it has begun to receive (the rest of
a body may still be on its way) and closes the idle connections, for up to ``graceful_timeout``
seconds, then exits. A worker whose master has gone (``kill -9``) does the same by itself.
"""

from __future__ import annotations

import json
import logging
import os
import time
from typing import Any

from gunicorn.workers.base import Worker
from waitress import wasyncore
from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.server import TcpWSGIServer
from waitress.task import ErrorTask, ThreadedTaskDispatcher, WSGITask

from infra.settings import GunicornSettings
from services.uploads import LARGEST_BODY_BYTES, TOO_LARGE

HEADER_BYTES = 64 * 1024  # a request's line and headers, cookies included
TICK = 1.0  # seconds between the worker's checks (its master, its deadlines, its heartbeat)
# How much of an answer a slow reader may leave unread before the app's thread waits for it
# (waitress's 16 MiB would let a reader stopping in a large export hold the thread): past
# 1 MiB the answer waits in a temporary file, so memory is not what this bounds.
ANSWER_BUFFER_BYTES = 1024 * 1024 * 1024
# waitress's own refusals, as the API's error document says them (400 for any request that
# cannot be read as HTTP/1.1, a transfer coding it does not take included); and its 500 when
# the app raised instead of answering (Flask answers its errors itself: not seen).
REFUSALS = {
    500: ("500 Internal Server Error", "error", "the server could not answer this request"),
    413: ("413 Request Entity Too Large", "too_large", TOO_LARGE),
    431: (
        "431 Request Header Fields Too Large",
        "too_large",
        f"the request's headers are larger than {HEADER_BYTES // 1024} KiB",
    ),
}
MALFORMED = ("400 Bad Request", "bad_request", "the request is not one HTTP/1.1 can read")


class Answer(WSGITask):
    """A request given to the app; its answer logged once written."""

    def get_environment(self) -> dict[str, Any]:
        environ = super().get_environment()
        environ["wsgi.multiprocess"] = True  # gunicorn's workers
        return environ

    def finish(self) -> None:
        super().finish()
        self.channel.server.answered(self)


class Refusal(ErrorTask):
    """A request waitress refused before the app could see it, answered with the error
    document."""

    def execute(self) -> None:
        status, code, message = REFUSALS.get(self.request.error.code, MALFORMED)
        error = {"code": code, "message": message, "field": None, "line": None}
        body = json.dumps({"error": error}).encode()
        self.status = status
        self.response_headers += [
            ("Content-Type", "application/json"),
            ("X-Content-Type-Options", "nosniff"),
        ]
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)

    def finish(self) -> None:
        super().finish()
        self.channel.server.answered(self)


class Connection(HTTPChannel):
    """One client's connection, read by the I/O thread; it knows when the request it is
    receiving began, and never names the client (its ``repr`` is in waitress's error lines)."""

    task_class = Answer
    error_task_class = Refusal
    began = 0.0  # time.monotonic() of the first byte of the request being received

    def writable(self) -> bool:
        """While one of the app's threads runs a request, that thread sends what it writes: the
        I/O thread waits for room to write only when the thread waits for it (its answer's
        buffer past the high watermark), or to close. (waitress's own rule polls for writing
        whenever a byte is not sent yet, also while the thread is between adding bytes and
        sending them: the I/O thread then spun against it for the GIL, about 90 turns a
        request, twice the CPU a page costs.)"""
        if (
            self.requests
            and not self.will_close
            and self.total_outbufs_len <= self.adj.outbuf_high_watermark
        ):
            return False
        return super().writable()

    def received(self, data: bytes) -> bool:
        if self.request is None and data:
            self.began = time.monotonic()
        return super().received(data)

    def receiving(self) -> bool:
        """A request has begun to arrive, or is in the app's hands, or its answer is still
        being sent."""
        return bool(self.request is not None or self.requests or self.total_outbufs_len)

    def headers_late(self, now: float, header_timeout: float) -> bool:
        request = self.request
        return (
            request is not None
            and not request.headers_finished
            and not self.requests
            and now - self.began > header_timeout
        )

    def __repr__(self) -> str:
        return f"<connection at {id(self):#x}>"


class Server(TcpWSGIServer):
    """waitress on one of gunicorn's listening sockets, in a worker."""

    channel_class = Connection

    def __init__(self, app: Any, socket_map: dict, sock: Any, adj: Adjustments, **kw: Any):
        self.gunicorn_log = kw.pop("log")
        sockinfo = (sock.family, sock.type, sock.proto, sock.getsockname())
        super().__init__(
            app, socket_map, True, sock, bind_socket=False, sockinfo=sockinfo, adj=adj, **kw
        )

    def answered(self, task: Answer | Refusal) -> None:
        environ = task.environ if isinstance(task, Answer) else {}
        status = int(task.status.split(None, 1)[0])
        seconds = time.time() - task.start_time
        self.gunicorn_log.answered(environ or {}, status, task.content_bytes_written, seconds)

    def connections(self) -> list[Connection]:
        return list(self.active_channels.values())


def adjustments(cfg: Any, serving: GunicornSettings) -> Adjustments:
    return Adjustments(
        threads=cfg.threads,
        connection_limit=cfg.worker_connections,
        backlog=cfg.backlog,
        channel_timeout=serving.body_timeout,
        cleanup_interval=1,
        max_request_header_size=HEADER_BYTES,
        max_request_body_size=LARGEST_BODY_BYTES,
        outbuf_high_watermark=ANSWER_BUFFER_BYTES,
        asyncore_use_poll=True,  # select() stops at 1,024 file descriptors
        clear_untrusted_proxy_headers=False,  # the app decides (LEDGER_TRUSTED_PROXIES)
        log_socket_errors=False,  # a client gone mid-request is no error of ours
        ident="township-ledger",
        url_scheme="http",
    )


class WholeRequestWorker(Worker):
    """gunicorn's worker: waitress on the worker's listening sockets (``run``); the settings it
    needs beyond gunicorn's own are bound by ``configured``."""

    serving = GunicornSettings()

    @classmethod
    def configured(cls, serving: GunicornSettings) -> type[WholeRequestWorker]:
        return type(cls.__name__, (cls,), {"serving": serving})

    def run(self) -> None:
        logging.getLogger("waitress").setLevel(logging.WARNING)  # its INFO lines name paths
        socket_map: dict = {}
        dispatcher = ThreadedTaskDispatcher()
        dispatcher.set_thread_count(self.cfg.threads)
        adj = adjustments(self.cfg, self.serving)
        servers = [
            Server(self.wsgi, socket_map, s.sock, adj, dispatcher=dispatcher, log=self.log)
            for s in self.sockets
        ]
        try:
            while self.alive and self.parent_alive():
                self.tick(servers, socket_map)
            self.stop(servers, socket_map)
        finally:
            dispatcher.shutdown(timeout=5)
            wasyncore.close_all(socket_map)

    def parent_alive(self) -> bool:
        if self.ppid != os.getppid():
            self.log.info("Parent changed, shutting down: %s", self)
            return False
        return True

    def tick(self, servers: list[Server], socket_map: dict) -> None:
        """One turn of the I/O loop, then the connections whose headers are late closed."""
        wasyncore.loop(timeout=TICK, map=socket_map, use_poll=True, count=1)
        self.notify()
        now = time.monotonic()
        for server in servers:
            for connection in server.connections():
                if connection.headers_late(now, self.serving.header_timeout):
                    connection.will_close = True

    def stop(self, servers: list[Server], socket_map: dict) -> None:
        """Accept nothing more; answer what has begun to arrive; close the idle connections."""
        for server in servers:
            server.accepting = False
        deadline = time.monotonic() + self.cfg.graceful_timeout
        while time.monotonic() < deadline:
            left = [c for server in servers for c in server.connections()]
            if not left:
                return
            for connection in left:
                if not connection.receiving():
                    connection.will_close = True
            self.tick(servers, socket_map)
