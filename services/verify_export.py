#!/usr/bin/env python3
"""Check a township ledger audit export without the product (Python 3.8+ standard library).

    python3 verify_export.py EXPORT [--receipt SHA256] [--head TOWNSHIP:LINK:SHA256 ...]

(EXPORT: the .jsonl file audit-export writes, or the ZIP of audit-export --with-evidence.)

Recomputes every event's hash from its content, every link's hash, and checks that the links
follow one another, that each covers events present in the file with the hashes it recorded,
that every event is covered exactly once, and that every anchor (a publication's chain head,
or one given with --head) is on its chain. An export with its evidence (a ZIP: export.jsonl
and evidence/SHA256 for each file) has every file an evidence_attached event names checked
against its SHA-256 and size. --receipt checks the file's own SHA-256 against the one printed
when it was exported. Exits 0 with a summary, or 1 naming the first bad record (by its line
number in the export). The format and every hashed byte: the product's docs/audit.md.

This one file is all an auditor needs: the audit page serves it (with its SHA-256), and it
imports nothing but the standard library. In the product it is services/verify_export.py,
imported by nothing (tools/verify_export.py runs it from a checkout).
"""

import argparse
import hashlib
import io
import json
import sys
import zipfile

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
    events, links, anchors, problems = {}, {}, [], []
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
    if problems:
        raise Bad(*min(problems))
    return len(events), sum(len(c) for c in links.values()), len(anchors) + len(heads), checked


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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("export")
    parser.add_argument("--receipt", metavar="SHA256", help="the export's SHA-256, as printed")
    parser.add_argument("--head", action="append", default=[], metavar="TOWNSHIP:LINK:SHA256")
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
        events, links, anchors, checked = check(read(lines), heads, files)
    except Bad as bad:
        print(f"verify_export: {bad}", file=sys.stderr)
        return 1
    except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile) as error:
        print(f"verify_export: not a readable audit export ({error})", file=sys.stderr)
        return 1
    files = "" if checked is None else f", {checked} evidence file(s)"
    print(f"verified: {events} event(s), {links} link(s), {anchors} anchor(s){files}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
