"""Every page of every role of the demo, in Chromium, as its reader sees it (the body's
``innerText``): in Simplified Chinese no page shows a figure's code, a snake_case value, an
ISO timestamp or "UTC"; in English no page shows Chinese but the proper names and the users'
own words (the demo's townships, its entries' titles and categories, the head's narrative).

The sweep runs on a server of its own, because it records (a report submitted, a ranking
published, an entry retracted, forms sent with errors) to show the pages in those states."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from sample.lines import DEMO_COUNTY, DEMO_TOWNSHIPS, demo_lines
from tests.browser.conftest import demo_server, log_in

pytestmark = pytest.mark.browser

# What a Chinese page must not show.
FIGURE_CODE = re.compile(r"(?<![\w./-])[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+(?![\w/-])")
SNAKE_CASE = re.compile(r"(?<![\w-])[a-z0-9]+(?:_[a-z0-9]+)+(?![\w-])")
ISO_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}")
UTC_WORD = re.compile(r"\bUTC\b")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")

PREVIEW = "the report's preview"  # the annual report itself: a Chinese document in any case
# Entries of 巩留镇 the demo holds, by what their pages show.
DISPUTE = "D-2024-0173"  # registered and resolved
ISSUE = "IS-2024-0022"  # found and rectified
SAMPLES = (
    DISPUTE,
    ISSUE,
    "DR-2024-0006",  # a decision with its steps, reviewer and result
    "S-2024-0147",  # a publicity session
    "H-2024-0212",  # a hotline case answered
    "V-2024-0095",  # a volunteer with no post
    "A-2024-0002",  # a township advisor
    "M-2024-0045",  # a meeting
    "IN-2024-0012",  # an inspection
    "N-2024",  # the head's narrative
)
RECORDED_TYPES = (
    "session_held",
    "meeting_held",
    "decision_reviewed",
    "inspection_conducted",
    "issue_found",
    "dispute_registered",
    "hotline_case_received",
    "advisor_appointed",
    "liaison_registered",
    "volunteer_pledged",
    "officer_certified",
)
BAD_IMPORT = (
    '{"township": "gongliu", "type": "session_held", "id": "SW-1", "occurred_on": "2024-05-01",'
    ' "kind": "picnic", "title": "t", "attendees": 3}\n'
    '{"township": "gongliu", "type": "dispute_registered", "id": "SW-2",'
    ' "occurred_on": "2024-05-01", "category": "c"}\n'
    '{"township": "gongliu", "type": "party", "id": "SW-3", "occurred_on": "2024-05-01"}\n'
)


@dataclass
class Seen:
    """The visible text of every page visited, by what was visited."""

    language: str
    pages: dict[str, str] = field(default_factory=dict)

    def add(self, page, what: str) -> None:
        page.wait_for_load_state()
        self.pages[what] = page.evaluate("document.body.innerText")
        folder = os.environ.get("LEDGER_SWEEP_TEXTS")  # to read what was seen
        if folder:
            name = re.sub(r"[^\w.-]+", "_", what)[:80]
            into = Path(folder) / self.language
            into.mkdir(parents=True, exist_ok=True)
            (into / f"{len(self.pages):03d}-{name}.txt").write_text(self.pages[what])


@pytest.fixture(scope="module")
def swept_in(browser, tmp_path_factory):
    """A sweep of every page in a language (``zh`` or ``en``), done once per language, each on
    a server of its own: what one records (a dispute resolved, a report submitted) would take
    pages away from the other (a page offers only what can be done now)."""
    done: dict[str, Seen] = {}

    def sweep(language: str) -> Seen:
        if language not in done:
            with demo_server(tmp_path_factory.mktemp(f"sweep-{language}")) as url:
                done[language] = Sweep(browser, url, language).run()
        return done[language]

    return sweep


class Sweep:
    def __init__(self, browser, server: str, language: str) -> None:
        self.browser, self.server, self.language = browser, server, language
        self.seen = Seen(language)
        self.started = datetime.now(UTC)

    def run(self) -> Seen:
        self.signed_out()
        self.head()
        self.clerk()
        self.officer()
        self.auditor()
        self.officer_after_audit()
        self.admin()
        return self.seen

    # --- visiting -----------------------------------------------------------------------

    def page_as(self, username: str | None):
        context = self.browser.new_context(locale="zh-CN", viewport={"width": 1100, "height": 760})
        page = context.new_page()
        if username:
            log_in(page, self.server, username)
        if self.language == "en":
            page.goto(f"{self.server}/language/en")
        return page

    def visit(self, page, path: str, what: str | None = None) -> None:
        page.goto(f"{self.server}{path}")
        self.seen.add(page, what or f"{path}")

    def send_without_checks(self, page, form: str, what: str) -> None:
        """Send a form as it stands, the browser's own checks (required, types) left out, so
        that the ledger's refusal is what the page shows."""
        with page.expect_navigation():
            page.eval_on_selector(form, "f => { f.noValidate = true; f.requestSubmit(); }")
        self.seen.add(page, what)

    # --- the roles ----------------------------------------------------------------------

    def signed_out(self) -> None:
        page = self.page_as(None)
        self.visit(page, "/login")
        page.fill("#f-username", "clerk")
        page.fill("#f-password", "wrong-password")
        self.send_without_checks(page, "form.narrow", "/login with a wrong password")
        page.context.close()

    def head(self) -> None:
        page = self.page_as("head")
        self.visit(page, "/township/report?year=2024", "/township/report as the head")
        submit = page.locator("form[action$='/report/submit'] button")
        if submit.count():
            with page.expect_navigation():
                submit.first.click()
            self.seen.add(page, "/township/report after submitting")
        page.fill("textarea[name=problems]", "")
        self.send_without_checks(
            page, "form[action$='/report/narrative']", "/township/report/narrative, empty"
        )
        self.visit(page, "/township/report/2024/preview", PREVIEW)
        page.context.close()

    def clerk(self) -> None:
        page = self.page_as("clerk")
        for path in (
            "/township/",
            "/township/?period=2024",
            "/township/?period=2024-Q1",
            "/township/?period=2024-03",
            "/township/trends",
            "/township/trends?from=2023&to=2024",
            "/township/trends?from=2024&to=2099",  # a year past the last, named
            "/township/entries",
            "/township/entries?type=issue_found&state=open",
            "/township/entries?type=dispute_registered&from=2024-03-01&to=2024-03-31",
            "/township/record",
            "/township/import",
            "/township/report",
            "/township/report?year=2024",
            "/notifications",
            "/password",
            "/township/entries/no-such-entry",
        ):
            self.visit(page, path)
        for entry in SAMPLES:
            self.visit(page, f"/township/entries/{entry}")
        for type_ in RECORDED_TYPES:
            self.visit(page, f"/township/record/{type_}")
        page.fill("#f-id", "")
        self.send_without_checks(page, "form.narrow", "a record form with errors")
        self.clerk_follow_ups(page)
        self.clerk_import(page)
        self.visit(page, "/password")
        page.fill("#f-current_password", "not-my-password")
        page.fill("#f-new_password", "short")
        page.fill("#f-confirm_password", "short")
        self.send_without_checks(page, "form.narrow", "/password with errors")
        self.visit(page, "/two-factor")  # enrolment, which a clerk may choose
        page.fill("#f-otp", "12")
        self.send_without_checks(page, "form.narrow", "/two-factor with a wrong code")
        page.context.close()

    def clerk_follow_ups(self, page) -> None:
        self.visit(page, "/township/entries?type=dispute_registered&state=open")
        page.locator("table.list tbody a").first.click()
        page.wait_for_load_state()
        self.seen.add(page, "an open dispute")
        self.send_without_checks(page, "form[action$='/follow-up']", "a mediation with errors")
        self.send_without_checks(page, "form[action$='/retract']", "a retraction without reason")
        self.visit(page, "/township/record/issue_found")
        page.fill("#f-category", "违规建设")
        page.fill("#f-description", "擅自改变房屋用途")
        page.fill("#f-deadline", (date.today() + timedelta(days=10)).isoformat())
        with page.expect_navigation():
            page.click("form.narrow button[type=submit]")
        self.seen.add(page, "an issue recorded")
        page.fill("#f-reason", "登记重复")
        with page.expect_navigation():
            page.click("form[action$='/retract'] button")
        self.seen.add(page, "a retracted issue")
        self.retracted = page.url.rsplit("/", 1)[-1]

    def clerk_import(self, page) -> None:
        self.visit(page, "/township/import")
        page.set_input_files(
            "#f-file",
            files=[{"name": "bad.jsonl", "mimeType": "text/plain", "buffer": BAD_IMPORT.encode()}],
        )
        with page.expect_navigation():
            page.click("form.narrow button[type=submit]")
        self.seen.add(page, "an import with errors")

    def officer(self) -> None:
        page = self.page_as("officer")
        for path in (
            "/county/",
            "/county/?period=2024",
            "/county/?period=2024-Q2",
            "/county/?period=2024-07",
            "/county/townships/gongliu?period=2024",
            "/county/townships/mohetai?period=2024-Q1",
            "/county/townships/gongliu?period=2024&from=2022&to=2024",
            f"/county/entry?township=gongliu&id={DISPUTE}",  # a data-quality flag's entry
            "/county/indicators",
            "/county/reports?period=2024",
            "/county/publications",
            "/county/trail",
            "/notifications",
            "/county/places",
            "/county/people",
            "/county/onboarding",
        ):
            self.visit(page, path)
        self.visit(page, "/county/calendar")
        page.fill("#f-period", "2024")
        page.fill("#f-due", "2024-06-30")
        self.send_without_checks(page, "form[action$='/calendar']", "a deadline with errors")
        page.fill("#f-due", "2025-01-15")
        with page.expect_navigation():
            page.click("form[action$='/calendar'] button")
        self.seen.add(page, "a deadline set")
        self.visit(page, "/county/completeness?period=2024")
        self.visit(page, "/county/people")
        page.fill("form[data-form=add] #f-username", f"new-clerk-{self.language}")
        page.select_option("form[data-form=add] #f-township", "gongliu")
        with page.expect_navigation():
            page.click("form[data-form=add] button[type=submit]")
        self.seen.add(page, "a person added, with a one-time password")
        page.fill("form[data-form=add] #f-username", "Not A Name")
        self.send_without_checks(page, "form[data-form=add]", "a person refused")
        self.visit(page, "/county/indicators")
        page.check("input[name='use:rates.rectification']")
        page.fill("input[name='weight:rates.rectification']", "0")
        self.send_without_checks(page, "form[action$='/indicators']", "indicators with errors")
        self.visit(page, "/county/groups")
        town, village = ("镇", "乡") if self.language == "zh" else ("Town", "Township")
        page.fill("input[name='group:gongliu']", town)
        page.fill("input[name='group:mohetai']", village)
        with page.expect_navigation():
            page.click("form[action$='/groups'] button")
        self.seen.add(page, "peer groups set: the ranking with ranks within groups")
        self.visit(page, "/county/groups")
        page.fill("input[name='group:gongliu']", town + "\u202e")  # a direction control: refused
        self.send_without_checks(page, "form[action$='/groups']", "a peer group refused")
        self.visit(page, f"/county/indicators?group={town}")  # a group's own indicators
        page.fill("input[name='weight:rates.rectification']", "x")
        self.send_without_checks(
            page, "form[action*='/indicators?group=']", "a group's indicators refused"
        )
        self.visit(page, "/county/quality-rules")
        page.fill("input[name='backfilled.above']", "150")
        self.send_without_checks(
            page, "form[action$='/quality-rules']", "a data-quality threshold refused"
        )
        self.visit(page, "/county/publications")
        page.fill("#f-period", "2024")
        with page.expect_navigation():
            page.click("form[action$='/publications'] button")
        self.seen.add(page, "a ranking published")
        page.fill("#f-period", "2024-Q5")
        self.send_without_checks(page, "form[action$='/publications']", "a bad period published")
        self.visit(page, "/county/reports?period=2024")
        returned = page.locator("form[action$='/reports/answer'] button[value=return]")
        if returned.count():
            with page.expect_navigation():
                returned.first.click()
            self.seen.add(page, "a report returned without a reason")
        self.visit(page, "/county/?period=2024", "the ranking after publishing")
        page.context.close()

    def auditor(self) -> None:
        page = self.page_as("auditor")
        moment = (datetime.now(UTC) - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        start = (self.started - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
        for path in (
            "/audit/",
            f"/audit/entries/gongliu/{DISPUTE}",
            f"/audit/entry?township=gongliu&id={ISSUE}",
            f"/audit/entries/gongliu/{self.retracted}",
            "/audit/entries/gongliu/N-2024",
            f"/audit/stream?township=gongliu&from={start}",
            "/audit/stream?township=gongliu&from=2000-01-01T00:00:00Z&to=2030-01-01T00:00:00Z",
            "/audit/figures?township=gongliu&period=2024",
            f"/audit/figures?township=gongliu&period=2024&as_of={moment}",
            f"/audit/figures?township=mohetai&period=2024-Q2&as_of={start}",
            "/audit/ranking?period=2024",
            f"/audit/ranking?period=2024&as_of={start}",
            f"/audit/ranking?period=2024-05&as_of={moment}",
            "/audit/stream?township=gongliu&from=yesterday",
            "/audit/figures?township=gongliu&period=2024-Q9",
            "/audit/rights",
            f"/audit/rights?at={start}",
            "/audit/rights?at=yesterday",
        ):
            self.visit(page, path)
        self.visit(page, "/audit/")
        with page.expect_navigation():
            page.click("form[action$='/verification'] button")
        self.seen.add(page, "a verification")
        page.context.close()

    def officer_after_audit(self) -> None:
        page = self.page_as("officer")
        self.visit(page, "/county/trail", "the trail after the auditor's looks")
        page.context.close()

    def admin(self) -> None:
        page = self.page_as("admin")
        self.seen.add(page, "the administrator's first page")
        self.visit(page, "/admin/counties/gongliuxian")
        self.visit(page, "/password")
        page.context.close()


def codes_shown(text: str) -> list[str]:
    found = [
        *FIGURE_CODE.findall(text),
        *SNAKE_CASE.findall(text),
        *ISO_TIMESTAMP.findall(text),
        *UTC_WORD.findall(text),
    ]
    return sorted(set(found))


def test_no_chinese_page_shows_a_code_an_iso_timestamp_or_utc(swept_in):
    seen = swept_in("zh")
    assert len(seen.pages) > 80
    shown = {what: codes_shown(text) for what, text in seen.pages.items() if what != PREVIEW}
    assert {what: found for what, found in shown.items() if found} == {}


def test_the_annual_reports_preview_shows_no_code(swept_in):
    assert codes_shown(swept_in("zh").pages[PREVIEW]) == []


def users_words() -> list[str]:
    """The proper names and the users' own text the demo holds, longest first."""
    words = {name for _, name in DEMO_TOWNSHIPS} | {DEMO_COUNTY[1], "登记重复"}
    for line in demo_lines(2024):
        for name, value in line.items():
            if isinstance(value, dict):
                words.update(value.values())
            elif isinstance(value, list):
                words.update(v for v in value if isinstance(v, str))
            elif isinstance(value, str) and name not in ("township", "type", "id"):
                words.add(value)
    parts = {p for w in words for p in re.split(r"\s*\n\s*", w) if CJK.search(p)}
    return sorted(parts, key=len, reverse=True)


def test_no_english_page_shows_chinese_but_names_and_the_users_words(swept_in):
    """Nor a code, an ISO timestamp or UTC; the link to the Chinese pages says 中文."""
    seen = swept_in("en")
    assert len(seen.pages) > 80
    words = [*users_words(), "中文"]
    left = {}
    for what, text in seen.pages.items():
        if what == PREVIEW:
            continue
        for word in words:
            text = text.replace(word, "")
        found = CJK.findall(text) + codes_shown(text)
        if found:
            left[what] = found
    assert left == {}
