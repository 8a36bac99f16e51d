"""Liveness and readiness for the load balancer and the installation's monitoring.

``/readyz`` says to anyone whether the read model is close enough to the log to take traffic;
how far it is (its position in the log and its lag) only to the installation's operators: a
request carrying ``Authorization: Bearer`` with the secret configured as
``LEDGER_OPERATOR_TOKEN``. The operators are those who run the installation's machines (they
hold its environment, as the command line's operator does), and their monitoring, which sends
a fixed header and cannot sign in: no user's account, not even an administrator's, is needed
or enough (an administrator runs the counties and people, not the machines)."""

from __future__ import annotations

import hmac

from flask import Flask, current_app, jsonify, request

from web.ledger import services

READY_LAG = 1_000  # events the read model may be behind and still take traffic


def register_health(app: Flask) -> None:
    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    @app.get("/readyz")
    def readyz():
        position, recorded = services().read_model.lag()
        lag = recorded - position
        ready = lag <= READY_LAG
        body: dict = {"status": "ready" if ready else "catching_up"}
        if _operator():
            body.update(position=position, lag=lag)
        return jsonify(body), 200 if ready else 503


def _operator() -> bool:
    secret = current_app.extensions["ledger.config"].operator_token
    if not secret:
        return False
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.encode(), secret.encode())
