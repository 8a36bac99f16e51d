"""Peer groups (issue 22 item 4): the county names groups of its townships (乡, 镇, 街道, or
any grouping it chooses), each township in at most one group, a group with its own ranking
indicators if the county gives it some (else the county's). docs/figures.md "Peer groups".

The county sets all its groups at once (``check_groups``); a ranking as of a moment uses the
groups in force then (``groups_at``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from domain import values
from domain.errors import InvalidField
from domain.ranking import check_indicators

MAX_GROUPS = 100  # groups of one county
GROUP_KEYS = frozenset({"name", "townships", "indicators"})


def check_groups(groups: Any, townships: Iterable[str]) -> list[dict[str, Any]]:
    """Groups as given (``[{"name", "townships", "indicators"?}]``), checked against the
    county's ``townships``: names unique, each township of the county and in one group at
    most, indicators as the county's are (domain.ranking.check_indicators). An empty list
    ends every group. A refusal names the field (``groups[2].townships[1]``)."""
    if not isinstance(groups, list):
        raise InvalidField("groups", "list.not_list")
    if len(groups) > MAX_GROUPS:
        raise InvalidField("groups", "list.too_long", most=MAX_GROUPS, length=len(groups))
    known = set(townships)
    names: set[str] = set()
    placed: set[str] = set()
    clean = []
    for n, group in enumerate(groups, start=1):
        where = f"groups[{n}]"
        if not isinstance(group, dict) or set(group) - GROUP_KEYS:
            raise InvalidField(where, "groups.malformed")
        name = values.text(f"{where}.name", group.get("name"))
        if name in names:
            raise InvalidField(f"{where}.name", "groups.repeated", name=name)
        names.add(name)
        members = group.get("townships")
        if not isinstance(members, list):
            raise InvalidField(f"{where}.townships", "list.not_list")
        for m, township in enumerate(members, start=1):
            field = f"{where}.townships[{m}]"
            if not isinstance(township, str) or township not in known:
                raise InvalidField(field, "groups.not_township", township=str(township))
            if township in placed:
                raise InvalidField(field, "groups.placed_twice", township=township)
            placed.add(township)
        kept: dict[str, Any] = {"name": name, "townships": list(members)}
        if group.get("indicators") is not None:
            kept["indicators"] = check_indicators(group["indicators"], f"{where}.indicators")
        clean.append(kept)
    return clean


def groups_at(
    history: Sequence[tuple[datetime, list[dict[str, Any]]]], moment: datetime | None = None
) -> list[dict[str, Any]]:
    """The groups in force at ``moment`` (now when None): the ones set last by then."""
    chosen: list[dict[str, Any]] = []
    for recorded_at, groups in history:
        if moment is None or recorded_at <= moment:
            chosen = groups
    return chosen


def group_of(groups: Sequence[dict[str, Any]]) -> dict[str, str]:
    """Each grouped township's group name."""
    return {t: g["name"] for g in groups for t in g["townships"]}
