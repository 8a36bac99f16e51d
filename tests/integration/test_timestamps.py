"""Trusted timestamps against a real timestamp authority on loopback (tests/tsa.py: OpenSSL's
``openssl ts -reply``): publications and chain heads stamped in the background, tokens that
OpenSSL verifies, a TSA away or misbehaving delaying nothing and recording nothing, and
``verify`` naming a publication whose token was altered."""

from __future__ import annotations

import base64
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from uuid import UUID

import pytest

from domain.chain import chain_uuid
from domain.errors import NotFound
from domain.timestamp import chain_subject, publication_subject, timestamps_uuid
from infra.settings import Settings
from infra.wiring import open_ledger
from services import Services
from services.stamping import Stamper
from services.timestamps import latest_stamp
from tests.integration.conftest import Towns
from tests.integration.tampering import RawStore
from tests.integration.test_audit_export import export, records, rewrite, verify_export
from tests.integration.test_publications import a_year
from tests.support import OPERATOR, Place
from tests.tsa import AUTHORITY_WORDS, TestAuthority, tsa, tsa_folder  # noqa: F401 (fixtures)

WORKER = str(Path(sys.executable).with_name("township-ledger"))


def stamped_settings(url: str, authority: TestAuthority, timeout: float = 5.0) -> Settings:
    return Settings(
        database_url=url, tsa_url=authority.url, tsa_certs=str(authority.ca), tsa_timeout=timeout
    )


@pytest.fixture
def ledger(own_sql_database_url: str, tsa: TestAuthority) -> Iterator[Services]:  # noqa: F811
    """The ledger, on a store of the test's own (the job reads the whole log), with the
    test TSA configured."""
    opened = open_ledger(stamped_settings(own_sql_database_url, tsa, timeout=0.5))
    try:
        yield opened
    finally:
        opened.close()


def openssl_verify(authority: TestAuthority, token: bytes, folder: Path, *data: str) -> str:
    (folder / "token.tsr").write_bytes(token)
    done = subprocess.run(
        ["openssl", "ts", "-verify", *data, "-in", str(folder / "token.tsr"),
         "-CAfile", str(authority.ca)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    return done.stdout + done.stderr


def test_a_publication_gets_a_token_that_openssl_verifies(
    ledger: Services,
    tsa: TestAuthority,  # noqa: F811
    tmp_path: Path,
) -> None:
    towns = Towns(ledger)
    county, a, b = a_year(towns)
    receipt = ledger.publications.publish_ranking(OPERATOR, county=county, period="2024")
    (listed,) = ledger.publications.published(OPERATOR, county=county)
    assert (listed["timestamp"], listed["waits_for_timestamp"]) == (None, True)
    with pytest.raises(NotFound):
        ledger.timestamps.token(OPERATOR, publication_id=receipt.id)

    done = ledger.stamper().step()
    assert (done.stamped, done.failed) == (3, 0)  # the publication, a's and b's chain heads
    token = ledger.timestamps.token(OPERATOR, publication_id=receipt.id)
    data = tmp_path / "publication.json"
    data.write_bytes(ledger.publications.publication(OPERATOR, publication_id=receipt.id))
    said = openssl_verify(tsa, token, tmp_path, "-data", str(data))
    assert "Verification: OK" in said, said

    (listed,) = ledger.publications.published(OPERATOR, county=county)
    assert listed["waits_for_timestamp"] is False
    assert listed["timestamp"]["authority"] == AUTHORITY_WORDS
    assert listed["timestamp"]["stamped_at"].endswith("Z")
    result = ledger.verifier.verify(OPERATOR, county=county)
    assert result.ok, result.summary()
    assert result.timestamps == 3 and "3 timestamp token(s)" in result.summary()


def test_a_tsa_away_delays_nothing_and_the_token_comes_when_it_is_back(
    ledger: Services,
    tsa: TestAuthority,  # noqa: F811
) -> None:
    towns = Towns(ledger)
    county, _, _ = a_year(towns)
    tsa.stop()
    receipt = ledger.publications.publish_ranking(OPERATOR, county=county, period="2024")
    stamper = ledger.stamper()
    done = stamper.step()
    assert (done.stamped, done.failed) == (0, 1)
    (listed,) = ledger.publications.published(OPERATOR, county=county)
    assert listed["waits_for_timestamp"] is True

    tsa.start()
    assert stamper.step().stamped == 3
    assert ledger.timestamps.token(OPERATOR, publication_id=receipt.id)


@pytest.mark.parametrize("answer", ["garbage", "error", "slow", "other_hash"])
def test_a_tsa_answering_badly_records_nothing_and_is_asked_again(
    ledger: Services,
    tsa: TestAuthority,  # noqa: F811
    answer: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    towns = Towns(ledger)
    county, _, _ = a_year(towns)
    receipt = ledger.publications.publish_ranking(OPERATOR, county=county, period="2024")
    tsa.answer, tsa.slow_seconds = answer, 2.0  # the ledger waits 0.5 s
    stamper = ledger.stamper()
    with caplog.at_level(logging.WARNING, "ledger.timestamps"):
        done = stamper.step()
    assert (done.stamped, done.failed) == (0, 1)
    said = {
        "garbage": "not a timestamp reply",
        "error": "the authority answered HTTP 500",
        "slow": "the authority did not answer",
        "other_hash": "the token stamps another hash",
    }[answer]
    assert any(said in r.getMessage() for r in caplog.records), caplog.text
    subject = publication_subject(receipt.id)
    assert latest_stamp(ledger.app, subject) is None
    assert not ledger.app.recorder.select_events(timestamps_uuid(subject))

    tsa.answer = "ok"
    assert stamper.step().stamped == 3
    assert latest_stamp(ledger.app, subject) is not None


def test_chain_heads_are_stamped_once_a_day_when_they_moved(
    ledger: Services,
    tsa: TestAuthority,  # noqa: F811
    tmp_path: Path,
) -> None:
    towns = Towns(ledger)
    county, a, b = a_year(towns)
    days = [date(2026, 12, 6)]
    stamper = Stamper(ledger.app, ledger.tenancy, ledger.timestamps.authority, day=lambda: days[0])
    assert stamper.step().stamped == 2  # a's and b's heads
    towns.record(a, "dispute_registered", "D-9", "2024-05-01", source="other", category="劳动")
    assert stamper.step().stamped == 0  # the same day: not again
    days[0] = date(2026, 12, 7)
    assert stamper.step().stamped == 1  # a moved; b did not
    head = ledger.app.chain_head(a)
    stamp = latest_stamp(ledger.app, chain_subject(a))
    assert (stamp["link"], stamp["sha256"]) == head
    assert len(ledger.app.recorder.select_events(timestamps_uuid(chain_subject(b)))) == 2
    token = base64.b64decode(stamp["reply"])
    said = openssl_verify(tsa, token, tmp_path, "-digest", head[1])
    assert "Verification: OK" in said, said
    rows = ledger.timestamps.chain_heads(Place(county, a).auditor(), county=county)
    assert [(r["township"], r["has_chain"]) for r in rows] == [(t, True) for t in sorted((a, b))]
    for row in rows:
        head = ledger.app.chain_head(row["township"])
        assert (row["stamp"]["link"], row["stamp"]["sha256"]) == head
        assert row["stamp"]["authority"] == AUTHORITY_WORDS


def test_the_worker_asks_again_until_the_tsa_is_back(
    ledger: Services,
    tsa: TestAuthority,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    towns = Towns(ledger)
    county, _, _ = a_year(towns)
    tsa.stop()
    receipt = ledger.publications.publish_ranking(OPERATOR, county=county, period="2024")
    stop = threading.Event()
    with caplog.at_level(logging.WARNING, "ledger.timestamps"):
        worker = ledger.stamper().follow_in_background(stop, interval=0.05, retry_most=0.2)
        try:
            wait_until(lambda: "tried again later" in caplog.text)
            tsa.start()
            wait_until(lambda: _has_token(ledger, receipt.id))
        finally:
            stop.set()
            worker.join(timeout=10)
    assert not worker.is_alive()


def _has_token(ledger: Services, publication_id: str) -> bool:
    return latest_stamp(ledger.app, publication_subject(publication_id)) is not None


def wait_until(condition, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "waited in vain"
        time.sleep(0.05)


@pytest.mark.parametrize("tampering", ["altered", "other_hash"])
def test_verify_names_the_publication_whose_token_was_tampered_with(
    own_sql_database_url: str,
    tsa: TestAuthority,  # noqa: F811
    tampering: str,
) -> None:
    ledger = open_ledger(stamped_settings(own_sql_database_url, tsa))
    raw = RawStore(own_sql_database_url, ledger.app.recorder.events_table_name)
    try:
        county, _, _ = a_year(Towns(ledger))
        receipt = ledger.publications.publish_ranking(OPERATOR, county=county, period="2024")
        ledger.stamper().step()
        assert ledger.verifier.verify(OPERATOR, county=county).ok
        aggregate = timestamps_uuid(publication_subject(receipt.id))
        state = raw.state(aggregate, 2)
        reply = bytearray(base64.b64decode(state["reply"]))
        if tampering == "altered":
            reply[-40] ^= 0x01  # a byte of the signature
        else:
            reply = tsa.stamp_digest("ab" * 32)  # a good token, of another hash
        raw.set_state(aggregate, 2, {**state, "reply": base64.b64encode(reply).decode()})
        result = ledger.verifier.verify(OPERATOR, county=county)
        assert not result.ok
        first = result.first
        assert f"publication {receipt.id}" in first.what
        kind = "timestamp_invalid" if tampering == "altered" else "timestamp_other_hash"
        assert first.kind == kind, first
    finally:
        raw.close()
        ledger.close()


def test_verify_names_a_chain_head_token_whose_link_was_rewritten(
    own_sql_database_url: str,
    tsa: TestAuthority,  # noqa: F811
) -> None:
    ledger = open_ledger(stamped_settings(own_sql_database_url, tsa))
    raw = RawStore(own_sql_database_url, ledger.app.recorder.events_table_name)
    try:
        county, a, _ = a_year(Towns(ledger))
        ledger.stamper().step()
        version, _ = ledger.app.chain_head(a)
        link = raw.state(chain_uuid(a), version)
        raw.set_state(chain_uuid(a), version, {**link, "sha256": "cd" * 32})
        findings = ledger.verifier.verify(OPERATOR, township=a).findings
        stamp = [f for f in findings if f.kind.startswith("timestamp")]
        assert [(f.kind, f.township, f.version) for f in stamp] == [
            ("timestamp_other_hash", a, version)
        ]
    finally:
        raw.close()
        ledger.close()


def test_the_projection_worker_process_stamps_what_is_published(
    own_sql_database_url: str,
    tsa: TestAuthority,  # noqa: F811
) -> None:
    """``project --follow`` runs the job beside the projection: a ranking published while it
    runs gets its token (no TSA in the publishing process at all)."""
    ledger = open_ledger(Settings(database_url=own_sql_database_url))
    worker = subprocess.Popen(
        [WORKER, "--database", own_sql_database_url, "project", "--follow", "--interval", "0.1"],
        env={**os.environ, "LEDGER_TSA_URL": tsa.url, "LEDGER_TSA_CERTS": str(tsa.ca)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        county, _, _ = a_year(Towns(ledger))
        receipt = ledger.publications.publish_ranking(OPERATOR, county=county, period="2024")
        assert ledger.publications.published(OPERATOR, county=county)[0]["timestamp"] is None
        wait_until(lambda: _has_token(ledger, receipt.id))
        (listed,) = ledger.publications.published(OPERATOR, county=county)
        assert listed["timestamp"]["authority"] == AUTHORITY_WORDS
    finally:
        worker.terminate()
        _, errors = worker.communicate(timeout=30)
        ledger.close()
    assert worker.returncode == 0, errors.decode()


def test_the_audit_export_carries_the_tokens_and_the_standalone_verifier_checks_them(
    ledger: Services,
    tsa: TestAuthority,  # noqa: F811
    tmp_path: Path,
) -> None:
    county, a, _ = a_year(Towns(ledger))
    receipt = ledger.publications.publish_ranking(OPERATOR, county=county, period="2024")
    ledger.stamper().step()
    path = tmp_path / "export.jsonl"
    export(ledger, [a], path)
    items = records(path)
    stamps = [i for i in items if i["record"] == "timestamp"]
    assert [(s["kind"], s["publication"], s["township"]) for s in stamps] == [
        ("publication", receipt.id, None),  # a ranking: the county's, no township
        ("chain_head", None, a),
    ]
    assert stamps[0]["sha256"] == receipt.sha256
    assert (stamps[1]["link"], stamps[1]["sha256"]) == ledger.app.chain_head(a)

    checked = verify_export(path, "--tsa-ca", str(tsa.ca))
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.splitlines()[-1] == (
        "verified: 5 event(s), 1 link(s), 1 anchor(s), 2 timestamp(s),"
        " signatures checked by openssl ts -verify"
    )
    assert f"publication {receipt.id}: stamped at " in checked.stdout
    unsigned = verify_export(path)
    assert unsigned.returncode == 0, unsigned.stderr
    assert "(signatures not checked: give --tsa-ca CA.pem)" in unsigned.stdout

    n = items.index(stamps[0])
    reply = bytearray(base64.b64decode(stamps[0]["reply"]))
    reply[-40] ^= 0x01  # a byte of the signature: only OpenSSL can tell
    rewrite(
        path,
        [*items[:n], {**stamps[0], "reply": base64.b64encode(reply).decode()}, *items[n + 1 :]],
    )
    refused = verify_export(path, "--tsa-ca", str(tsa.ca))
    assert refused.returncode == 1
    assert f"line {n + 1}: publication {receipt.id}: its timestamp's signature does not verify" in (
        refused.stderr
    )
    other = base64.b64encode(tsa.stamp_digest("ab" * 32)).decode()
    rewrite(path, [*items[:n], {**stamps[0], "reply": other}, *items[n + 1 :]])
    refused = verify_export(path)
    assert refused.returncode == 1
    assert f"line {n + 1}: publication {receipt.id}: its timestamp token stamps another hash" in (
        refused.stderr
    )


def test_a_worker_standing_by_asks_nothing(
    ledger: Services,
    tsa: TestAuthority,  # noqa: F811
) -> None:
    """Of several projection workers, the one projecting stamps: one standing by does not."""
    county, _, _ = a_year(Towns(ledger))
    receipt = ledger.publications.publish_ranking(OPERATOR, county=county, period="2024")
    stop, asked = threading.Event(), []

    def leading() -> bool:
        asked.append(True)
        if len(asked) == 3:
            stop.set()
        return False

    watchdog = threading.Timer(30, stop.set)  # ends the test, should the job not ask
    watchdog.start()
    ledger.stamper().follow(stop, leading=leading, interval=0.01)
    watchdog.cancel()
    assert (len(asked), tsa.requests) == (3, 0)
    assert not _has_token(ledger, receipt.id)


def test_a_publication_altered_in_the_database_is_not_stamped_and_the_rest_are(
    own_sql_database_url: str,
    tsa: TestAuthority,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    ledger = open_ledger(stamped_settings(own_sql_database_url, tsa))
    raw = RawStore(own_sql_database_url, ledger.app.recorder.events_table_name)
    try:
        county, _, _ = a_year(Towns(ledger))
        altered = ledger.publications.publish_ranking(OPERATOR, county=county, period="2024")
        intact = ledger.publications.publish_ranking(OPERATOR, county=county, period="2024-Q1")
        state = raw.state(UUID(altered.id), 1)
        raw.set_state(UUID(altered.id), 1, {**state, "document": state["document"] + " "})
        with caplog.at_level(logging.ERROR, "ledger.timestamps"):
            done = ledger.stamper().step()
        assert (done.stamped, done.failed) == (3, 0)  # the intact one and the two heads
        assert f"publication {altered.id} cannot be read, or no longer matches" in caplog.text
        assert not _has_token(ledger, altered.id) and _has_token(ledger, intact.id)
    finally:
        raw.close()
        ledger.close()
