"""Notifications on SQLite and PostgreSQL: a returned report reaches the head's notices
(read/unread), and, through a real SMTP server the test starts (aiosmtpd), their mailbox
exactly once: again after the mailer (or the projection worker process) restarts; a server
away sends nothing and records nothing, and the notice goes once it is back."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from domain import values
from domain.access import Role
from domain.errors import InvalidField, NotFound
from infra.mail import SmtpSender
from infra.settings import Settings
from infra.wiring import open_ledger
from services import Services
from services.mailing import Mailer
from tests.integration.conftest import Towns
from tests.integration.test_restatement import MEDIATION, RECTIFICATION, a_year, publish
from tests.support import OPERATOR, PASSWORD, unique

TODAY = values.today().isoformat()
WORKER = str(Path(sys.executable).with_name("township-ledger"))


@pytest.fixture
def database_url(own_sql_database_url: str) -> str:
    return own_sql_database_url


class Mailbox:
    """What the SMTP server received: (recipients, subject, body)."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], str, str]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = message_from_bytes(envelope.content)
        subject = str(make_header(decode_header(message["Subject"])))
        body = message.get_payload(decode=True).decode(message.get_content_charset() or "utf-8")
        self.messages.append((list(envelope.rcpt_tos), subject, body))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """aiosmtpd on a port of its own, stopped and started again on the same port."""

    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox
        self.port = free_port()
        self.running: Controller | None = None

    def start(self) -> None:
        self.running = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.running.start()

    def stop(self) -> None:
        if self.running is not None:
            self.running.stop()
            self.running = None


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, Server, str]]:
    mailbox = Mailbox()
    server = Server(mailbox)
    server.start()
    try:
        yield mailbox, server, f"smtp://127.0.0.1:{server.port}?from=ledger@example.org"
    finally:
        server.stop()


def a_returned_report(ledger: Services, towns: Towns, email: str | None = "head@example.org"):
    """A township whose head (with ``email``) submitted 2025's report, returned by the county."""
    place = towns.place()
    head = unique("head")
    ledger.tenancy.add_user(
        OPERATOR, username=head, password=PASSWORD, role="head",
        township=place.township, email=email,
    )  # fmt: skip
    submission = ledger.reports.submit(OPERATOR, township=place.township, year=2025).entry_id
    towns.record(place.township, "report_returned", submission, TODAY, reason="数据需核实")
    return place, ledger.tenancy.principal(username=head)


def test_a_returned_report_reaches_the_heads_notices_read_and_unread(
    ledger: Services, towns: Towns
):
    place, head = a_returned_report(ledger, towns)
    (notice,) = ledger.notifications.notices(head)
    assert notice.kind == "report_returned" and not notice.read
    assert notice.params == {"year": 2025, "id": notice.params["id"], "reason": "数据需核实"}
    assert ledger.notifications.unread(head) == 1
    clerk = unique("clerk")
    ledger.tenancy.add_user(
        OPERATOR, username=clerk, password=PASSWORD, role="clerk", township=place.township
    )
    assert ledger.notifications.notices(ledger.tenancy.principal(username=clerk)) == []
    with pytest.raises(NotFound):  # a key of no notice of theirs
        ledger.notifications.mark_read(head, keys=["answer:elsewhere:1"])
    with pytest.raises(InvalidField):
        ledger.notifications.mark_read(head, keys="all")
    ledger.notifications.mark_read(head, keys=[notice.key])
    ledger.notifications.mark_read(head, keys=[notice.key])  # again: nothing more recorded
    (again,) = ledger.notifications.notices(head)
    assert again.read and ledger.notifications.unread(head) == 0
    assert head.role is Role.HEAD


def test_a_returned_report_is_mailed_to_the_head_exactly_once(
    ledger: Services, towns: Towns, smtp, database_url: str
):
    mailbox, _server, url = smtp
    place, head = a_returned_report(ledger, towns, email=f"{unique('h')}@example.org")
    address = ledger.tenancy.mail_recipients().addresses
    assert [a for p, a in address if p.username == head.username] != []
    mailer = Mailer(ledger.tenancy, ledger.notifications, SmtpSender(url))
    assert mailer.step().sent == 1
    assert mailer.step().sent == 0
    (to, subject, body), *_ = [m for m in mailbox.messages if m[0] != []]
    mine = [m for m in mailbox.messages if m[0] == to]
    assert len(mine) == 1
    assert subject == "2025年度报告已被县级退回" and "数据需核实" in body
    # a restart: another process's mailer, reading what was sent from the ledger
    reopened = open_ledger(Settings(database_url=database_url))
    try:
        again = Mailer(reopened.tenancy, reopened.notifications, SmtpSender(url))
        assert again.step().sent == 0
    finally:
        reopened.close()
    assert len([m for m in mailbox.messages if m[0] == to]) == 1


def test_a_server_away_sends_nothing_records_nothing_and_the_notice_goes_later(
    ledger: Services, towns: Towns, smtp
):
    mailbox, server, url = smtp
    _place, head = a_returned_report(ledger, towns, email=f"{unique('h')}@example.org")
    server.stop()
    mailer = Mailer(ledger.tenancy, ledger.notifications, SmtpSender(url, timeout=2))
    done = mailer.step()
    assert (done.sent, done.failed) == (0, 1)
    assert ledger.notifications.inbox(head.username).mailed == set()
    server.start()
    assert mailer.step().sent >= 1
    assert len(mailbox.messages) >= 1


def test_the_projection_worker_mails_once_across_a_restart(
    ledger: Services, towns: Towns, smtp, database_url: str
):
    mailbox, _server, url = smtp
    address = f"{unique('h')}@example.org"
    place, head = a_returned_report(ledger, towns, email=address)
    env = {**os.environ, "LEDGER_SMTP_URL": url, "LEDGER_DATABASE_URL": database_url}

    def worker_until(count: int, linger: float = 0.0) -> None:
        """Run the worker until ``count`` messages reached ``address`` (and ``linger`` seconds
        more); then stop it."""
        process = subprocess.Popen(
            [WORKER, "project", "--follow", "--interval", "0.05"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while len(received()) < count and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(linger)  # the rest of its round: a notice sent again would show
        finally:
            process.terminate()
            process.wait(timeout=60)

    def received() -> list:
        return [m for m in mailbox.messages if m[0] == [address]]

    worker_until(1)
    assert [s for _to, s, _b in received()] == ["2025年度报告已被县级退回"]
    # a second answer, after the restart: it alone is sent (the first is not sent again)
    submission = ledger.reports.submit(OPERATOR, township=place.township, year=2024).entry_id
    towns.record(place.township, "report_returned", submission, TODAY, reason="补充材料")
    worker_until(2, linger=3.0)
    assert sorted(s for _to, s, _b in received()) == [
        "2024年度报告已被县级退回",
        "2025年度报告已被县级退回",
    ]


def test_a_published_rank_restated_reaches_the_county_officer(ledger: Services, towns: Towns):
    county, *_ = a_year(towns)
    officer_name = unique("officer")
    ledger.tenancy.add_user(
        OPERATOR, username=officer_name, password=PASSWORD, role="county_officer", county=county
    )
    officer = ledger.tenancy.principal(username=officer_name)
    receipt = publish(ledger, county, MEDIATION)
    assert ledger.notifications.notices(officer) == []
    ledger.rankings.set_indicators(OPERATOR, county=county, indicators=[MEDIATION, RECTIFICATION])
    (notice,) = ledger.notifications.notices(officer)
    assert (notice.kind, notice.key) == ("rank_restated", f"restated:{receipt.id}")
    assert notice.params == {"period": "2024", "publication": receipt.id}


def test_a_quality_flag_reaches_the_township_and_the_officer_and_is_mailed_once(
    ledger: Services, towns: Towns, smtp
):
    """Last year's entries recorded only now (months after their business dates): the year
    is flagged backfilled, a notice to the township's clerk and the county's officer, mailed
    once; a township recording as it went has none."""
    mailbox, _server, url = smtp
    place = towns.place()
    last_year = values.today().year - 1
    for n in range(3):
        towns.record(place.township, "liaison_registered", f"L-{n}", f"{last_year}-01-1{n}")
    clerk, officer = unique("clerk"), unique("officer")
    address = f"{unique('c')}@example.org"
    ledger.tenancy.add_user(
        OPERATOR, username=clerk, password=PASSWORD, role="clerk", township=place.township,
        email=address,
    )  # fmt: skip
    ledger.tenancy.add_user(
        OPERATOR, username=officer, password=PASSWORD, role="county_officer", county=place.county
    )
    key = f"flag:{place.township}:{last_year}:backfilled"
    for name in (clerk, officer):
        (notice,) = ledger.notifications.notices(ledger.tenancy.principal(username=name))
        assert (notice.kind, notice.key) == ("quality_flag", key)
        assert notice.params["rule"] == "backfilled" and notice.params["value"] == 1.0
    quiet = towns.place(place.county)
    towns.record(quiet.township, "liaison_registered", "L-now", TODAY)
    other = unique("clerk")
    ledger.tenancy.add_user(
        OPERATOR, username=other, password=PASSWORD, role="clerk", township=quiet.township
    )
    assert ledger.notifications.notices(ledger.tenancy.principal(username=other)) == []
    mailer = Mailer(ledger.tenancy, ledger.notifications, SmtpSender(url))
    mailer.step()
    mailer.step()  # nothing more: it was mailed
    mine = [(subject, body) for to, subject, body in mailbox.messages if to == [address]]
    assert len(mine) == 1
    assert mine[0][0] == f"{last_year}年度数据质量提示：集中补录"
    assert "集中补录" in mine[0][1] and "rule" not in mine[0][1]
