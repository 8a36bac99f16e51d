"""The audit export: a township's (or a county's) events with their hashes, the links of their
chains and the publications' anchors, as JSON Lines (docs/audit.md "The audit export"), which
the verifier (services/verify_export.py, standard library only; the audit page serves it, and
``tools/verify_export.py`` runs it from a checkout) checks without the product. With its
evidence, a ZIP of the export (``export.jsonl``) and every file its ``evidence_attached``
events name (``evidence/SHA256``, listed in ``evidence/SHA256SUMS`` as ``sha256sum`` writes
it)."""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib.resources import files
from typing import Any, BinaryIO

from domain.access import Principal
from domain.errors import InvalidField
from domain.evidence import ATTACHED
from domain.moments import stamp
from domain.timestamp import CHAIN_HEAD, PUBLICATION
from services.application import LedgerApplication
from services.chains import canonical, event_body, sha256
from services.evidence_store import EvidenceStore
from services.tenancy import Tenancy
from services.trail import Trail
from services.verification import Scan, scan

FORMAT = "township-ledger audit export 1"
EXPORT_NAME = "export.jsonl"  # in the ZIP of an export with its evidence
EVIDENCE_FOLDER = "evidence/"
SUMS = "evidence/SHA256SUMS"
VERIFIER = "verify_export.py"


@cache
def verifier() -> tuple[bytes, str]:
    """The export's verifier as an auditor downloads it, and its SHA-256: one file of the
    standard library only, checking an export without the product."""
    data = files("services").joinpath(VERIFIER).read_bytes()
    return data, hashlib.sha256(data).hexdigest()


class AuditExport:
    def __init__(
        self, app: LedgerApplication, tenancy: Tenancy, trail: Trail, evidence: EvidenceStore
    ) -> None:
        self.app = app
        self.tenancy = tenancy
        self.trail = trail
        self.evidence = evidence

    def townships(
        self, principal: Principal, *, township: str | None = None, county: str | None = None
    ) -> list[str]:
        """The townships an export covers: one, or a county's (``county`` wins if both)."""
        principal.check_audits()
        if county is not None:
            view = self.tenancy.county(principal, county)
            self.trail.note(principal, county=view.code, action="export", subject=view.code)
            return sorted(view.townships)
        if township is None:
            raise InvalidField("township", "export.needs_scope")
        self.trail.note_township(principal, township=township, action="export")
        return [self.tenancy.township(principal, township).code]

    def lines(self, townships: list[str]) -> Iterator[dict[str, Any]]:
        """The export's records in log order, a header first and a closing record last."""
        found = scan(self.app, set(townships))
        yield {
            "record": "export",
            "format": FORMAT,
            "townships": townships,
            "position": found.position,
            "exported_at": stamp(datetime.now(UTC)),
        }
        count = 1
        for _, record in sorted(_records(found), key=lambda item: item[0]):
            count += 1
            yield record
        yield {"record": "end", "records": count + 1}

    def write_with_evidence(self, lines: Iterator[dict[str, Any]], out: BinaryIO) -> Packed:
        """Write a ZIP of the export and the files its events name (each once); a file the
        store has lost is left out (``verify`` and tools/verify_export.py name it)."""
        named: dict[str, None] = {}
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as packed:
            with packed.open(EXPORT_NAME, "w") as export:
                records, digest = write(_noting_files(lines, named), export)
            sums = []
            for file_digest in named:
                data = self.evidence.get(file_digest)
                if data is not None:
                    packed.writestr(EVIDENCE_FOLDER + file_digest, data)
                    sums.append(f"{file_digest}  {file_digest}\n")
            packed.writestr(SUMS, "".join(sums))
        return Packed(records, digest, len(sums), len(named) - len(sums))


@dataclass(frozen=True)
class Packed:
    records: int
    export_sha256: str  # of export.jsonl, inside the ZIP
    files: int  # evidence files written
    missing: int  # evidence files named but not in the store


def _noting_files(lines: Iterator[dict[str, Any]], named: dict[str, None]):
    for record in lines:
        if record["record"] == "event" and record["event"]["type"] == ATTACHED:
            named[record["event"]["fields"]["sha256"]] = None
        yield record


def write(lines: Iterator[dict[str, Any]], out: BinaryIO) -> tuple[int, str]:
    """Write records to ``out``, one canonical JSON line each; returns their number and the
    file's SHA-256 (the export's receipt)."""
    digest, count = hashlib.sha256(), 0
    for record in lines:
        line = canonical(record) + b"\n"
        digest.update(line)
        out.write(line)
        count += 1
    return count, digest.hexdigest()


def _records(found: Scan) -> Iterator[tuple[tuple[int, int], dict[str, Any]]]:
    for position, event in found.events.values():
        body = event_body(event)
        yield (
            (position, 0),
            {
                "record": "event",
                "position": position,
                "event": body,
                "sha256": sha256(canonical(body)),
            },
        )
    for links in found.links.values():
        for position, link in links:
            yield (
                (position, 0),
                {
                    "record": "link",
                    "position": position,
                    "township": link.township,
                    "link": link.originator_version,
                    "previous": link.previous,
                    "events": link.covered,
                    "sha256": link.sha256,
                },
            )
    for position, publication in found.anchors:
        for n, (township, (version, digest)) in enumerate(sorted(publication.chain_heads.items())):
            if found.wants(township):
                yield (
                    (position, n),
                    {
                        "record": "anchor",
                        "position": position,
                        "publication": str(publication.originator_id),
                        "publication_sha256": publication.sha256,
                        "published_at": publication.published_at,
                        "township": township,
                        "link": version,
                        "sha256": digest,
                    },
                )
    yield from _timestamps(found)


def _timestamps(found: Scan) -> Iterator[tuple[tuple[int, int], dict[str, Any]]]:
    """The trusted timestamps of the chains exported and of the publications anchored."""
    anchored = {
        str(p.originator_id)
        for _, p in found.anchors
        if any(found.wants(township) for township in p.chain_heads)
    }
    for position, token in found.stamps:
        if token.kind == PUBLICATION and token.publication not in anchored:
            continue
        if token.kind == CHAIN_HEAD and not found.wants(token.township):
            continue
        yield (
            (position, 0),
            {
                "record": "timestamp",
                "position": position,
                "kind": token.kind,
                "publication": token.publication,
                "township": token.township,
                "link": token.link,
                "sha256": token.sha256,
                "stamped_at": token.stamped_at,
                "authority": token.authority,
                "reply": token.reply,
            },
        )
