"""The names of the figures (DOMAIN.md "The public contract"): stable, documented, shared by
the projections that compute them and the rankings that weigh them."""

from __future__ import annotations

from domain.decision import DECISION_STEPS, REVIEW_RESULTS, REVIEWERS
from domain.dispute import DISPUTE_SOURCES, MEDIATORS
from domain.errors import InvalidField
from domain.session import SESSION_KINDS

# rate name -> (numerator figure, denominator figure)
RATES: dict[str, tuple[str, str]] = {
    "legality_review_coverage": ("decisions.with_legality_review", "decisions.reviewed"),
    "rectification": ("issues.rectified", "issues.found"),
    "on_time_rectification": ("issues.rectified_on_time", "issues.found"),
    "mediation_success": ("disputes.resolved", "disputes.registered"),
    "hotline_answer": ("hotline.answered", "hotline.received"),
}

COUNT_FIGURES: tuple[str, ...] = (
    *(
        f"sessions.{k}.{m}"
        for k in SESSION_KINDS
        for m in ("count", "attendees", "reached", "materials")
    ),
    "meetings.count",
    "meetings.matters_decided",
    "decisions.reviewed",
    "decisions.with_legality_review",
    *(f"decisions.by_result.{r}" for r in REVIEW_RESULTS),
    *(f"decisions.by_reviewer.{r}" for r in REVIEWERS),
    *(f"decisions.by_step.{s}" for s in DECISION_STEPS),
    "inspections",
    "issues.found",
    "issues.rectified",
    "issues.rectified_on_time",
    "issues.overdue",
    "disputes.registered",
    "disputes.resolved",
    "disputes.failed",
    *(f"disputes.by_mediator.{m}" for m in MEDIATORS),
    *(f"disputes.by_source.{s}" for s in DISPUTE_SOURCES),
    "hotline.received",
    "hotline.answered",
    "hotline.resolved",
    "roster.advisors_township",
    "roster.advisors_community",
    "roster.liaisons",
    "roster.volunteers",
    "roster.volunteer_posts",
    "roster.officers",
)

# Figures that depend on the moment asked about rather than on a period's entries alone;
# the ranking does not weigh them.
MOMENT_FIGURES = frozenset(
    name for name in COUNT_FIGURES if name.startswith("roster.") or name == "issues.overdue"
)
RANKABLE_COUNTS = frozenset(COUNT_FIGURES) - MOMENT_FIGURES


def traced_count(figure: str) -> str:
    """The count figure whose entries a trace of ``figure`` lists: the figure itself, or for a
    rate its numerator (its denominator for ``rates.NAME.denominator``). An unknown name is
    refused with every name there is."""
    name = figure
    if figure.startswith("rates."):
        rate, _, part = figure.removeprefix("rates.").partition(".")
        if rate in RATES and part in ("", "denominator"):
            name = RATES[rate][1 if part else 0]
    if name not in COUNT_FIGURES:
        known = [*COUNT_FIGURES, *(f"rates.{r}" for r in RATES)]
        raise InvalidField("figure", "figure.unknown", figure=figure, figures=tuple(known))
    return name
