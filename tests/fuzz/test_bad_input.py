"""Bad input under fuzz (issue 12, item 4), on SQLite and PostgreSQL: import files and API
bodies spoilt one way each (tests/fuzz/spoils.py) are refused naming the line and the field,
nothing is recorded (the log's position is where it was), and nothing answers 500.

The same files go through every door: the import service as the command line calls it, the
command line itself, ``POST /api/v1/imports``, the import page (the interchange file, and the
Excel workbook where the spoil is a value), and each spoilt line alone as the body of
``POST /api/v1/entries``. ``LEDGER_FUZZ_EXAMPLES`` sets how many files each test draws."""

from __future__ import annotations

import html
import io
import json

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from domain.access import Principal, Role
from infra.cli import main
from services.interchange import ImportRejected
from services.jsonl import file_lines
from tests.fuzz.conftest import fuzz_size
from tests.fuzz.spoils import TEXTS, Spoilt, encoded, good_file, spoilt_files
from tests.fuzz.traffic import workbook
from tests.fuzz.world import User, World
from web.labels import field_label

EXAMPLES = fuzz_size("LEDGER_FUZZ_EXAMPLES", 40)
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


def clerk_of(world: World) -> User:
    return next(u for u in world.users if u.role == "clerk")


def other_township(world: World, clerk: User) -> str:
    return next(t for t in world.townships if t != clerk.township)


def bearer(user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {user.token}"}


def names(error: dict | object, spoilt: Spoilt) -> bool:
    """Does a refusal name the spoilt field (or, for a line or a file, no field)?"""
    field = error["field"] if isinstance(error, dict) else error.field
    if spoilt.field is None:
        return field is None
    if spoilt.kind == "value:unknown":  # the key as the user wrote it, maybe quoted
        return field is not None and spoilt.field.strip() in field
    return field == spoilt.field


@FUZZ
@given(data=st.data())
def test_a_spoilt_file_is_refused_by_line_and_field_and_records_nothing(world, data):
    clerk = clerk_of(world)
    spoilt = data.draw(spoilt_files(clerk.township, other_township(world, clerk)))
    principal = Principal(clerk.name, Role.CLERK, township=clerk.township)
    before = world.position()

    # The import service, reading the file as the command line does.
    with pytest.raises(ImportRejected) as refused:
        world.ledger.interchange.import_lines(principal, file_lines(io.BytesIO(spoilt.data)))
    first = refused.value.errors[0]
    assert (first.line, names(first, spoilt)) == (spoilt.line, True), (spoilt, first)

    # POST /api/v1/imports.
    answer = clerk.api.post(
        "/api/v1/imports",
        data=spoilt.data,
        content_type="application/x-ndjson",
        headers=bearer(clerk),
    )
    error = answer.get_json()["error"]
    assert answer.status_code in (400, 422), (spoilt, answer.status_code, error)
    assert (error["line"], names(error, spoilt)) == (spoilt.line, True), (spoilt, error)

    # The import page, the file as uploaded.
    page = clerk.upload(spoilt.data)
    assert page.status_code == 400, (spoilt, page.status_code)
    assert f"第 {spoilt.line} 行" in page.text, spoilt
    if spoilt.field:  # by the field's name on the page (the field as given when it has none)
        with world.app.test_request_context("/"):
            named = field_label(spoilt.field.strip())
        assert named in html.unescape(page.text), (spoilt, named)

    # The spoilt line alone as the body of POST /api/v1/entries (a line spoilt by what came
    # before it is good alone, and a body may begin with a BOM).
    if not spoilt.kind.startswith("history:") and spoilt.kind != "bytes:bom":
        one = clerk.api.post(
            "/api/v1/entries",
            data=spoilt.body,
            content_type="application/json",
            headers=bearer(clerk),
        )
        error = one.get_json()["error"]
        assert one.status_code in (400, 404, 422), (spoilt, one.status_code, error)
        assert names(error, spoilt), (spoilt, error)

    assert world.position() == before, spoilt


@FUZZ
@given(data=st.data())
def test_a_workbook_with_a_spoilt_value_is_refused_by_row_and_records_nothing(world, data):
    clerk = clerk_of(world)
    spoilt = data.draw(spoilt_files(clerk.township, other_township(world, clerk)))
    if not spoilt.kind.startswith(("value:", "history:")) or spoilt.field == "township":
        return  # a workbook has no bytes of JSON, and no township column: it is the page's
    spoilt_value = spoilt.lines[spoilt.line - 1].get(spoilt.field)
    assume(not isinstance(spoilt_value, list | dict))  # no cell holds a list or an object
    header = ["type", "id", "occurred_on"]
    header += sorted({k for line in spoilt.lines for k in line} - {"township", *header})
    rows = [header] + [[_cell(line.get(k)) for k in header] for line in spoilt.lines]
    # A cell holds no control character (openpyxl refuses to write one): not a workbook's.
    assume(not any(ILLEGAL_CHARACTERS_RE.search(str(v)) for row in rows for v in row))
    before = world.position()
    page = clerk.upload(workbook(rows), "entries.xlsx")
    # A number in a text column is its text (a cell typed as a number): the one spoil a
    # workbook takes. Everything else is refused, naming the row (or row 1's column names).
    if (
        spoilt.kind == "value:wrong"
        and isinstance(spoilt.lines[spoilt.line - 1][spoilt.field], int | float)
        and spoilt.field in {*TEXTS, "id"}
    ):
        assert page.status_code in (200, 400), (spoilt, page.status_code)
        return
    assert page.status_code == 400, (spoilt, page.status_code)
    if header.count(spoilt.field.strip()) > 1 or spoilt.field != spoilt.field.strip():
        assert 'id="file-error"' in page.text, spoilt
    else:
        assert f"第 {spoilt.line + 1} 行" in page.text, spoilt  # row 1 holds the names
    assert world.position() == before, spoilt


def _cell(value):
    """A value as a user types it in a cell: a list of texts joined with 、."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "、".join(value)
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, int) and abs(value) > 2**53:
        return str(value)
    return value


@settings(FUZZ, max_examples=max(5, EXAMPLES // 4))
@given(data=st.data())
def test_the_command_line_names_the_line_and_exits_1(world, store_url, tmp_path_factory, data):
    clerk = clerk_of(world)
    spoilt = data.draw(spoilt_files(clerk.township, other_township(world, clerk)))
    path = tmp_path_factory.mktemp("cli") / "spoilt.jsonl"
    path.write_bytes(spoilt.data)
    before = world.position()
    command = ["--database", store_url, "--as", clerk.name, "import", str(path)]
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 1, (spoilt, result.output)
    assert "Traceback" not in result.output
    assert f"line {spoilt.line}" in result.stderr, (spoilt, result.stderr)
    assert world.position() == before


@FUZZ
@given(data=st.data(), newline=st.sampled_from(["\n", "\r\n"]), bom=st.booleans())
def test_a_good_file_with_crlf_or_a_bom_is_recorded_once(world, data, newline, bom):
    clerk = clerk_of(world)
    lines = data.draw(good_file(clerk.township))
    body = (b"\xef\xbb\xbf" if bom else b"") + encoded(lines, newline)
    first = clerk.api.post(
        "/api/v1/imports", data=body, content_type="application/x-ndjson", headers=bearer(clerk)
    )
    assert (first.status_code, first.get_json()) == (201, {"recorded": len(lines), "skipped": 0})
    position = world.position()
    again = clerk.api.post(
        "/api/v1/imports", data=body, content_type="application/x-ndjson", headers=bearer(clerk)
    )
    assert again.get_json() == {"recorded": 0, "skipped": len(lines)}
    assert world.position() == position


SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([10**30, -1, 2**64, 1e308, -0.0, 1.5])
    | st.text(max_size=20)
    | st.sampled_from(["2024-02-30", "2024", "lecture", "\x00", "\ud800", "²", "x" * 300])
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["username", "password", "indicators", "figure", "weight", "direction"])
            | st.text(max_size=8),
            inner,
            max_size=4,
        )
    ),
    max_leaves=10,
)
BODIES = st.one_of(
    JSON_VALUES.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=200),
    st.text(max_size=50).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.sampled_from(["{", '{"username": "甲"}'.encode("gbk"), b"\xef\xbb\xbf{}", b"\x00" * 9]),
)
CONTENT_TYPES = st.sampled_from(
    ["application/json", "application/x-ndjson", "text/plain", "multipart/form-data", None]
)


def api_writes(world: World) -> list[tuple[str, str]]:
    """Every API route that takes a body, from the app's URL map (new ones included)."""
    county = next(iter(world.counties))
    return sorted(
        (method, rule.rule.replace("<code>", county).replace("<int:year>", "2024"))
        for rule in world.app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in rule.methods & {"POST", "PUT", "PATCH"}
        if "<" not in rule.rule.replace("<code>", "").replace("<int:year>", "")
    )


@FUZZ
@given(data=st.data(), body=BODIES, content_type=CONTENT_TYPES)
def test_any_body_to_any_api_route_is_refused_with_the_error_document(
    world, data, body, content_type
):
    officer = next(u for u in world.users if u.role == "county_officer")
    method, path = data.draw(st.sampled_from(api_writes(world)))
    before = world.position()
    answer = officer.api.open(
        path, method=method, data=body, content_type=content_type, headers=bearer(officer)
    )
    assert answer.status_code < 500, (method, path, body, answer.status_code)
    if answer.status_code >= 400:
        error = answer.get_json()["error"]
        assert {"code", "message", "field", "line"} <= set(error), error
        assert world.position() == before, (method, path, body)
