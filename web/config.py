"""What the web app is told by its composition root (``web.wsgi`` or a test)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.uploads import PAGE_BODY_BYTES


@dataclass(frozen=True)
class WebConfig:
    secret_key: str
    secure_cookies: bool = False  # behind TLS: cookies only over HTTPS
    # Read-your-writes: how long a page waits for the projection worker to reach the
    # position of the user's own last write before it answers anyway.
    read_wait_seconds: float = 5.0
    testing: bool = False
    trusted_proxies: int = 0  # proxies whose X-Forwarded-For and -Proto are believed
    operator_token: str | None = None  # shown /readyz's position and lag (web/health.py)

    def flask(self) -> dict[str, Any]:
        return {
            "SECRET_KEY": self.secret_key,
            "TESTING": self.testing,
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "SESSION_COOKIE_SECURE": self.secure_cookies,
            "REMEMBER_COOKIE_HTTPONLY": True,
            "REMEMBER_COOKIE_SAMESITE": "Lax",
            "REMEMBER_COOKIE_SECURE": self.secure_cookies,
            "MAX_CONTENT_LENGTH": PAGE_BODY_BYTES,
            "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
            "BABEL_DEFAULT_LOCALE": "zh_Hans_CN",
        }
