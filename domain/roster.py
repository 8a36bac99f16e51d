"""The township's legal workforce: advisors, legal liaisons, volunteers, certified officers.

Four small aggregates that share one shape: a person appointed on a date, counted on the
roster from then on unless the entry is retracted.
"""

from __future__ import annotations

from domain.entry import Entry, Field, choice_of

ADVISOR_LEVELS = ("township", "community")
VOLUNTEER_POSTS = ("none", "mediation", "publicity")


class Advisor(Entry):
    class Appointed(Entry.Recorded):
        TYPE = "advisor_appointed"
        FIELDS = {"level": Field(choice_of(*ADVISOR_LEVELS))}
        level: str


class Liaison(Entry):
    class Registered(Entry.Recorded):
        TYPE = "liaison_registered"


class Volunteer(Entry):
    class Pledged(Entry.Recorded):
        TYPE = "volunteer_pledged"
        FIELDS = {"post": Field(choice_of(*VOLUNTEER_POSTS))}
        post: str


class Officer(Entry):
    class Certified(Entry.Recorded):
        TYPE = "officer_certified"
