"""Evidence attached to entries (services/evidence.py) on the in-memory ledger and evidence
store: what is accepted and refused (nothing stored then), repeats, limits, rights, retraction,
who is given a file, and what the figures and the interchange format make of it."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime

import pytest

from domain.errors import Forbidden, InvalidField, LedgerError, NotFound, RuleBroken
from infra.settings import event_store_env
from services import open_services
from services.evidence import EvidenceLimits
from services.evidence_store import thumbnail_key
from tests import evidence_samples as samples
from tests.support import OPERATOR, Tenants


def attach(services, principal, township, entry_id, data, name="file.pdf"):
    return services.evidence.attach(
        principal, township=township, entry_id=entry_id, name=name, content=io.BytesIO(data)
    )


def inspection(services, principal, township, entry_id):
    services.entries.record(
        principal,
        township=township,
        type="inspection_conducted",
        entry_id=entry_id,
        occurred_on="2024-03-01",
        fields={"area": "食品安全"},
    )


def events_of(services, principal, township, entry_id):
    return services.entries.entry(principal, township=township, entry_id=entry_id).history


@pytest.fixture
def dispute(record):
    record("dispute_registered", "D-1", source="screening", category="邻里")
    return "D-1"


def test_a_file_attached_is_named_by_the_entry_and_kept_by_its_hash(
    services, place, clerk, dispute
):
    data = samples.pdf()
    done = attach(services, clerk, place.township, dispute, data, name=r"C:\fakepath\纪要.pdf")
    digest = hashlib.sha256(data).hexdigest()
    assert done.document() == {
        "sha256": digest,
        "size": len(data),
        "media_type": "application/pdf",
        "name": "纪要.pdf",
    }
    assert done.status == "recorded"
    assert services.evidence.store.get(digest) == data
    last = events_of(services, clerk, place.township, dispute)[-1]
    assert last.type == "evidence_attached"
    assert last.fields == done.document()
    (carried,) = services.evidence.listing(clerk, township=place.township, entry_id=dispute)
    assert (carried.sha256, carried.name, carried.retracted) == (digest, "纪要.pdf", False)
    given = services.evidence.file(clerk, sha256=digest)
    assert (given.data, given.media_type) == (data, "application/pdf")


@pytest.mark.parametrize(
    ("make", "media_type"),
    [
        (samples.photo, "image/jpeg"),
        (samples.png, "image/png"),
        (samples.word, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (samples.workbook, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_each_kind_is_judged_from_its_content_not_its_name(
    services, place, clerk, dispute, make, media_type
):
    done = attach(services, clerk, place.township, dispute, make(), name="scan.pdf")
    assert done.media_type == media_type
    thumbnail = services.evidence.store.get(thumbnail_key(done.sha256))
    assert (thumbnail is not None) == media_type.startswith("image/")
    if thumbnail:
        assert thumbnail[:3] == b"\xff\xd8\xff"  # a JPEG, made on upload


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (samples.executable, "evidence.type_refused"),
        (lambda: b"", "evidence.empty"),
        (lambda: "会议纪要".encode(), "evidence.type_refused"),
        (samples.truncated_jpeg, "evidence.damaged"),
        (lambda: samples.pdf()[:-7], "evidence.damaged"),
        (samples.zip_bomb, "evidence.unpacks_too_large"),
        (samples.many_parts, "evidence.unpacks_too_large"),
        (samples.plain_zip, "evidence.type_refused"),
        (lambda: samples.larger_than(20 * 2**20), "evidence.too_large"),
    ],
    ids=[
        "exe-as-pdf",
        "empty",
        "text",
        "truncated-jpeg",
        "cut-pdf",
        "zip-bomb",
        "many-parts",
        "zip",
        "21mb",
    ],
)
def test_anything_else_is_refused_naming_the_file_and_nothing_is_stored(
    services, place, clerk, dispute, make, code
):
    before = events_of(services, clerk, place.township, dispute)
    with pytest.raises(InvalidField) as refused:
        attach(services, clerk, place.township, dispute, make(), name="minutes.pdf")
    assert (refused.value.field, refused.value.code) == ("file", code)
    assert services.evidence.store.files == {}
    assert events_of(services, clerk, place.township, dispute) == before


def test_the_same_bytes_again_on_the_same_entry_record_nothing(services, place, clerk, dispute):
    first = attach(services, clerk, place.township, dispute, samples.pdf())
    again = attach(services, clerk, place.township, dispute, samples.pdf(), name="again.pdf")
    assert (again.status, again.sha256, again.position) == ("repeat", first.sha256, None)
    assert len(events_of(services, clerk, place.township, dispute)) == 2


def test_an_entry_carries_at_most_the_files_its_limit_allows_retracted_ones_included(tmp_path):
    services = open_services(
        {**event_store_env("memory:"), "CREATE_TABLE": "y"},
        evidence_limits=EvidenceLimits(max_bytes=2**20, max_files=2),
    )
    place = Tenants(services).place()
    clerk = place.clerk()
    inspection(services, clerk, place.township, "IN-1")
    one = attach(services, clerk, place.township, "IN-1", samples.pdf("one"))
    attach(services, clerk, place.township, "IN-1", samples.pdf("two"))
    services.evidence.retract(
        clerk, township=place.township, entry_id="IN-1", sha256=one.sha256, reason="错传"
    )
    with pytest.raises(RuleBroken) as refused:
        attach(services, clerk, place.township, "IN-1", samples.pdf("three"))
    assert (refused.value.field, refused.value.code) == ("file", "evidence.too_many")
    with pytest.raises(InvalidField) as too_large:
        attach(services, clerk, place.township, "IN-1", samples.larger_than(2**20))
    assert too_large.value.code == "evidence.too_large"
    assert len(services.evidence.store.files) == 2  # the third's bytes were never stored
    again = attach(services, clerk, place.township, "IN-1", samples.pdf("one"))
    assert again.status == "recorded"  # a retracted file attached again is carried again


def test_rights_are_those_of_recording(services, tenants, place, clerk, dispute):
    auditor, officer = place.auditor(), place.officer()
    with pytest.raises(Forbidden):
        attach(services, auditor, place.township, dispute, samples.pdf())
    with pytest.raises(Forbidden):
        attach(services, officer, place.township, dispute, samples.pdf())
    neighbour = tenants.place(place.county).clerk()
    with pytest.raises(NotFound):
        attach(services, neighbour, place.township, dispute, samples.pdf())
    with pytest.raises(NotFound):
        attach(services, clerk, place.township, "D-nothing", samples.pdf())
    head = place.head()
    services.entries.record(
        head,
        township=place.township,
        type="report_submitted",
        entry_id="RS-1",
        occurred_on="2024-03-01",
        fields={"year": 2023},
    )
    with pytest.raises(Forbidden):  # the head's own entry: the clerk may not record it
        attach(services, clerk, place.township, "RS-1", samples.pdf())
    assert attach(services, head, place.township, "RS-1", samples.pdf()).status == "recorded"
    assert attach(services, head, place.township, dispute, samples.photo()).status == "recorded"
    assert set(services.evidence.store.files) == {
        hashlib.sha256(samples.pdf()).hexdigest(),
        hashlib.sha256(samples.photo()).hexdigest(),
        thumbnail_key(hashlib.sha256(samples.photo()).hexdigest()),
    }


def test_a_retracted_entry_takes_no_file(services, place, clerk, dispute, record):
    record("entry_retracted", dispute, reason="重复登记")
    with pytest.raises(RuleBroken) as refused:
        attach(services, clerk, place.township, dispute, samples.pdf())
    assert refused.value.code == "entry.retracted"
    assert services.evidence.store.files == {}


def test_a_retracted_file_stays_on_record_and_readable_by_the_auditor(
    services, place, clerk, dispute
):
    done = attach(services, clerk, place.township, dispute, samples.pdf())
    retract = services.evidence.retract
    with pytest.raises(InvalidField) as no_reason:
        retract(clerk, township=place.township, entry_id=dispute, sha256=done.sha256, reason=" ")
    assert no_reason.value.field == "reason"
    with pytest.raises(RuleBroken) as unknown:
        retract(clerk, township=place.township, entry_id=dispute, sha256="a" * 64, reason="x")
    assert (unknown.value.field, unknown.value.code) == ("sha256", "evidence.not_carried")
    withdrawn = retract(
        clerk, township=place.township, entry_id=dispute, sha256=done.sha256, reason="传错了"
    )
    assert withdrawn.status == "recorded"
    again = retract(
        clerk, township=place.township, entry_id=dispute, sha256=done.sha256, reason="传错了"
    )
    assert again.status == "repeat"
    (carried,) = services.evidence.listing(clerk, township=place.township, entry_id=dispute)
    assert (carried.retracted, carried.reason) == (True, "传错了")
    assert services.evidence.file(place.auditor(), sha256=done.sha256).data == samples.pdf()


def test_a_file_is_given_to_whoever_may_see_an_entry_carrying_it_and_to_nobody_else(
    services, tenants, place, clerk, dispute
):
    data = samples.photo()
    digest = attach(services, clerk, place.township, dispute, data).sha256
    far = tenants.place()  # another county
    inspection(services, far.clerk(), far.township, "IN-9")
    neighbour = tenants.place(place.county)

    def refusal(principal, sha256):
        with pytest.raises(NotFound) as refused:
            services.evidence.file(principal, sha256=sha256)
        return str(refused.value)

    missing = hashlib.sha256(b"never attached").hexdigest()
    for stranger in (neighbour.clerk(), far.clerk(), far.auditor(), far.officer()):
        assert refusal(stranger, digest) == refusal(stranger, missing).replace(missing, digest)
    for reader in (clerk, place.head(), place.auditor(), place.officer(), OPERATOR):
        assert services.evidence.file(reader, sha256=digest).data == data
    thumbnail = services.evidence.file(clerk, sha256=digest, thumbnail=True)
    assert thumbnail.media_type == "image/jpeg" and thumbnail.data != data
    # The same bytes attached in the other county too: each sees it through its own entry.
    attach(services, far.clerk(), far.township, "IN-9", data)
    assert services.evidence.file(far.auditor(), sha256=digest).data == data
    assert refusal(neighbour.clerk(), digest)
    with pytest.raises(InvalidField):
        services.evidence.file(clerk, sha256="../../etc/passwd")


def test_evidence_changes_no_figure_and_is_counted_apart(services, place, clerk, record):
    record("dispute_registered", "D-1", source="screening", category="邻里")
    record("dispute_registered", "D-2", source="screening", category="邻里")
    record("dispute_mediated", "D-1", outcome="resolved", mediator="volunteer")
    before = services.figures.figures(clerk, township=place.township, period="2024")
    attach(services, clerk, place.township, "D-1", samples.pdf())
    attach(services, clerk, place.township, "D-2", samples.photo())
    after = services.figures.figures(clerk, township=place.township, period="2024")
    assert {k: v for k, v in after.items() if k != "as_of"} == {
        k: v for k, v in before.items() if k != "as_of"
    }
    traced = services.figures.traced(
        clerk, township=place.township, period="2024", figure="disputes.registered"
    )
    assert (traced.entries, traced.with_evidence) == (["D-1", "D-2"], ["D-1", "D-2"])
    digest = hashlib.sha256(samples.photo()).hexdigest()
    services.evidence.retract(
        clerk, township=place.township, entry_id="D-2", sha256=digest, reason="不是这次的照片"
    )
    traced = services.figures.traced(
        clerk, township=place.township, period="2024", figure="disputes.registered"
    )
    assert traced.with_evidence == ["D-1"]


def test_evidence_is_no_interchange_line(services, place, clerk, dispute):
    attach(services, clerk, place.township, dispute, samples.pdf())
    exported = list(services.interchange.export(clerk, township=place.township))
    assert [line["type"] for line in exported] == ["dispute_registered"]
    line = {
        "township": place.township,
        "type": "evidence_attached",
        "id": dispute,
        "occurred_on": "2024-03-05",
        "sha256": "b" * 64,
        "size": 10,
        "media_type": "application/pdf",
        "name": "x.pdf",
    }
    with pytest.raises(LedgerError) as refused:
        services.interchange.record_line(clerk, line)
    assert refused.value.field == "type"


def test_the_reports_annex_says_how_many_entries_behind_each_figure_carry_evidence(
    services, place, clerk, record
):
    for entry_id in ("D-1", "D-2", "D-3"):
        record("dispute_registered", entry_id, source="screening", category="邻里")
    record("dispute_mediated", "D-1", outcome="resolved", mediator="volunteer")
    attach(services, clerk, place.township, "D-1", samples.pdf("调解协议"))
    attach(services, clerk, place.township, "D-3", samples.photo())
    report = services.reports.report(clerk, township=place.township, year=2024)
    rows = {source.label: source for source in report.annex.sources}
    assert (rows["排查登记矛盾纠纷数"].entries, rows["排查登记矛盾纠纷数"].with_evidence) == (3, 2)
    assert rows["调解成功矛盾纠纷数"].with_evidence == 1
    assert rows["矛盾纠纷调解成功率"].with_evidence == 2  # of the entries of its denominator
    assert "附有佐证材料的（条）" in report.annex.columns


def test_several_files_go_all_or_none(services, place, clerk, dispute):
    files = [("a.jpg", io.BytesIO(samples.photo())), ("b.pdf", io.BytesIO(samples.executable()))]
    with pytest.raises(InvalidField) as refused:
        services.evidence.attach_files(
            clerk, township=place.township, entry_id=dispute, files=files
        )
    assert refused.value.message == (
        "b.pdf is not a PDF, JPEG, PNG, Word (.docx) or Excel (.xlsx) file"
    )
    assert services.evidence.store.files == {}
    files = [("a.jpg", io.BytesIO(samples.photo())), ("a again.jpg", io.BytesIO(samples.photo()))]
    done = services.evidence.attach_files(
        clerk, township=place.township, entry_id=dispute, files=files
    )
    assert [(d.name, d.status) for d in done] == [("a.jpg", "recorded"), ("a.jpg", "repeat")]
    assert done[0].position is not None and done[1].position is None


def test_evidence_attached_later_changes_nothing_the_past_is_compared_with(
    services, place, clerk, record
):
    record("dispute_registered", "D-1", source="screening", category="邻里")
    moment = datetime.now(UTC)
    attach(services, clerk, place.township, "D-1", samples.pdf("later"))
    beside = services.differences.figures_beside(
        place.auditor(), township=place.township, period="2024", as_of=moment
    )
    assert beside["difference"]["changed"] == {}
    assert beside["difference"]["entries"] == []  # no entry changed a figure since


def test_an_auditors_look_at_a_file_is_in_the_countys_trail_but_not_its_thumbnail(
    services, place, clerk, dispute
):
    digest = attach(services, clerk, place.township, dispute, samples.photo()).sha256
    auditor = place.auditor()
    services.evidence.file(auditor, sha256=digest, thumbnail=True)
    assert services.trail.looks(auditor, county=place.county) == []
    services.evidence.file(auditor, sha256=digest)
    (look,) = services.trail.looks(auditor, county=place.county)
    assert look["action"] == f"evidence {digest} of entry {dispute}"
