"""An import that brings its evidence: the lines of a workbook, and for some of them the names
of files sent with it (a ZIP of the workbook and its files). Every file is judged before
anything is recorded, and refused naming the line that names it; then the lines are imported,
all or none, as any import; then each named entry is given its files."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from domain.access import Principal
from domain.errors import InvalidField, LedgerError
from services.evidence import Evidence
from services.interchange import ImportRejected, ImportResult, LineError

FIELD = "evidence"
MAX_ERRORS = 100


@dataclass(frozen=True)
class ImportWithFiles:
    lines: int
    recorded: int
    repeats: int
    files: int  # files newly attached to the import's entries


def import_with_files(
    evidence: Evidence,
    import_lines: Callable[[Principal, Sequence[str]], ImportResult],
    principal: Principal,
    lines: Sequence[str],
    named: Mapping[int, Sequence[str]],
    files: Mapping[str, bytes],
) -> ImportWithFiles:
    """``lines`` (line n is ``lines[n - 1]``), ``named``: the file names line n gives,
    ``files``: the files sent, by name. A name that is no file sent, a file that is no
    evidence, or a line naming more files than an entry may carry is refused naming its line
    (field ``evidence``), and nothing is recorded."""
    errors = _refusals(evidence, named, files)
    if errors:
        raise ImportRejected(errors[:MAX_ERRORS], truncated=len(errors) > MAX_ERRORS)
    result = import_lines(principal, lines)
    attached = 0
    for (township, entry_id), names in _by_entry(lines, named).items():
        sent = [(name, io.BytesIO(files[name])) for name in names]
        done = evidence.attach_files(principal, township=township, entry_id=entry_id, files=sent)
        attached += sum(1 for a in done if a.position is not None)
    return ImportWithFiles(result.lines, result.recorded, result.repeats, attached)


def _refusals(
    evidence: Evidence, named: Mapping[int, Sequence[str]], files: Mapping[str, bytes]
) -> list[LineError]:
    errors: list[LineError] = []
    judged: dict[str, LedgerError | None] = {}
    for number in sorted(named):
        names = named[number]
        if len(set(names)) > evidence.limits.max_files:
            error = InvalidField(FIELD, "evidence.too_many_named", most=evidence.limits.max_files)
            errors.append(LineError.of(number, error))
        for name in names:
            if name not in files:
                missing = InvalidField(FIELD, "evidence.not_sent", name=name)
                errors.append(LineError.of(number, missing))
                continue
            if name not in judged:
                judged[name] = _refusal(evidence, name, files[name])
            if judged[name] is not None:
                errors.append(LineError.of(number, judged[name]))
    return errors


def _refusal(evidence: Evidence, name: str, data: bytes) -> LedgerError | None:
    try:
        evidence.judge(name, data)
    except InvalidField as refused:
        refused.field = FIELD  # named as the column that names the file
        return refused
    return None


def _by_entry(
    lines: Sequence[str], named: Mapping[int, Sequence[str]]
) -> dict[tuple[str, str], list[str]]:
    """The names given for each entry, in the order the lines give them, once each."""
    found: dict[tuple[str, str], list[str]] = {}
    for number in sorted(named):
        line = json.loads(lines[number - 1])
        names = found.setdefault((line["township"], line["id"]), [])
        names += [name for name in named[number] if name not in names]
    return found
