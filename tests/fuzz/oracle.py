"""The isolation fuzz's oracle: what each user may see and change (tests/fuzz/world.py), and
the checks of every answer and of the log after a run."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from uuid import UUID

from domain.tenancy import County as CountyAggregate
from domain.tenancy import county_uuid
from domain.trail import AuditTrail, trail_uuid
from tests.fuzz.traffic import Request, Traffic
from tests.fuzz.world import World, readable, sign_in
from tests.support import unique

# What differs between two answers to the same request: a token just issued, a form's CSRF
# token, a form's suggested entry id, the moment of an answer (a document's "as of", a
# workbook's creation time).
VARYING = (
    re.compile(r'"token":\s*"[^"]*"'),
    re.compile(r'name="csrf_token" value="[^"]*"'),
    re.compile(r"\b[A-Z]{1,2}-\d{4}-[0-9A-F]{6}\b"),  # web.forms.suggested_id
    re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?"),
)
SIGNS_OUT = {"accounts.logout", "tokens.revoke_current", "tokens.revoke_all"}
SETS_INDICATORS = {"reading.set_indicators", "county.indicators"}


@dataclass
class Tally:
    """What a run sent and what went wrong."""

    requests: int = 0
    replays: int = 0  # the same request with another tenant's codes replaced by unknown ones
    by_role: Counter = field(default_factory=Counter)
    by_kind: Counter = field(default_factory=Counter)  # page / api, and the method
    by_endpoint: Counter = field(default_factory=Counter)
    by_status: Counter = field(default_factory=Counter)
    foreign: int = 0  # requests naming a tenant hidden from their sender
    violations: list[str] = field(default_factory=list)
    indicator_sets: Counter = field(default_factory=Counter)  # county -> accepted by its officer

    def violate(self, seed: int, number: int, request: Request, what: str) -> None:
        self.violations.append(f"{what}\n    replay: seed={seed}, request #{number}: {request}")


def normalised(body: str) -> str:
    for pattern in VARYING:
        body = pattern.sub("", body)
    return body


def run(world: World, seed: int, count: int) -> Tally:
    """Send ``count`` requests made from ``seed``, checking each answer."""
    traffic = Traffic(world, seed)
    tally = Tally()
    for number in range(1, count + 1):
        request = traffic.request()
        check(world, tally, seed, number, request)
    return tally


def answer(tally: Tally, seed: int, number: int, request: Request):
    try:
        return request.send()
    except Exception as error:  # the app let an error out: a 500 with a traceback
        tally.violate(seed, number, request, f"an error escaped: {type(error).__name__}: {error}")
        return None


def check(world: World, tally: Tally, seed: int, number: int, request: Request) -> None:
    user = request.user
    tally.requests += 1
    tally.by_role[user.role] += 1
    tally.by_kind[f"{'api' if request.api else 'page'} {request.method}"] += 1
    tally.by_endpoint[request.endpoint] += 1
    sent = request.text()
    foreign = [code for code in world.foreign_codes(user) if code in sent]
    got = answer(tally, seed, number, request)
    if got is None:
        return
    tally.by_status[got.status_code] += 1
    if got.status_code >= 500:
        tally.violate(seed, number, request, f"answered {got.status_code}")
    body = readable(got.get_data())
    for marker, owner in world.hidden_markers(user).items():
        if marker in body and marker not in sent:
            tally.violate(seed, number, request, f"the answer holds {marker!r} of {owner}")
    # An officer's indicators set for their own county (a code of another tenant in a query
    # the route ignores changes nothing; a set of another county's is counted for none).
    accepted = got.status_code in (200, 302)
    if request.endpoint in SETS_INDICATORS and accepted and user.role == "county_officer":
        tally.indicator_sets[user.county] += 1
    if foreign:
        tally.foreign += 1
    if foreign and (request.method == "GET" or got.status_code >= 400):
        # (a write that was let through is the log's oracle's to judge: check_writes)
        compare_with_missing(world, tally, seed, number, request, got, foreign)
    if request.endpoint in SIGNS_OUT and got.status_code < 400:
        page = request.endpoint == "accounts.logout"  # else a token was revoked
        sign_in(world.app, user, page=page, api=not page)


def compare_with_missing(world, tally, seed, number, request, got, foreign) -> None:
    """The same request with the hidden tenants' codes replaced by codes nobody has: the
    same status, and for a refusal the same body (with the codes put back), or the answer
    told them apart."""
    replay = request
    made = {}
    for code in foreign:
        made[code] = unique(code.rsplit("-", 1)[0])
        replay = replay.swap(code, made[code])
    missing = answer(tally, seed, number, replay)
    if missing is None:
        return
    tally.replays += 1
    body = readable(missing.get_data())
    for code, fresh in made.items():
        body = body.replace(fresh, code)
    theirs = normalised(readable(got.get_data()))
    # A refusal must be the very same; an answer (a code in a query the route ignores) may
    # differ by what the first request changed (an auditor's look is in the trail listed).
    differs = got.status_code >= 400 and normalised(body) != theirs
    # A failed sign-in counts towards its name's throttle, the replay's too: the replay of
    # the attempt that reached the limit is throttled (a code in the query changes nothing).
    throttled = got.status_code == 401 and missing.status_code == 429
    if (missing.status_code != got.status_code or differs) and not throttled:
        tally.violate(
            seed,
            number,
            request,
            f"another tenant's record answers {got.status_code} {theirs[:300]!r}, "
            f"a missing one {missing.status_code} {normalised(body)[:300]!r}",
        )


def check_writes(world: World, before: dict, start: int, tally: Tally) -> list[str]:
    """Nothing recorded before the run changed; everything recorded during it was recorded
    by a user who may record it in that township (or set that county's indicators, or look
    at that county's records)."""
    wrong: list[str] = []
    after = world.entry_events()
    for code, events in before.items():
        if after[code][: len(events)] != events:
            wrong.append(f"{code}: its events before the run changed")
        held: dict[str, set[str]] = {}  # entry id -> the types of its events so far
        for n, (_, type_, entry_id, actor, _) in enumerate(after[code]):
            if n >= len(events) and not world.may_record(
                actor, code, type_, held.get(entry_id, set())
            ):
                wrong.append(f"{code}: {actor} recorded {type_} {entry_id}")
            held.setdefault(entry_id, set()).add(type_)
    counties = {county_uuid(c): c for c in world.counties}
    trails = {trail_uuid(c): c for c in world.counties}
    officers_sets: Counter = Counter()
    for _, event in world.events(start + 1):
        owner: UUID = event.originator_id
        if isinstance(event, CountyAggregate.IndicatorsSet) and owner in counties:
            officers_sets[counties[owner]] += 1
        if isinstance(event, AuditTrail.Looked) and owner in trails:
            looker = next((u for u in world.users if u.name == event.actor), None)
            if looker is None or looker.county != trails[owner]:
                wrong.append(f"{trails[owner]}'s trail: a look by {event.actor}")
    for county, sets in officers_sets.items():
        if sets > tally.indicator_sets[county]:
            allowed = tally.indicator_sets[county]
            wrong.append(f"{county}: indicators set {sets} times, by its officers {allowed}")
    return wrong
