"""CSRF on every form, and the headers every answer carries (a CSP with no inline script)."""

from __future__ import annotations

from flask import Flask, Response
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
HSTS = "max-age=31536000; includeSubDomains"


def register_security(app: Flask, trusted_proxies: int = 0) -> None:
    CSRFProtect(app)
    if trusted_proxies:  # the client's own address, for per-client sign-in throttling
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted_proxies, x_proto=trusted_proxies)

    @app.after_request
    def secure_headers(response: Response) -> Response:
        present = {name.lower() for name, _ in response.headers.items()}
        missing = [(n, v) for n, v in HEADERS.items() if n.lower() not in present]
        if app.config["SESSION_COOKIE_SECURE"] and "strict-transport-security" not in present:
            missing.append(("Strict-Transport-Security", HSTS))
        if response.mimetype == "text/html" and "cache-control" not in present:
            missing.append(("Cache-Control", "no-store"))
        response.headers.extend(missing)  # one pass over the headers, not one per header
        return response
