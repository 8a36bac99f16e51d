#!/usr/bin/env python3
"""Check a township ledger audit export without the product (Python 3.8+ standard library).

    python3 verify_export.py EXPORT [--receipt SHA256] [--head TOWNSHIP:LINK:SHA256 ...]
                             [--tsa-ca CA.pem]

(EXPORT: the .jsonl file audit-export writes, or the ZIP of audit-export --with-evidence.)

Recomputes every event's hash from its content, every link's hash, and checks that the links
follow one another, that each covers events present in the file with the hashes it recorded,
that every event is covered exactly once, and that every anchor (a publication's chain head,
or one given with --head) is on its chain. An export with its evidence (a ZIP: export.jsonl
and evidence/SHA256 for each file) has every file an evidence_attached event names checked
against its SHA-256 and size. --receipt checks the file's own SHA-256 against the one printed
when it was exported. Each trusted timestamp (RFC 3161) is read here (its DER, by the few
lines below) to check that it stamps the hash of what it is recorded for (a publication
anchored in the file, a link of a chain in it) and to print its time; with --tsa-ca, each
token's signature is checked too, by OpenSSL (``openssl ts -verify``, which must be on PATH)
against the timestamp authority's CA certificates. Exits 0 with a summary, or 1 naming the
first bad record (by its line number in the export). The format and every hashed byte: the
product's docs/audit.md.

This one file is all an auditor needs: the audit page serves it (with its SHA-256), and it
imports nothing but the standard library. In the product it is services/verify_export.py,
imported by nothing (tools/verify_export.py runs it from a checkout).
"""

import argparse
import base64
import binascii
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from datetime import datetime, timezone

FORMAT = "township-ledger audit export 1"
GENESIS = "0" * 64
EXPORT_NAME = "export.jsonl"  # in an export with its evidence (a ZIP)
EVIDENCE_FOLDER = "evidence/"
ATTACHED = "evidence_attached"


class Bad(Exception):
    """The first record that does not match: its line, and what differs."""

    def __init__(self, line, what):
        super().__init__(f"line {line}: {what}")


def canonical(value):
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def name(township, entry_id=None, version=None):
    parts = [f"township {township}"]
    if entry_id is not None:
        parts.append(f"entry {entry_id}")
    if version is not None:
        parts.append(f"version {version}")
    return ", ".join(parts)


def read(lines):
    records = []
    for number, raw in enumerate(lines, start=1):
        try:
            record = json.loads(raw)
        except ValueError:
            raise Bad(number, "not a JSON record") from None
        if not isinstance(record, dict) or "record" not in record:
            raise Bad(number, "not a record of an audit export")
        records.append((number, record))
    if not records or records[0][1].get("format") != FORMAT:
        raise Bad(1, f"not an audit export ({FORMAT})")
    last_line, last = records[-1]
    if last["record"] != "end" or last.get("records") != len(records):
        raise Bad(last_line, "the export ends early: its closing record is missing or wrong")
    return records


def check(records, heads, files=None):
    """``files``: the export's evidence (a ZIP), or None (an export without it)."""
    events, links, anchors, stamps, problems = {}, {}, [], [], []
    for number, record in records[1:-1]:
        kind = record["record"]
        if kind == "event":
            key = check_event(number, record, problems)
            if key in events:
                problems.append((number, f"{name(*key)}: a second event with this version"))
            events[key] = (number, record)
        elif kind == "link":
            links.setdefault(record["township"], []).append((number, record))
        elif kind == "anchor":
            anchors.append((number, record))
        elif kind == "timestamp":
            stamps.append((number, record))
        else:
            raise Bad(number, f"unknown record {kind!r}")
    chains, covered = {}, {}
    for township, chain in links.items():
        chains[township] = check_chain(township, chain, events, covered, problems)
    for key, (number, _) in events.items():
        if key not in covered:
            problems.append((number, f"{name(*key)}: covered by no link of the township's chain"))
    for number, anchor in anchors + heads:
        on_chain = chains.get(anchor["township"], {}).get(anchor["link"])
        if on_chain != anchor["sha256"]:
            state = "is not on the chain" if on_chain is None else "differs on the chain"
            where = f"publication {anchor['publication']}" if "publication" in anchor else "--head"
            what = (
                f"{name(anchor['township'])}: {where} anchored link {anchor['link']}, which {state}"
            )
            problems.append((number, what))
    checked = check_evidence(events, files, problems)
    published = {a["publication"]: a["publication_sha256"] for _, a in anchors}
    for number, stamp in stamps:
        check_stamp(number, stamp, chains, published, problems)
    if problems:
        raise Bad(*min(problems))
    counts = len(events), sum(len(c) for c in links.values()), len(anchors) + len(heads), checked
    return counts, stamps


def check_evidence(events, files, problems):
    """Each file an evidence_attached event names against its SHA-256 and size, each file
    once; returns the number of files checked (None: the export carries no files)."""
    if files is None:
        return None
    checked = {}
    for key, (number, record) in sorted(events.items(), key=lambda item: item[1][0]):
        body = record["event"]
        if body.get("type") != ATTACHED:
            continue
        fields = body.get("fields") or {}
        digest = fields.get("sha256", "")
        if digest not in checked:
            data = files(digest)
            checked[digest] = (
                "is missing from the export"
                if data is None
                else "does not match its sha256"
                if sha256(data) != digest or len(data) != fields.get("size")
                else None
            )
        if checked[digest]:
            what = f"{name(*key)}: the file {fields.get('name')!r} ({digest}) {checked[digest]}"
            problems.append((number, what))
    return len(checked)


def open_export(path):
    """The export's lines, and a reader of its evidence files (None without them)."""
    if not zipfile.is_zipfile(path):
        with open(path, "rb") as whole:
            return whole.read().splitlines(keepends=True), None
    packed = zipfile.ZipFile(path)
    names = set(packed.namelist())
    if EXPORT_NAME not in names:
        raise Bad(0, f"a ZIP without {EXPORT_NAME}: not an audit export with its evidence")
    lines = io.BytesIO(packed.read(EXPORT_NAME)).readlines()

    def files(digest):
        member = EVIDENCE_FOLDER + digest
        return packed.read(member) if member in names else None

    return lines, files


def check_event(number, record, problems):
    body = record.get("event")
    if not isinstance(body, dict):
        raise Bad(number, "an event record without its event")
    key = (body.get("township"), body.get("entry_id"), body.get("version"))
    if sha256(canonical(body)) != record.get("sha256"):
        problems.append((number, f"{name(*key)}: the event's content does not match its sha256"))
    return key


def check_chain(township, chain, events, covered, problems):
    hashes, previous = {}, GENESIS
    chain.sort(key=lambda item: item[1].get("link", 0))
    for expected, (number, link) in enumerate(chain, start=1):
        if link["link"] != expected:
            problems.append((number, f"{name(township)}: link {expected} is missing"))
            return hashes
        body = {k: link[k] for k in ("township", "link", "previous", "events")}
        if sha256(canonical(body)) != link["sha256"]:
            problems.append((number, f"{name(township)}: link {expected}'s hash does not match"))
        if link["previous"] != previous:
            problems.append(
                (number, f"{name(township)}: link {expected} does not follow the one before")
            )
        hashes[expected] = previous = link["sha256"]
        for entry_id, _type, version, digest in link["events"]:
            key = (township, entry_id, version)
            if key in covered:
                problems.append((number, f"{name(*key)}: covered twice"))
            covered[key] = expected
            found = events.get(key)
            if found is None:
                problems.append((number, f"{name(*key)}: covered by link {expected} but missing"))
            elif found[1]["sha256"] != digest or found[1]["event"].get("type") != _type:
                what = f"{name(*key)}: differs from what link {expected} recorded"
                problems.append((found[0], what))
    return hashes


# -- trusted timestamps: RFC 3161 replies read with the standard library ---------------------

SHA256_OID = bytes.fromhex("608648016503040201")  # 2.16.840.1.101.3.4.2.1
SIGNED_DATA_OID = bytes.fromhex("2a864886f70d010702")  # 1.2.840.113549.1.7.2
TST_INFO_OID = bytes.fromhex("2a864886f70d0109100104")  # 1.2.840.113549.1.9.16.1.4


def der(data, at, tag):
    """The content (start, end) of the DER element at ``at``, which must have ``tag``."""
    if at + 2 > len(data) or data[at] != tag:
        raise ValueError(f"expected DER tag {tag:#04x} at byte {at}")
    length, at = data[at + 1], at + 2
    if length & 0x80:
        size = length & 0x7F
        if not 0 < size <= 4 or at + size > len(data):
            raise ValueError(f"a DER length that cannot be at byte {at}")
        length, at = int.from_bytes(data[at : at + size], "big"), at + size
    if at + length > len(data):
        raise ValueError("the DER is cut short")
    return at, at + length


def der_items(data, start, end):
    """The elements between ``start`` and ``end``: (tag, content start, content end)."""
    items = []
    while start < end:
        tag = data[start]
        content = der(data, start, tag)
        items.append((tag, *content))
        start = content[1]
    return items


def read_reply(reply):
    """(status, hash algorithm OID, hashed message, genTime) of a TimeStampResp (RFC 3161
    2.4.2): status and token, the token a CMS SignedData whose content is the TSTInfo."""
    start, end = der(reply, 0, 0x30)
    if end != len(reply):
        raise ValueError("bytes after the reply")
    (status_info, token) = der_items(reply, start, end)[:2]
    status_at = der(reply, status_info[1], 0x02)
    status = int.from_bytes(reply[status_at[0] : status_at[1]], "big")
    content_type, explicit = der_items(reply, token[1], token[2])[:2]
    if reply[content_type[1] : content_type[2]] != SIGNED_DATA_OID:
        raise ValueError("the token is not CMS SignedData")
    signed = der(reply, explicit[1], 0x30)
    encapsulated = der_items(reply, *signed)[2]
    inner_type, inner = der_items(reply, encapsulated[1], encapsulated[2])[:2]
    if reply[inner_type[1] : inner_type[2]] != TST_INFO_OID:
        raise ValueError("the token's content is not a TSTInfo")
    octets = der(reply, inner[1], 0x04)
    info = der(reply, octets[0], 0x30)
    _version, _policy, imprint, _serial, gen_time = der_items(reply, *info)[:5]
    algorithm, hashed = der_items(reply, imprint[1], imprint[2])[:2]
    algorithm_oid = der_items(reply, algorithm[1], algorithm[2])[0]
    if gen_time[0] != 0x18:
        raise ValueError("the TSTInfo has no genTime")
    return (
        status,
        reply[algorithm_oid[1] : algorithm_oid[2]],
        reply[hashed[1] : hashed[2]],
        reply[gen_time[1] : gen_time[2]].decode("ascii"),
    )


def generalized_time(text):
    """A GeneralizedTime (YYYYMMDDHHMMSS[.fff]Z) as an aware datetime."""
    whole, _, fraction = text.rstrip("Z").partition(".")
    moment = datetime.strptime(whole, "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)  # noqa: UP017 (3.8+)
    return moment.replace(microsecond=int((fraction + "000000")[:6])) if fraction else moment


def check_stamp(number, stamp, chains, published, problems):
    """A timestamp record: what it stamps is in the file with the hash it stamps, and its
    token (read here) is granted, over SHA-256, and over that hash."""
    if stamp["kind"] == "publication":
        what = f"publication {stamp['publication']}"
        expected = published.get(stamp["publication"])
    else:
        what = f"{name(stamp['township'])}: the timestamp of link {stamp['link']}"
        expected = chains.get(stamp["township"], {}).get(stamp["link"])
    if expected is None:
        problems.append((number, f"{what}: what it stamps is not in the export"))
        return
    if stamp["sha256"] != expected:
        problems.append((number, f"{what}: the timestamp stamps {stamp['sha256']}, not {expected}"))
        return
    try:
        status, algorithm, hashed, gen_time = read_reply(
            base64.b64decode(stamp["reply"], validate=True)
        )
    except (ValueError, binascii.Error) as error:
        problems.append((number, f"{what}: its timestamp token cannot be read ({error})"))
        return
    if status not in (0, 1):
        problems.append((number, f"{what}: the authority did not grant its timestamp ({status})"))
    elif algorithm != SHA256_OID or hashed.hex() != expected:
        problems.append(
            (number, f"{what}: its timestamp token stamps another hash ({hashed.hex()})")
        )
    elif generalized_time(gen_time) != datetime.fromisoformat(
        stamp["stamped_at"].replace("Z", "+00:00")
    ):
        problems.append(
            (
                number,
                f"{what}: recorded as stamped at {stamp['stamped_at']}, the token says {gen_time}",
            )
        )
    stamp["what"] = what
    stamp["said"] = f"{what}: stamped at {gen_time} (the token's time, UTC)"


def check_signatures(stamps, ca_file):
    """Each token's signature, by ``openssl ts -verify`` against the CA certificates."""
    openssl = shutil.which("openssl")
    if openssl is None:
        raise Bad(0, "--tsa-ca needs openssl on PATH (openssl ts -verify checks the signatures)")
    with tempfile.TemporaryDirectory() as folder:
        reply = os.path.join(folder, "reply.tsr")
        for number, stamp in stamps:
            with open(reply, "wb") as out:
                out.write(base64.b64decode(stamp["reply"]))
            done = subprocess.run(
                [
                    openssl,
                    "ts",
                    "-verify",
                    "-digest",
                    stamp["sha256"],
                    "-in",
                    reply,
                    "-CAfile",
                    ca_file,
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0 or "Verification: OK" not in done.stdout:
                said = (done.stderr.strip().splitlines() or ["failed"])[-1]
                raise Bad(
                    number, f"{stamp['what']}: its timestamp's signature does not verify ({said})"
                )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("export")
    parser.add_argument("--receipt", metavar="SHA256", help="the export's SHA-256, as printed")
    parser.add_argument("--head", action="append", default=[], metavar="TOWNSHIP:LINK:SHA256")
    parser.add_argument(
        "--tsa-ca",
        metavar="CA.pem",
        help="the timestamp authority's CA certificates: check every token's signature with"
        " openssl ts -verify",
    )
    args = parser.parse_args(argv)
    try:
        if args.receipt:
            with open(args.export, "rb") as whole:
                if sha256(whole.read()) != args.receipt.lower():
                    raise Bad(0, "the file's SHA-256 is not the receipt's: it was changed")
        heads = []
        for given in args.head:
            township, link, digest = given.rsplit(":", 2)
            heads.append((0, {"township": township, "link": int(link), "sha256": digest}))
        lines, files = open_export(args.export)
        (events, links, anchors, checked), stamps = check(read(lines), heads, files)
        if stamps and args.tsa_ca:
            check_signatures(stamps, args.tsa_ca)
    except Bad as bad:
        print(f"verify_export: {bad}", file=sys.stderr)
        return 1
    except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile) as error:
        print(f"verify_export: not a readable audit export ({error})", file=sys.stderr)
        return 1
    for _, stamp in stamps:
        print(stamp["said"])
    summary = f"verified: {events} event(s), {links} link(s), {anchors} anchor(s)"
    if checked is not None:
        summary += f", {checked} evidence file(s)"
    if stamps and args.tsa_ca:
        summary += f", {len(stamps)} timestamp(s), signatures checked by openssl ts -verify"
    elif stamps:
        summary += f", {len(stamps)} timestamp(s) (signatures not checked: give --tsa-ca CA.pem)"
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
