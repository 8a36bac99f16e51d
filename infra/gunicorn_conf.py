"""gunicorn's settings for ``township-ledger serve`` (``-c python:infra.gunicorn_conf``), from
the environment (``infra.settings.GunicornSettings``; docs/deployment.md lists the variables).

No ``preload_app``: each worker builds the app, and opens its database connections, after the
fork. The tables and SQLite's WAL mode are prepared by ``serve`` before gunicorn starts.

SIGTERM is a graceful stop: gunicorn closes its listening socket, and each worker finishes the
requests it has started (for up to ``graceful_timeout`` seconds) before it exits.
"""

from infra.settings import GunicornSettings, Settings

_serving = GunicornSettings.from_env()
_settings = Settings.from_env()

bind = _serving.bind
workers = _serving.workers
worker_class = "gthread"
threads = _serving.threads
preload_app = False
timeout = _serving.timeout
graceful_timeout = _serving.graceful_timeout
accesslog = "-"
errorlog = "-"
loglevel = _settings.log_level.lower()
forwarded_allow_ips = _serving.forwarded_allow_ips
if _settings.log_format == "json":
    logger_class = "infra.observability.JsonGunicornLogger"
