"""The web pages: an application factory, a short list of ``register_*`` steps."""

from __future__ import annotations

from flask import Flask

from services import Services
from web.api import register_api
from web.config import WebConfig


def create_app(services: Services, config: WebConfig) -> Flask:
    from web import (
        accounts,
        admin,
        audit,
        audit_labels,
        county,
        county_audit,  # noqa: F401 - its routes join the county blueprint
        county_calendar,  # noqa: F401 - its routes join the county blueprint
        county_quality,  # noqa: F401 - its routes join the county blueprint
        county_reports,  # noqa: F401 - its routes join the county blueprint
        errors,
        evidence,
        health,
        i18n,
        labels,
        notifications,  # noqa: F401 - its routes join the accounts blueprint
        people,  # noqa: F401 - its routes join the county blueprint
        request_log,
        security,
        township,
        township_files,  # noqa: F401 - its routes join the township blueprint
        when,
    )

    app = Flask(__name__)
    app.config.update(config.flask())
    app.extensions["ledger"] = services
    app.extensions["ledger.config"] = config
    request_log.register_request_log(app)
    security.register_security(app, config.trusted_proxies)
    labels.register_labels(app)
    audit_labels.register_audit_labels(app)
    when.register_when(app)
    i18n.register_i18n(app)
    accounts.register_accounts(app)
    errors.register_errors(app)
    health.register_health(app)
    evidence.register_evidence(app)
    for blueprint in (accounts.bp, township.bp, county.bp, audit.bp, admin.bp):
        app.register_blueprint(blueprint)
    register_api(app, services)
    return app
