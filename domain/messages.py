"""What the ledger says to a user: each refusal (and each note, such as why an event is late)
has a stable code and its parameters (the field's value, the allowed values, a date …).

``ENGLISH`` holds the sentence the command line and the API write for each code; the pages say
the same in the reader's language from the code and the parameters (web/messages.py), so a
Chinese page never shows an English sentence. A code is never renamed once published: scripts
and translations rely on it; add a code rather than change what one means.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

ENGLISH: dict[str, str] = {
    # values (domain/values.py): what any field accepts
    "value.not_whole": "must be a whole number, got {got}",
    "value.negative": "must not be negative, got {got}",
    "value.too_large": "must be at most {most:,}, got {got}",
    "value.not_allowed": "must be one of {allowed}; got {got}",
    "value.not_flag": "must be true or false, got {got}",
    "value.unstorable": "cannot be stored ({kind})",
    "text.empty": "must be non-empty text",
    "text.too_long": "must be at most {most:,} characters, got {length:,}",
    "text.refused_character": "must not contain {character} (at {position})",
    "list.not_list": "must be a list",
    "list.not_texts": "must be a list of text",
    "list.too_long": "must have at most {most} items, got {length}",
    "list.repeated": "must not repeat a value",
    "date.malformed": "must be a date written YYYY-MM-DD, got {got}",
    "date.out_of_range": "must be between {first} and {last}, got {got}",
    "date.after_today": "must not be after today ({today}), got {got}",
    "year.out_of_range": "must be a year from {first} to {last}, got {got}",
    "notice.not_found": "names a notification that is not yours",
    "email.malformed": "must be an e-mail address such as name@example.org; got {got}",
    "code.malformed": "must be 1-{most} lowercase letters, digits, '-', '_' or '.'; got {got}",
    "code.not_text": "must be a code such as gongliu; got {got}",
    "id.malformed": "must be non-empty text of at most {most} characters",
    "id.spaces": "must not begin or end with spaces",
    "id.refused_character": "must not contain {character}",
    "id.unsafe_character": (
        "must be letters, digits, '-', '_' or '.', beginning with a letter or a digit; "
        "{character} (at {position}) is not"
    ),
    "id.double_dot": "must not contain '..'",
    "id.not_normal": "must not contain {character} (at {position}): write it {normal}",
    "field.unknown": "is not a field of this entry type",
    "field.required": "is required",
    "moment.malformed": "must be an ISO time such as 2025-01-15T00:00:00Z; got {got!r}",
    "moment.too_late": "must be a time before the year 10000; got {got!r}",
    "moment.out_of_range": "must be a time from {first} and before {last}; got {got!r}",
    "period.malformed": "must be written 2024, 2024-Q1 or 2024-03; got {got!r}",
    "period.too_early": "must be a year from {first}; got {got!r}",
    "period.too_late": "must be a year up to {last}; got {got!r}",
    # entries and their rules
    "entry.not_found": "no entry {id} in {township}",
    "entry.nothing_to_follow": "no entry {id} in {township} for {type} to follow",
    "entry.does_not_follow": "entry {id} is a {existing}; {type} does not follow it",
    "entry.retracted": "entry {id} was retracted on {on}; it takes no further events",
    "entry.follow_up_before": "is before the entry it follows ({on})",
    "entry.recorded_otherwise": (
        "entry {id} was already recorded with other values; "
        "retract it and record a new entry to correct it"
    ),
    "entry.changed_meanwhile": (
        "entry {id}: the township's records changed while it was being recorded; try again"
    ),
    "id.taken": "id {id} is already used by a {existing} entry",
    "type.unknown": "no entry type {type}",
    "issue.deadline_before_found": "must not be before the day the issue was found ({on})",
    "issue.already_rectified": "issue {id} was already rectified on {on}",
    "inspection.unknown": "names no inspection_conducted entry {id} of {township}",
    "dispute.already_resolved": (
        "dispute {id} was already resolved on {on}; a resolved dispute is not mediated again"
    ),
    "hotline.already_answered": "hotline case {id} was already answered on {on}",
    "themes.not_object": "must be an object of theme: text",
    "themes.unknown": "no theme {theme!r}; the themes are {themes}",
    "report.already_answered": "the {year} report {id} was already answered ({answer}) on {on}",
    "report.awaiting_answer": (
        "the {year} report {id} is waiting for the county's answer;"
        " it is submitted again only once the county returns it"
    ),
    "report.already_accepted": (
        "the {year} report {id} was accepted by the county; it is not submitted again"
    ),
    "report.accepted_not_retracted": (
        "the {year} report {id} was accepted by the county; its submission is not retracted"
    ),
    "report.not_submitted": "{township} has not submitted its {year} report",
    "quarter.out_of_range": "must be a quarter from 1 to 4; got {got}",
    "quarter.not_begun": "{period} has not begun: it is not submitted yet",
    "quarter.already_submitted": (
        "the record of {period} was submitted ({id}); it is submitted again once that is retracted"
    ),
    # who may do what
    "role.records_nothing": "a {role} records nothing for a township",
    "role.retracts_what_it_records": (
        "a {role} retracts only what a {role} records; this entry holds a {type}"
    ),
    "role.head_only": "only the township head records {type}",
    "role.county_office_records": "only the county office records {type}",
    "role.sets_indicators": "only a county officer sets the county's indicators",
    "role.sets_quality_rules": "only a county officer sets the county's data-quality rules",
    "role.sets_groups": "only a county officer sets the county's peer groups",
    "role.publishes": "only the county office publishes",
    "role.sets_calendar": "only a county officer sets the county's reporting calendar",
    "role.audits": "only an auditor verifies the ledger or exports it for an audit",
    "role.administers": "only an administrator creates counties, townships and users",
    # counties, townships, users
    "county.not_found": "no county {code}",
    "county.exists": "county {code} already exists",
    "township.not_found": "no township {code}",
    "township.exists": "township {code} already exists",
    "township.already_included": "{township} is already a township of {county}",
    "user.not_found": "no user {username}",
    "user.exists": "user {username} already exists",
    "user.needs_township": "a {role} belongs to one township (give --township)",
    "user.needs_county": "a {role} belongs to one county (give --county)",
    "user.needs_nothing": "an {role} belongs to no county or township",
    "role.officer_grants": "a county officer gives the role clerk, head or auditor, not {role}",
    "role.officer_administers": "a county officer administers clerks, heads and auditors only",
    "user.moves_county": "a user stays in their county; add them in the other county instead",
    "onboarding.too_many": "a workbook creates at most {most:,} townships and users",
    "user.self": "you cannot disable or change your own account",
    "rights.changed_meanwhile": "the rights changed while this was being recorded; try again",
    "signin.disabled": "this account is disabled; ask your county office",
    "signin.suspended": "this county is suspended; ask the administrator",
    "password.change_required": (
        "this is a one-time password: choose your own first (POST /api/v1/password)"
    ),
    "password.unchanged": "must differ from the current password",
    # signing in
    "signin.wrong": "unknown user or wrong password",
    "signin.throttled": "too many failed sign-ins; try again in {minutes} minutes",
    "signin.slowed": (
        "too many failed sign-ins for this name from unfamiliar places; "
        "try again in {seconds} second(s)"
    ),
    "password.too_short": "must have at least {least} printable characters",
    "password.too_common": "is one of the commonest passwords; choose one less easily guessed",
    "two_factor.wrong": "is not a valid code of your authenticator app or an unused recovery code",
    "two_factor.needed": "give the code of your authenticator app (or a recovery code)",
    "two_factor.enrolment_required": (
        "two-factor sign-in is required for your role: enrol on the web page first"
    ),
    "two_factor.already_enrolled": "two-factor sign-in is already enrolled",
    "password.not_current": "is not your current password",
    "token.unknown": "the token is unknown, expired or revoked; ask for a new one",
    "token.changed_meanwhile": "the token or its user changed during the request; try again",
    "token.throttled": (
        "at most {most} tokens are issued to a user in {minutes} minutes; keep using the one "
        "you have (it works for 30 days), or try again later"
    ),
    # figures, rankings, lists, audit
    "figure.unknown": (
        "no figure {figure}; the figures are {figures}"
        " (and rates.NAME.denominator for a rate's denominator)"
    ),
    "indicators.empty": "must be a non-empty list",
    "indicators.malformed": "must hold figure, direction and weight only",
    "indicators.not_rankable": "is not a rankable figure: {figure!r}",
    "indicators.direction": "must be higher or lower",
    "indicators.weight": "must be a number greater than 0 and at most {most}",
    "indicators.repeated": "must not name a figure twice",
    "indicators.not_json": "not valid JSON: {detail}",
    "deadlines.empty": "must be a non-empty list",
    "deadlines.malformed": "must hold period, due and grace_days only",
    "deadlines.period": (
        "must be a year such as 2025 or a quarter such as 2025-Q1 (not a month); got {got!r}"
    ),
    "deadlines.due_in_period": "must be after {period} ends",
    "deadlines.repeated": "must not name a period twice",
    "quality.empty": "must name at least one of the rules {allowed}",
    "quality.unknown_rule": "is not a data-quality rule; the rules are {allowed}",
    "quality.malformed": "must be an object of {allowed}",
    "quality.share": "must be a share from 0 to 1, got {got!r}",
    "quality.whole": "must be a whole number from {least} to {most}, got {got!r}",
    "quality.percent": "must be a percentage from 0 to 100, got {got!r}",
    "groups.malformed": "must hold name, townships and (optionally) indicators only",
    "groups.repeated": "names the group {name!r} a second time",
    "groups.not_township": "is not a township of the county: {township!r}",
    "groups.placed_twice": "puts {township} in a second group (a township is in one at most)",
    "group.unknown": "the county has no group {name!r} (at that moment)",
    "limit.out_of_range": "must be between 1 and {most}",
    "cursor.unknown": "is not a cursor this list gave",
    "window.needs_start": "is required: the start of the time window",
    "page.malformed": "must be a page number from 1; got {got!r}",
    "page.beyond": "there are {pages} page(s)",
    "as_of.required": "is required: the moment to compare with today",
    "export.needs_scope": "give a township (--township) or a county (--county)",
    "verify.needs_township": "give --township: the ledger is verified township by township",
    "publication.not_found": "no publication {id}",
    "timestamp.not_found": "no trusted timestamp of publication {id}",
    "publication.altered": (
        "publication {id} no longer matches its SHA-256 {sha256}:"
        " the ledger's database was altered (run verify)"
    ),
    # the store changed meanwhile
    "trail.changed_meanwhile": "the audit trail changed meanwhile; try again",
    "read_model.behind": "the figures are still being brought up to date; try again",
    "import.changed_meanwhile": (
        "another writer recorded some of the same entries while this file was being"
        " imported; what was recorded before stays recorded: import the same file"
        " again to complete it"
    ),
    # files and their lines
    "import.rejected": "{count} bad line(s); nothing was recorded",
    "import.rejected_more": (
        "{count} bad line(s) (and more; only the first ones are listed); nothing was recorded"
    ),
    "file.not_workbook": "is not an Excel workbook (.xlsx)",
    "file.too_large": "the file is larger than {most} MiB: split it",
    "file.utf16": "the file looks like UTF-16: save it as UTF-8",
    "file.not_utf8": "is not UTF-8 (byte {byte} at {position})",
    "file.gbk": "is not UTF-8; it looks like GBK (GB2312): save the file as UTF-8",
    "file.column_twice": "row 1 names the column {name} twice: keep one of them",
    # workbooks (spreadsheets/): past a limit, or not to be read
    "workbook.too_large": "unpacks to more than {most} MiB: split the workbook",
    "workbook.packed_too_tightly": (
        "is packed {ratio} times smaller than it unpacks, as no workbook is: it is not read"
    ),
    "workbook.broken": "is damaged ({part}): open it in Excel or WPS and save it again",
    "workbook.no_sheet": "holds no sheet",
    "workbook.too_many_parts": "holds more than {most} parts, as no workbook does",
    "sheet.too_many_rows": (
        "sheet {sheet}, row {row}: past the last row a workbook may fill ({most:,}):"
        " delete the rows below the entries, or split the file"
    ),
    "sheet.too_many_columns": (
        "sheet {sheet}, row {row}: column {column} is past the last column a workbook may"
        " fill (the {most}th)"
    ),
    "sheet.too_many_cells": "sheet {sheet}, row {row}: more than {most:,} cells: split the file",
    "sheet.broken": (
        "sheet {sheet} is damaged after row {row}: open it in Excel or WPS and save it again"
    ),
    "cell.bad_reference": "sheet {sheet}, row {row}: {cell} is not a cell of this row",
    "cell.not_number": "sheet {sheet}, row {row}, cell {cell}: {got} is not a number",
    "cell.not_date": "sheet {sheet}, row {row}, cell {cell}: {got} is not a date",
    "cell.no_string": (
        "sheet {sheet}, row {row}, cell {cell}: refers to a text the workbook does not hold"
    ),
    "cell.too_long": "sheet {sheet}, row {row}, cell {cell}: more than {most:,} characters",
    "line.too_long": "is longer than {most} KiB",
    "line.not_json": "not valid JSON ({detail} at column {column})",
    "line.long_number": "not valid JSON (a number with too many digits)",
    "line.not_a_number": "not valid JSON ({name} is not a JSON number)",
    "line.bad_value": "not valid JSON (a value JSON does not allow)",
    "line.key_twice": "gives the key {key} twice",
    "line.too_deep": "not valid here (arrays or objects nested too deeply)",
    "line.not_object": "must be one JSON object",
    # evidence: files attached to entries (domain/evidence.py)
    "digest.malformed": "must be a SHA-256 written as 64 hexadecimal digits; got {got}",
    "value.too_small": "must be at least {least}, got {got}",
    "evidence.empty": "{name} is an empty file",
    "evidence.too_large": "{name} is larger than {most} MiB",
    "evidence.type_refused": ("{name} is not a PDF, JPEG, PNG, Word (.docx) or Excel (.xlsx) file"),
    "evidence.damaged": (
        "{name} is a {kind} file that cannot be read whole (damaged or cut short)"
    ),
    "evidence.unpacks_too_large": "{name} is a {kind} file that unpacks to more than it may",
    "evidence.too_many": "entry {id} already has the {most} files an entry may carry",
    "evidence.not_carried": "entry {id} carries no file {sha256}",
    "evidence.not_found": "no file {sha256}",
    "evidence.not_sent": "names {name}, which is not in the ZIP",
    "evidence.too_many_named": "names more than the {most} files an entry may carry",
    "bundle.not_zip": "is not a ZIP file",
    "bundle.no_workbook": "the ZIP holds no workbook (.xlsx) outside its folders",
    "bundle.workbooks": "the ZIP holds more than one workbook (.xlsx) outside its folders: {names}",
    "bundle.too_many": "the ZIP holds more than {most} files",
    "bundle.name_twice": "the ZIP holds two files named {name}",
    "bundle.too_large": "{name} in the ZIP unpacks to more than {most} MiB",
    "bundle.unpacks_too_large": "the files in the ZIP unpack to more than {most} MiB together",
    "bundle.broken": "{name} in the ZIP cannot be read (damaged)",
    "workbook.files_need_zip": "names files (evidence): send the workbook and its files in a ZIP",
    # notes (not refusals): why the audit history marks an event late
    "late.after_days": "recorded {days} days after its business date",
    "late.after_report": "recorded after the {year} report was submitted ({at})",
    "late.after_quarter": "recorded after the record of {period} was submitted ({at})",
}


@dataclass(frozen=True)
class Message:
    """One thing said: its code and what fills it in."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def english(self) -> str:
        return ENGLISH[self.code].format(**{k: _english(v) for k, v in self.params.items()})

    def as_dict(self) -> dict[str, Any]:
        """The message as JSON holds it: its code and its parameters as text or numbers."""
        return {"code": self.code, **{k: _plain(v) for k, v in self.params.items()}}


def placeholders(code: str) -> dict[str, tuple[str | None, str]]:
    """Each parameter of a code's English sentence with its conversion and format ("!r",
    ":,"), so that every language shows a value as the English sentence does."""
    found = {}
    for _, name, spec, conversion in string.Formatter().parse(ENGLISH[code]):
        if name is not None:
            found[name] = (conversion, spec or "")
    return found


def _english(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)
