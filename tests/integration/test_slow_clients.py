"""Slow clients against ``township-ledger serve`` alone (no front): they hold connections, never
the app's threads (infra/web_worker.py reads whole requests first), so ``/healthz`` answers
while they wait; and the server closes them once they are too slow. What the server refuses by
itself is answered with the error document."""

from __future__ import annotations

import json
import time

from services.uploads import LARGEST_BODY_BYTES
from tests.served import serving
from tests.slow_clients import (
    ONE_SECOND,
    Site,
    closed_by_server,
    healthz,
    send_raw,
    slow_clients,
    still_open,
)

PATIENT = {"LEDGER_HEADER_TIMEOUT": "600", "LEDGER_BODY_TIMEOUT": "600"}  # outlast the test


def test_slow_clients_leave_healthz_answering_within_a_second(tmp_path):
    # 2 workers × 4 threads: 8 threads, fewer than the first wave of slow clients alone.
    with serving(tmp_path, "--workers", "2", LEDGER_THREADS="4", **PATIENT) as served:
        site = served.site
        with slow_clients(site, idle=10, logins=10) as first:
            answers = [healthz(site, ONE_SECOND) for _ in range(5)]
            with slow_clients(site, idle=60, logins=30) as more:
                more_answers = [healthz(site, ONE_SECOND) for _ in range(5)]
                login_page = _get(site, "/login")
                waiting = first.open() + more.open()
        assert served.stop() == 0
    assert answers == [200] * 5
    assert more_answers == [200] * 5
    assert login_page == 200
    assert waiting == 110  # every slow client was still connected, waiting, meanwhile
    assert "Traceback" not in served.log()


def test_the_server_closes_clients_too_slow_with_their_headers_or_body(tmp_path):
    timeouts = {"LEDGER_HEADER_TIMEOUT": "2", "LEDGER_BODY_TIMEOUT": "3"}
    with serving(tmp_path, **timeouts) as served:
        site = served.site
        with slow_clients(site, idle=3, logins=3) as attack:
            closed = [closed_by_server(s, within=60) for s in attack.sockets]
        # Headers trickled a byte a second, never silent for the body timeout: the headers'
        # own deadline (2 s after their first byte) closes the connection all the same.
        trickled = _trickle(site, b"GET /healthz HTTP/1.1\r\nHost: ledger\r\n" + b"X: y\r\n" * 20)
        assert healthz(site) == 200
    assert closed == [True] * 6
    assert trickled < 30  # bytes sent before the server closed: far from the whole headers


def test_what_the_server_refuses_itself_is_the_error_document(tmp_path):
    with serving(tmp_path) as served:
        too_large = send_raw(
            served.site,
            b"POST /api/v1/imports HTTP/1.1\r\nHost: ledger\r\n"
            b"Content-Type: application/x-ndjson\r\n"
            b"Content-Length: %d\r\n\r\n" % (LARGEST_BODY_BYTES + 1),
        )
        malformed = send_raw(served.site, b"GET /healthz HTTP/1.1\r\nNo colon here\r\n\r\n")
        headers = b"GET /healthz HTTP/1.1\r\nHost: ledger\r\nX-Big: %s\r\n\r\n" % (b"x" * 70_000)
        too_many_headers = send_raw(served.site, headers)
    assert too_large[0] == 413
    assert json.loads(too_large[1])["error"]["code"] == "too_large"
    assert malformed[0] == 400
    assert set(json.loads(malformed[1])["error"]) == {"code", "message", "field", "line"}
    assert too_many_headers[0] == 431
    assert json.loads(too_many_headers[1])["error"]["code"] == "too_large"


# -- helpers -------------------------------------------------------------------------------


def _get(site: Site, path: str) -> int:
    connection = site.connection(timeout=30)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    finally:
        connection.close()


def _trickle(site: Site, request: bytes) -> int:
    """Send ``request`` a byte a second until the server closes the connection; the number of
    bytes sent by then."""
    with site.connect() as connection:
        for sent, byte in enumerate(request):
            try:
                connection.sendall(bytes([byte]))
            except OSError:
                return sent
            time.sleep(1)
            if not still_open(connection):
                return sent + 1
    return len(request)
