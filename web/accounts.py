"""Signing in and out, changing one's password, and where each role starts."""

from __future__ import annotations

import time
from functools import wraps

import segno
import sentry_sdk
from flask import Blueprint, Flask, abort, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import LoginManager, current_user, login_required, login_user, logout_user

from web.api import under_api
from web.errors import form_page
from web.ledger import catch_up_to_own_writes, principal, services

bp = Blueprint("accounts", __name__)
# What a user signed in with a one-time password may open before choosing their own.
OPEN_BEFORE_CHANGE = frozenset(
    {"accounts.password", "accounts.logout", "static", "switch_language", "healthz", "readyz"}
)

START = {
    "clerk": "township.dashboard",
    "head": "township.dashboard",
    "county_officer": "county.ranking",
    "auditor": "audit.index",
    "admin": "admin.index",
}
CODE_WITHIN = 300  # seconds after the right password within which its second step is taken
# What a signed-in user who must enrol in two-factor sign-in may open before enrolling.
BEFORE_ENROLMENT = frozenset(
    {"accounts.two_factor", "accounts.logout", "static", "switch_language"}
)


class SignedInUser:
    """Flask-Login's user: a principal, the session number it signed in with and the
    session's own id (services/accounts.py)."""

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def __init__(
        self, principal, version: int, session_id: str, must_change_password: bool = False
    ) -> None:
        self.principal = principal
        self.version = version
        self.session_id = session_id
        # Signed in with a one-time password: every page but choosing one's own is closed.
        self.must_change_password = must_change_password

    def get_id(self) -> str:
        return f"{self.version}:{self.session_id}:{self.principal.username}"


def load_user(user_id: str) -> SignedInUser | None:
    version, _, rest = user_id.partition(":")
    session_id, _, username = rest.partition(":")
    found = None
    if version.isdigit() and session_id and username:
        found = services().accounts.session_of(
            username=username, version=int(version), session_id=session_id
        )
    if found is None:
        # Ended (signed out, the password changed or reset, the user disabled, the county
        # suspended; or from before sessions had ids): forgotten, so that this cookie is
        # never signed again with it.
        session.pop("_user_id", None)
        return None
    return SignedInUser(found.principal, int(version), session_id, found.must_change_password)


def register_accounts(app: Flask) -> None:
    manager = LoginManager(app)
    manager.login_view = "accounts.login"
    manager.login_message = None
    manager.session_protection = "basic"
    manager.user_loader(load_user)

    @app.before_request
    def signed_in_user():
        if under_api(request.path):
            return  # a token is the API's only credential: no session, no signed-in user
        if not current_user.is_authenticated:
            return None
        if current_user.must_change_password:  # a one-time password: their own first
            if request.endpoint not in OPEN_BEFORE_CHANGE:
                return redirect(url_for("accounts.password"))
        elif session.get("enrol_first") and request.endpoint not in BEFORE_ENROLMENT:
            return redirect(url_for("accounts.two_factor"))
        who = principal()
        # Sentry's tags (when it is on): the role and the tenant, nothing personal.
        sentry_sdk.set_tag("role", who.role.value)
        sentry_sdk.set_tag("tenant", who.township or who.county or "installation")
        if request.method == "GET":
            catch_up_to_own_writes()
        return None

    @app.context_processor
    def who() -> dict:
        signed_in = current_user.is_authenticated
        return {"me": principal() if signed_in else None}


def roles(*allowed: str):
    """Pages of an area answer 403 to a signed-in role that has no business there."""

    def decorate(view):
        @login_required
        @wraps(view)
        def checked(*args, **kwargs):
            if principal().role.value not in allowed:
                abort(403)
            return view(*args, **kwargs)

        return checked

    return decorate


@bp.get("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    return redirect(url_for(START[principal().role.value]))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        return render_template("login.html")
    form_page("login.html")
    signed = services().accounts.sign_in(
        username=request.form.get("username", ""),
        password=request.form.get("password", ""),
        client=request.remote_addr or "unknown",
    )
    if signed.pending == "code":  # not signed in until the second step
        session["second_factor"] = [signed.principal.username, time.time()]
        return redirect(url_for("accounts.code"))
    return _signed_in(signed)


def _signed_in(signed):
    login_user(
        SignedInUser(
            signed.principal,
            signed.session_version,
            signed.session_id,
            signed.must_change_password,
        )
    )
    if signed.pending == "enrolment":
        session["enrol_first"] = True
    if signed.must_change_password:  # their own password first, then enrolment
        return redirect(url_for("accounts.password"))
    if signed.pending == "enrolment":
        return redirect(url_for("accounts.two_factor"))
    return redirect(url_for(START[signed.principal.role.value]))


@bp.route("/login/code", methods=["GET", "POST"])
def code():
    """The second step of signing in: the code of the authenticator app, or a recovery code."""
    pending = session.get("second_factor")
    if not pending or not time.time() - pending[1] < CODE_WITHIN:
        session.pop("second_factor", None)
        return redirect(url_for("accounts.login"))
    if request.method == "GET":
        return render_template("login_code.html")
    form_page("login_code.html")
    signed = services().accounts.confirm_code(
        username=pending[0],
        otp=request.form.get("otp", ""),
        client=request.remote_addr or "unknown",
    )
    session.pop("second_factor", None)
    return _signed_in(signed)


@bp.route("/two-factor", methods=["GET", "POST"])
@login_required
def two_factor():
    """Enrolling in two-factor sign-in: a secret offered (kept in the session until the first
    code confirms it), then the recovery codes, shown once."""
    accounts = services().accounts
    if accounts.two_factor_enrolled(principal()):
        session.pop("enrol_first", None)
        return render_template("two_factor.html", enrolled=True)
    secret = session.get("enrolling")
    enrolment = (
        accounts.enrolment(principal(), secret) if secret else accounts.offer_enrolment(principal())
    )
    session["enrolling"] = enrolment.secret
    shown = {
        "enrolment": enrolment,
        "qr": segno.make(enrolment.uri, error="m").svg_data_uri(scale=4, border=2),
        "required": session.get("enrol_first", False),
    }
    if request.method == "GET":
        return render_template("two_factor.html", **shown)
    form_page("two_factor.html", **shown)
    codes = accounts.enrol(principal(), secret=enrolment.secret, otp=request.form.get("otp", ""))
    session.pop("enrolling", None)
    session.pop("enrol_first", None)
    return render_template("two_factor.html", codes=codes)


@bp.post("/logout")
@login_required
def logout():
    services().accounts.sign_out(principal(), session_id=current_user.session_id)
    logout_user()
    return redirect(url_for("accounts.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    if request.method == "GET":
        return render_template("password.html")
    form_page("password.html")
    if request.form.get("new_password") != request.form.get("confirm_password"):
        return render_template(
            "password.html", errors={"confirm_password": _("两次输入的新密码不一致")}
        ), 400
    version = services().accounts.change_password(
        principal(),
        current=request.form.get("current_password", ""),
        new=request.form.get("new_password", ""),
    )
    login_user(SignedInUser(principal(), version, current_user.session_id))
    return render_template("password.html", done=True, start=START[principal().role.value])
