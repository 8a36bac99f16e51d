"""Data-quality flags (issue 22 item 3; docs/figures.md "Data quality") on every store, with
entries recorded at controlled moments: the library's clock for entry events is set to the
moment each line is "recorded" (``recorded_at``), so that the read model holds exactly the
recording times a township that backfilled, or rushed, would have left.

Each rule is tried at its threshold's edges: a share equal to the threshold is not flagged,
one entry more is; a number of days equal to the allowance is not late, one day more is."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from domain.entry import Entry
from domain.errors import Forbidden, InvalidField, NotFound
from projections.periods import Period
from services.quality import DueDays, Quality
from tests.integration.conftest import Towns
from tests.support import OPERATOR, line

SHANGHAI = timedelta(hours=8)  # the installation's zone in the tests (Asia/Shanghai)


@contextmanager
def recorded_at(moment: datetime) -> Iterator[None]:
    """Entry events made inside are stamped ``moment`` (the library asks the event class)."""
    original = Entry.Event.__dict__.get("create_timestamp")
    Entry.Event.create_timestamp = staticmethod(lambda: moment)  # type: ignore[method-assign]
    try:
        yield
    finally:
        if original is None:
            del Entry.Event.create_timestamp
        else:
            Entry.Event.create_timestamp = original  # type: ignore[method-assign]


def local_noon(day: date) -> datetime:
    """Noon of ``day`` on the installation's clock (Asia/Shanghai), as a UTC moment."""
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC) - SHANGHAI


def disputes(town: str, prefix: str, day: date, count: int) -> list[dict]:
    return [
        line(
            town,
            "dispute_registered",
            f"{prefix}-{n}",
            day.isoformat(),
            source="other",
            category="邻里",
        )  # fmt: skip
        for n in range(count)
    ]


def record(towns: Towns, lines: list[dict], at: datetime) -> None:
    with recorded_at(at):
        result = towns.import_lines(lines)
    assert result.recorded == len(lines)


def quality(towns: Towns, county: str, period: str, **kw: Any) -> dict[str, dict[str, dict]]:
    doc = towns.ledger.quality.quality(OPERATOR, county=county, period=period, **kw)
    assert doc["period"] == period
    return {t["township"]: {f["rule"]: f for f in t["flags"]} for t in doc["townships"]}


def test_a_township_that_backfilled_is_flagged_with_exactly_those_entries(towns: Towns) -> None:
    county, (late, prompt) = towns.townships(2)
    day = date(2025, 3, 3)
    # ``late``: 6 entries recorded as they happened, 4 recorded four months after (40 %)
    record(towns, disputes(late, "ON-TIME", day, 6), local_noon(day))
    assert quality(towns, county, "2025")[late] == {}  # (kept until something is recorded)
    record(towns, disputes(late, "BACK", day, 4), local_noon(date(2025, 7, 1)))
    # ``prompt``: all 10 recorded within the allowance, the last on its 30th day
    record(towns, disputes(prompt, "A", day, 9), local_noon(day))
    record(towns, disputes(prompt, "B", day, 1), local_noon(day + timedelta(days=30)))
    found = quality(towns, county, "2025")
    flag = found[late]["backfilled"]
    assert flag["entries"] == [f"BACK-{n}" for n in range(4)]
    assert flag["value"] == 0.4
    assert flag["threshold"] == {"days": 30, "above": 0.2}
    assert found[prompt] == {}
    # and beside the rank
    ranking = towns.ledger.rankings.ranking(OPERATOR, county=county, period="2025", with_flags=True)
    assert {r["township"]: r["flags"] for r in ranking["townships"]} == {
        late: ["backfilled"],
        prompt: [],
    }


def test_backfilled_at_its_edges(towns: Towns) -> None:
    county, (at_days, over_days, at_share, over_share) = towns.townships(4)
    day = date(2025, 5, 31)  # the last day of a month, recorded in the next
    # 5 entries; 2 of them (40 %) recorded 30 days after on the local clock: not late
    for town in (at_days, over_days):
        record(towns, disputes(town, "A", day, 3), local_noon(day))
    record(towns, disputes(at_days, "L", day, 2), local_noon(day + timedelta(days=30)))
    # 31 days after, a minute past the local midnight (16:01 UTC the day before)
    just_late = datetime(2025, 7, 1, 16, 1, tzinfo=UTC)  # 2025-07-02 00:01 in Shanghai
    record(towns, disputes(over_days, "L", day, 2), just_late)
    # the share: exactly 20 % (1 of 5) is not flagged, 2 of 9 (22 %) is
    late_day = local_noon(day + timedelta(days=31))
    record(towns, disputes(at_share, "A", day, 4), local_noon(day))
    record(towns, disputes(at_share, "L", day, 1), late_day)
    record(towns, disputes(over_share, "A", day, 7), local_noon(day))
    record(towns, disputes(over_share, "L", day, 2), late_day)
    found = quality(towns, county, "2025-Q2")
    assert "backfilled" not in found[at_days]
    assert found[over_days]["backfilled"]["entries"] == ["L-0", "L-1"]
    assert "backfilled" not in found[at_share]
    assert found[over_share]["backfilled"]["value"] == round(2 / 9, 4)


def test_rushed_counts_to_the_due_day_the_county_set(towns: Towns) -> None:
    """With 2025's report due on 2026-02-20 by the county's calendar, the window is 14 to 20
    February (not the default's 9 to 15 January), from the moment the calendar says so."""
    county, (town,) = towns.townships(1)
    day = date(2025, 11, 20)
    record(towns, disputes(town, "E", day, 1), local_noon(day))
    record(towns, disputes(town, "R", day, 3), local_noon(date(2026, 2, 18)))
    before = datetime.now(UTC)
    assert "rushed" not in quality(towns, county, "2025")[town]  # 18 Feb: after the default
    deadline = {"period": "2025", "due": "2026-02-20", "grace_days": 0}
    towns.ledger.calendar.set_deadlines(OPERATOR, county=county, deadlines=[deadline])
    view = towns.ledger.tenancy.county(OPERATOR, county)
    assert DueDays().due_day(view, Period.parse("2025"), None) == date(2026, 2, 20)
    assert quality(towns, county, "2025")[town]["rushed"]["value"] == 0.75
    assert "rushed" not in quality(towns, county, "2025", as_of=before)[town]


def test_rushed_at_its_edges(towns: Towns) -> None:
    """2025's default due day is 2026-01-15; 7 days before it: 9 to 15 January."""
    county, (edge, over, before_window, after_due, reporting) = towns.townships(5)
    view = towns.ledger.tenancy.county(OPERATOR, county)
    assert DueDays().due_day(view, Period.parse("2025"), None) == date(2026, 1, 15)
    day = date(2025, 11, 20)
    early = local_noon(day)
    first_of_window = datetime(2026, 1, 8, 16, 0, tzinfo=UTC)  # 2026-01-09 00:00 in Shanghai
    last_of_window = datetime(2026, 1, 15, 15, 59, tzinfo=UTC)  # 2026-01-15 23:59 there
    # 2 of 4 (50 %) in the window: not flagged; 3 of 5 is
    record(towns, disputes(edge, "E", day, 2), early)
    record(towns, disputes(edge, "R", day, 2), first_of_window)
    record(towns, disputes(over, "E", day, 2), early)
    record(towns, disputes(over, "R", day, 2), first_of_window)
    record(towns, disputes(over, "S", day, 1), last_of_window)
    # a minute before the window, and a minute after the due day: neither is rushed
    record(towns, disputes(before_window, "R", day, 3), first_of_window - timedelta(minutes=1))
    record(towns, disputes(after_due, "R", day, 3), last_of_window + timedelta(minutes=1))
    # the year's report is written near the due day by nature: judged by no rule
    record(towns, disputes(reporting, "E", day, 1), early)
    report = [
        line(
            reporting,
            "report_narrative",
            "N-2025",
            "2025-12-30",
            year=2025,
            problems="一是",
            next_steps="二是",
        ),  # fmt: skip
        line(reporting, "report_submitted", "R-2025", "2025-12-31", year=2025),
    ]
    record(towns, report, first_of_window)
    found = quality(towns, county, "2025")
    assert found[reporting] == {}
    assert "rushed" not in found[edge]
    assert found[over]["rushed"]["entries"] == ["R-0", "R-1", "S-0"]
    assert found[over]["rushed"]["value"] == 0.6
    assert found[over]["rushed"]["threshold"] == {"days": 7, "above": 0.5}
    assert "rushed" not in found[before_window]
    assert "rushed" not in found[after_due]


def closed(town: str, prefix: str, opened: date, closed_on: date, count: int) -> list[dict]:
    """``count`` cases closed: disputes resolved, issues rectified and hotline cases answered
    in turn (a failed mediation before each resolution: it closes nothing)."""
    lines = []
    for n in range(count):
        entry, o, c = f"{prefix}-{n}", opened.isoformat(), closed_on.isoformat()
        match n % 3:
            case 0:
                lines += [
                    line(town, "dispute_registered", entry, o, source="other", category="邻里"),
                    line(town, "dispute_mediated", entry, o, outcome="failed", mediator="other"),
                    line(town, "dispute_mediated", entry, c, outcome="resolved", mediator="other"),
                ]
            case 1:
                lines += [
                    line(
                        town,
                        "issue_found",
                        entry,
                        o,
                        category="台账",
                        description="缺失",
                        deadline="2025-12-31",
                    ),  # fmt: skip
                    line(town, "issue_rectified", entry, c),
                ]
            case _:
                lines += [
                    line(town, "hotline_case_received", entry, o),
                    line(town, "hotline_case_answered", entry, c, resolved=True),
                ]
    return lines


def test_same_day_closures_at_their_edges(towns: Towns) -> None:
    county, (few, edge, over) = towns.townships(3)
    day, next_day = date(2025, 4, 1), date(2025, 4, 2)
    at = local_noon(date(2025, 4, 3))
    # 19 closed, all the same day: too few closed to judge
    record(towns, closed(few, "S", day, day, 19), at)
    # 20 closed, 18 the same day (90 %): not flagged; 20 of 21 (95 %) is
    record(towns, closed(edge, "S", day, day, 18) + closed(edge, "N", day, next_day, 2), at)
    record(towns, closed(over, "S", day, day, 20) + closed(over, "N", day, next_day, 1), at)
    # an open case and a retracted closed one count for nothing
    record(towns, disputes(over, "OPEN", day, 1) + closed(over, "X", day, day, 1), at)
    record(towns, [line(over, "entry_retracted", "X-0", "2025-04-05", reason="重复")], at)
    found = quality(towns, county, "2025")
    assert "same_day_closures" not in found[few]
    assert "same_day_closures" not in found[edge]
    flag = found[over]["same_day_closures"]
    assert flag["entries"] == [f"S-{n}" for n in range(20)]
    assert flag["value"] == round(20 / 21, 4)
    assert flag["threshold"] == {"min_closed": 20, "above": 0.9}


def test_retractions_at_their_edges_and_as_of_a_moment(towns: Towns) -> None:
    county, (edge, over) = towns.townships(2)
    day = date(2025, 2, 10)
    at = local_noon(day)
    for town in (edge, over):
        record(towns, disputes(town, "D", day, 10), at)
    reason = {"reason": "登记有误"}
    retract = [line(edge, "entry_retracted", "D-0", day.isoformat(), **reason)]
    record(towns, retract, at + timedelta(days=1))
    before = at + timedelta(days=1, hours=1)
    retract = [line(over, "entry_retracted", f"D-{n}", day.isoformat(), **reason) for n in (3, 5)]
    record(towns, retract, at + timedelta(days=2))
    found = quality(towns, county, "2025-02")
    assert "retractions" not in found[edge]  # 1 of 10: 10 %
    assert found[over]["retractions"]["entries"] == ["D-3", "D-5"]
    assert found[over]["retractions"]["value"] == 0.2
    # as of a moment before the second retraction, nothing was flagged
    assert quality(towns, county, "2025-02", as_of=before)[over] == {}


def test_the_county_sets_its_thresholds_any_subset_as_of_a_moment(towns: Towns) -> None:
    county, (town,) = towns.townships(1)
    place_officer = towns.place(county).officer()
    day = date(2025, 2, 10)
    record(towns, disputes(town, "D", day, 10), local_noon(day))
    retract = [line(town, "entry_retracted", "D-0", day.isoformat(), reason="重复")]
    record(towns, retract, local_noon(day))
    assert quality(towns, county, "2025")[town] == {}
    quality_service = towns.ledger.quality
    before = datetime.now(UTC)
    kept = quality_service.set_rules(
        place_officer, county=county, rules={"retractions": {"above": 0.05}}
    )
    assert kept["retractions"] == {"above": 0.05}
    assert kept["backfilled"] == {"days": 30, "above": 0.2}  # the others keep their values
    kept = quality_service.set_rules(
        place_officer, county=county, rules={"backfilled": {"days": 5}}
    )
    assert kept["retractions"] == {"above": 0.05}
    assert kept["backfilled"] == {"days": 5, "above": 0.2}
    assert quality(towns, county, "2025")[town]["retractions"]["threshold"] == {"above": 0.05}
    assert quality(towns, county, "2025", as_of=before)[town] == {}
    assert quality_service.rules(OPERATOR, county=county, as_of=before)["retractions"] == {
        "above": 0.1
    }


def test_the_flags_of_now_are_judged_again_only_for_townships_that_recorded(
    towns: Towns, monkeypatch: pytest.MonkeyPatch
) -> None:
    county, (a, b, c) = towns.townships(3)
    day = date(2025, 3, 3)
    for town in (a, b, c):
        record(towns, disputes(town, "D", day, 10), local_noon(day))
    service, read_model = towns.ledger.quality, towns.ledger.quality.read_model
    asked: list[set[str]] = []
    period_facts = read_model.period_facts

    def spied(townships: tuple[str, ...], *args: Any, **kw: Any) -> list:
        asked.append(set(townships))
        return period_facts(townships, *args, **kw)

    monkeypatch.setattr(read_model, "period_facts", spied)

    def judged() -> tuple[dict[str, dict[str, dict]], list[set[str]]]:
        """The flags of now, and the townships whose facts were read for them (asked anew,
        they are the same)."""
        asked.clear()
        found = quality(towns, county, "2025")
        read = asked.copy()
        fresh = Quality(service.app, service.tenancy, read_model, service.due_days)
        assert found == {
            t["township"]: {f["rule"]: f for f in t["flags"]}
            for t in fresh.quality(OPERATOR, county=county, period="2025")["townships"]
        }
        return found, read

    assert judged() == ({a: {}, b: {}, c: {}}, [{a, b, c}])
    # ``a`` backfills 4 (4 of 14): only its flags change, only its facts are read
    record(towns, disputes(a, "BACK", day, 4), local_noon(date(2025, 7, 1)))
    found, read = judged()
    assert found[a]["backfilled"]["entries"] == [f"BACK-{n}" for n in range(4)]
    assert (found[b], found[c], read) == ({}, {}, [{a}])
    # an entry of another year read nothing; a township added since is read alone
    record(towns, disputes(c, "OLD", date(2024, 3, 3), 1), local_noon(day))
    assert judged()[1] == []
    d = towns.township(county)
    assert judged() == ({**found, d: {}}, [{d}])
    # ``b`` retracts 2 of 10
    retract = [line(b, "entry_retracted", f"D-{n}", day.isoformat(), reason="重复") for n in (1, 2)]
    record(towns, retract, local_noon(day + timedelta(days=1)))
    found, read = judged()
    assert found[b]["retractions"]["entries"] == ["D-1", "D-2"]
    assert ("retractions" in found[a], found[c], read) == (False, {}, [{b}])
    # the rules changed: every township judged again
    service.set_rules(OPERATOR, county=county, rules={"retractions": {"above": 0.25}})
    found, read = judged()
    assert (found[b], read) == ({}, [{a, b, c, d}])


@pytest.mark.parametrize(
    ("rules", "field"),
    [
        ({}, "rules"),
        ({"speedy": {"above": 0.1}}, "speedy"),
        ({"backfilled": {"weeks": 2}}, "backfilled.weeks"),
        ({"backfilled": {"days": -1}}, "backfilled.days"),
        ({"rushed": {"days": 0}}, "rushed.days"),
        ({"rushed": {"days": 2.5}}, "rushed.days"),
        ({"retractions": {"above": 1.5}}, "retractions.above"),
        ({"retractions": {"above": True}}, "retractions.above"),
        ({"same_day_closures": {"min_closed": 0}}, "same_day_closures.min_closed"),
        ({"retractions": []}, "retractions"),
    ],
)
def test_bad_thresholds_are_refused_naming_the_field_and_nothing_is_recorded(
    towns: Towns, rules: dict, field: str
) -> None:
    county = towns.county()
    with pytest.raises(InvalidField) as refused:
        towns.ledger.quality.set_rules(OPERATOR, county=county, rules=rules)
    assert refused.value.field == field
    assert towns.ledger.quality.rules(OPERATOR, county=county)["rushed"] == {
        "days": 7,
        "above": 0.5,
    }


def test_only_the_county_office_sets_its_rules_and_another_county_is_not_found(
    towns: Towns,
) -> None:
    place, elsewhere = towns.place(), towns.place()
    with pytest.raises(Forbidden):
        towns.ledger.quality.set_rules(
            place.auditor(), county=place.county, rules={"retractions": {"above": 0.2}}
        )
    with pytest.raises(NotFound):
        towns.ledger.quality.quality(elsewhere.officer(), county=place.county, period="2025")
    with pytest.raises(NotFound):
        towns.ledger.quality.township_flags(
            elsewhere.head(), township=place.township, period="2025"
        )
