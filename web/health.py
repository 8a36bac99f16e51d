"""Liveness and readiness for the load balancer: readiness reports the read model's lag."""

from __future__ import annotations

from flask import Flask, jsonify

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
        body = {"status": "ready" if ready else "catching_up", "position": position, "lag": lag}
        return jsonify(body), 200 if ready else 503
