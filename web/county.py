"""The county office's pages: the ranking and why, charts, indicators, reports to answer,
and the spreadsheet of it all. The county is always the signed-in officer's own."""

from __future__ import annotations

import re

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.catalogue import rankable_figures
from services.rankings import MAX_WEIGHT
from web import trends, when, workbooks
from web.accounts import roles
from web.errors import form_page
from web.ledger import principal, services

bp = Blueprint("county", __name__, url_prefix="/county")
ROLES = ("county_officer",)
NUMBER = re.compile(r"(?=\.?[0-9])[0-9]*\.?[0-9]*")  # a weight as typed, in ASCII digits


def here() -> str:
    return principal().county


def chosen_period() -> str:
    given = request.args.get("period")
    return given or str(services().browsing.latest_year(principal(), county=here()))


@bp.get("/")
@roles(*ROLES)
def ranking():
    # A period refused: the form again, under the county's name (asked only then).
    form_page(
        "county/ranking.html",
        later=lambda: {"county": services().tenancy.county(principal(), here())},
        ranking=None,
        restatement=None,
        names={},
        flags={},
    )
    page = services().overviews.county_ranking(
        principal(), county=here(), period=request.args.get("period") or None
    )
    doc = page.ranking
    return render_template(
        "county/ranking.html",
        ranking=doc,
        county=page.county,
        restatement=page.restatement,
        names={row["township"]: row["name"] for row in doc["townships"]},
        flags=page.flags,
    )


@bp.get("/entry")
@roles(*ROLES)
def entry():
    """One entry's history (what a data-quality flag's entries link to)."""
    args = request.args
    page = services().overviews.entry_history(
        principal(), township=args.get("township", ""), entry_id=args.get("id", "")
    )
    return render_template(
        "audit/entry.html", entry=page.entry, names=page.names, back=url_for("county.ranking")
    )


@bp.get("/townships/<code>")
@roles(*ROLES)
def township(code: str):
    first, last = trends.asked()
    page = services().overviews.county_township(
        principal(),
        county=here(),
        township=code,
        period=request.args.get("period") or None,
        first=first,
        last=last,
    )
    shown = page.trend
    return render_template(
        "county/township.html",
        breakdown=page.breakdown,
        trends=shown.trends,
        chart_src=url_for(
            "county.trends_chart", code=code, **{"from": shown.first, "to": shown.last}
        ),
    )


@bp.get("/charts/scores.json")
@roles(*ROLES)
def scores_chart():
    doc = services().rankings.ranking(principal(), county=here(), period=chosen_period())
    rows = doc["townships"]
    return jsonify(
        period=doc["period"],
        townships=[r["name"] for r in rows],
        scores=[r["score"] for r in rows],
    )


@bp.get("/charts/trend/<code>.json")
@roles(*ROLES)
def trend_chart(code: str):
    quarters = services().breakdowns.trend(
        principal(), county=here(), township=code, period=chosen_period()
    )
    return jsonify(
        periods=[q["period"] for q in quarters],
        labels=[when.period(q["period"]) for q in quarters],  # as the chart's reader writes them
        scores=[q["score"] for q in quarters],
        ranks=[q["rank"] for q in quarters],
    )


@bp.get("/charts/trends/<code>.json")
@roles(*ROLES)
def trends_chart(code: str):
    first, last = trends.asked()
    shown = services().overviews.township_trends(principal(), township=code, first=first, last=last)
    return jsonify(trends.chart(shown.trends))


@bp.route("/indicators", methods=["GET", "POST"])
@roles(*ROLES)
def indicators():
    """The county's indicators, or (``?group=NAME``) one peer group's own: the form holds the
    group's if it has them, else the county's as a starting point; saving sets the group's
    through the groups (the others untouched), and ``remove`` returns it to the county's."""
    group = request.args.get("group") or None
    # An unknown group is refused beside the choice of groups (the form is not shown).
    form_page("county/indicators.html", later=_groups_of_county, group=None)
    page = services().overviews.county_indicators(principal(), county=here(), group=group)
    county, current_groups = page.county, page.groups
    place = (
        next(n for n, g in enumerate(current_groups, start=1) if g["name"] == group) if group else 0
    )
    own = bool(group) and "indicators" in current_groups[place - 1]
    context = {
        "figures": rankable_figures(),
        "current": {w["figure"]: w for w in page.weights},
        "most": MAX_WEIGHT,
        "groups": current_groups,
        "group": group,
        "own": own,
        # A group's indicators are refused as groups[N].indicators[M].weight.
        "prefix": f"groups[{place}]." if group else "",
    }
    if request.method == "GET":
        return render_template("county/indicators.html", county=county, **context)
    if group and request.form.get("remove"):
        if own:
            _set_group_indicators(current_groups, group, None)
            flash(_("已删除“%(group)s”自己的指标，本组按全县的指标排名。", group=group))
        else:
            flash(_("“%(group)s”的指标没有变化，未作修改。", group=group))
        return redirect(url_for("county.ranking"))
    chosen = _chosen_indicators()
    # A refusal names an indicator by its place in the list sent (indicators[2].weight):
    # the page shows it beside that figure's row.
    places = {c["figure"]: n for n, c in enumerate(chosen, start=1)}
    form_page("county/indicators.html", county=county, places=places, **context)
    if group:
        kept = _set_group_indicators(current_groups, group, chosen)
        if kept == current_groups[place - 1].get("indicators"):
            flash(_("“%(group)s”的指标没有变化，未作修改。", group=group))
        else:
            flash(_("已保存“%(group)s”自己的指标，组内名次已按新的指标计算。", group=group))
        return redirect(url_for("county.ranking"))
    kept = services().rankings.set_indicators(principal(), county=here(), indicators=chosen)
    if kept == page.weights:
        flash(_("排名指标没有变化，未作修改。"))
    else:
        flash(_("已保存排名指标，排名已按新的指标计算。"))
    return redirect(url_for("county.ranking"))


def _groups_of_county() -> dict:
    """The county and its peer groups, for a refusal of the group asked for."""
    page = services().overviews.county_indicators(principal(), county=here())
    return {"county": page.county, "groups": page.groups}


def _chosen_indicators() -> list[dict]:
    """The indicators ticked on the form, each with its direction and weight as typed."""
    return [
        {
            "figure": figure,
            "direction": request.form.get(f"direction:{figure}", "higher"),
            "weight": _number(request.form.get(f"weight:{figure}", "")),
        }
        for figure in rankable_figures()
        if request.form.get(f"use:{figure}")
    ]


def _set_group_indicators(current: list[dict], name: str, chosen: list[dict] | None):
    """Set the groups as they are, with ``name``'s own indicators ``chosen`` (None: none of
    its own); returns that group's indicators as kept (None: the county's)."""
    given = []
    for g in current:
        if g["name"] == name:
            g = {k: v for k, v in g.items() if k != "indicators"}
            if chosen is not None:
                g["indicators"] = chosen
        given.append(g)
    kept = services().rankings.set_groups(principal(), county=here(), groups=given)
    return next(g for g in kept if g["name"] == name).get("indicators")


@bp.route("/groups", methods=["GET", "POST"])
@roles(*ROLES)
def groups():
    """The county's peer groups: each township's group typed beside it (none when empty); a
    group keeps the indicators of its own it has (set on the indicators page, ``?group=``)."""
    page = services().overviews.county_groups(principal(), county=here())
    county, current = page.county, page.groups
    context = {
        "names": page.names,
        "current": {t: g["name"] for g in current for t in g["townships"]},
        "own": [g["name"] for g in current if "indicators" in g],
    }
    if request.method == "GET":
        return render_template("county/groups.html", county=county, **context)
    chosen: dict[str, list[str]] = {}
    for township in county.townships:
        name = request.form.get(f"group:{township}", "").strip()
        if name:
            chosen.setdefault(name, []).append(township)
    own = {g["name"]: g["indicators"] for g in current if "indicators" in g}
    given = [
        {"name": name, "townships": members, **({"indicators": own[name]} if name in own else {})}
        for name, members in chosen.items()
    ]
    # A refusal names a group by its place in the list sent (groups[2].name): the page shows
    # it beside the first township typed into that group.
    first = {members[0]: n for n, members in enumerate(chosen.values(), start=1)}
    form_page("county/groups.html", county=county, first=first, **context)
    kept = services().rankings.set_groups(principal(), county=here(), groups=given)
    if kept == current:
        flash(_("乡镇分组没有变化，未作修改。"))
    else:
        flash(_("已保存乡镇分组，排名页按新的分组显示组内名次。"))
    return redirect(url_for("county.ranking"))


def _number(text: str):
    """A weight as typed: a number when it reads as one (else the ledger names the field)."""
    cleaned = text.strip()
    if NUMBER.fullmatch(cleaned):
        return float(cleaned) if "." in cleaned else int(cleaned)
    return cleaned


@bp.get("/ranking.xlsx")
@roles(*ROLES)
def workbook():
    page = services().overviews.county_workbook(
        principal(), county=here(), period=request.args.get("period") or None
    )
    period = page.period
    return Response(
        workbooks.ranking_workbook(page.ranking, page.figures),
        mimetype=workbooks.XLSX,
        headers={"Content-Disposition": f"attachment; filename={here()}-{period}-ranking.xlsx"},
    )
