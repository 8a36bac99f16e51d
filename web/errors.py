"""The one place errors become answers: a refusal of the ledger is shown beside the field of
the form that caused it (or as a page), with the status DOMAIN.md gives it; never a 500 for
bad input."""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, g, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from jinja2 import pass_context
from werkzeug.exceptions import HTTPException

from domain.errors import Conflict, Forbidden, LedgerError, NotFound, Throttled
from services.interchange import ImportRejected
from web.api.errors import error_response
from web.ledger import services
from web.messages import register_messages, say_error

log = logging.getLogger("ledger.outages")
STATUS = ((NotFound, 404), (Forbidden, 403), (Conflict, 409), (Throttled, 429))
RETRY_AFTER_OUTAGE = "5"  # seconds: a database restart takes about that
JSON_PATHS = ("/api/", "/readyz", "/healthz")  # answered with the error document


def status_of(error: LedgerError) -> int:
    for kind, status in STATUS:
        if isinstance(error, kind):
            return status
    return 400


def titles() -> dict[int, str]:
    return {
        400: _("提交的内容有误"),
        401: _("请先登录"),
        403: _("无权进行此操作"),
        404: _("没有找到该记录"),
        405: _("不支持此操作"),
        409: _("记录刚被他人修改，请重试"),
        413: _("上传的文件太大"),
        429: _("尝试次数过多，请稍后再试"),
        503: _("暂时无法访问账本，请稍后再试"),
    }


def form_page(
    template: str,
    *,
    form: str | None = None,
    later: Callable[[], dict] | None = None,
    **context,
) -> None:
    """Declare the form a view is handling: a refusal re-renders it with the error beside
    the field and what the user typed kept. ``form`` names the form that was sent, on a page
    of several (an entry's mediation and its retraction): only it shows the error and what
    was typed (templates ask ``error_of(field, form)``). ``later``: more of the context,
    asked of the services only on a refusal (a page that is otherwise one call)."""
    g.form_page = (template, {**context, "failed": form} if form else context, later)


@pass_context
def error_of(context, field: str, form: str | None = None) -> str | None:
    """The refusal to show beside ``field`` of ``form`` (any form when not given), if any."""
    if form is not None and context.get("failed") != form:
        return None
    return (context.get("errors") or {}).get(field)


@pass_context
def typed_in(context, form: str | None = None):
    """What the user typed in ``form`` (any form when not given), to show it again."""
    if form is not None and context.get("failed") != form:
        return None
    return context.get("values")


def _page(status: int, message: str | None = None):
    g.refused = True
    title = titles().get(status, _("出错了"))
    return render_template("error.html", status=status, title=title, detail=message), status


# Forms whose 404 (an unknown name, a wrong password or code) is said beside the field, as 401.
SIGN_IN_FORMS = ("login.html", "login_code.html")


def ledger_error(error: LedgerError):
    status = status_of(error)
    form = g.get("form_page")
    if form is None or (status in (403, 404) and form[0] not in SIGN_IN_FORMS):
        said = say_error(error, with_field=True) if status not in (403, 404) else None
        return _page(status, said)
    template, context, later = form
    if later is not None:
        context = {**context, **later()}
    g.refused = True
    if status == 404:  # the sign-in form: which of the name or password was wrong stays unsaid
        status = 401
    message = say_error(error, with_field=True)
    typed = request.form if request.method == "POST" else request.args
    context = {**context, "values": typed, "message": message}
    if isinstance(error, ImportRejected):
        context["line_errors"] = error.errors
    else:
        context["errors"] = {error.field or "_": say_error(error)}
    return render_template(template, **context), status


def http_error(error: HTTPException):
    return _page(error.code or 500)


def csrf_error(error: CSRFError):
    return _page(400, _("页面已过期，请刷新后重新提交"))


def database_away(error: Exception):
    """The database away for a moment (as the services judge it: ``Services.outage``): 503
    and "send it again", for pages and API alike (an entry sent again is recorded once). Any
    other error is a fault: a 500."""
    if not services().outage(error):
        raise error
    log.warning("503 for %s %s: %s: %s", request.method, request.path, type(error).__name__, error)
    headers = {"Retry-After": RETRY_AFTER_OUTAGE}
    if request.path.startswith(JSON_PATHS):
        message = "the ledger cannot be reached just now; send the request again in a moment"
        return error_response(503, "unavailable", message, headers=headers)
    body, status = _page(503, _("您的操作未能完成，请稍后重新提交；已记录的内容不会重复记录"))
    return body, status, headers


def register_errors(app: Flask) -> None:
    register_messages(app)
    app.jinja_env.globals.update(error_of=error_of, typed_in=typed_in)
    app.register_error_handler(LedgerError, ledger_error)
    app.register_error_handler(Exception, database_away)
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(HTTPException, http_error)
