"""What the tests of a page's one call share (services/overviews.py, issue 20 item 2): counting
how often a call resolves the county or a township and brings the read model up to date, and
the refusals it raises, to compare with the separate calls'."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from domain.errors import InvalidField, NotFound
from services import Services


def counting(ledger: Services, monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How often, from now on, the ledger resolves a county (each a query for its newer
    events), resolves a township for a principal, and brings its read model up to date."""
    calls: Counter[str] = Counter()
    for owner, name in (
        (ledger.tenancy, "_county"),
        (ledger.tenancy, "township"),
        (ledger.read_model, "before_read"),
    ):
        monkeypatch.setattr(owner, name, _counted(calls, name, getattr(owner, name)))
    return calls


def _counted(calls: Counter[str], name: str, method: Callable) -> Callable:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls[name] += 1
        return method(*args, **kwargs)

    return wrapper


def once_each(calls: Counter[str]) -> None:
    """The county or township resolved once, and the read model brought up to date once."""
    resolved_once(calls, reads=1)


def now_aside(doc: dict[str, Any]) -> dict[str, Any]:
    """A document without its ``as_of`` (the moment each call was made)."""
    return {k: v for k, v in doc.items() if k != "as_of"}


def refusal(call: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple:
    """The "not found" that ``call`` raises: its code, its field and its sentence."""
    with pytest.raises(NotFound) as caught:
        call(*args, **kwargs)
    return caught.value.code, caught.value.field, str(caught.value)


def resolved_once(calls: Counter[str], *, reads: int) -> None:
    """The county or township resolved once, and the read model brought up to date ``reads``
    times (0: the page reads none of it)."""
    assert calls["_county"] <= 1
    assert calls["township"] <= 1
    assert calls["before_read"] == reads


def invalid(call: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple:
    """The refusal of a field that ``call`` raises: its code, its field and its sentence."""
    with pytest.raises(InvalidField) as caught:
        call(*args, **kwargs)
    return caught.value.code, caught.value.field, str(caught.value)
