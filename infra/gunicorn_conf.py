"""gunicorn's settings for ``township-ledger serve`` (``-c python:infra.gunicorn_conf``), from
the environment (``infra.settings``; docs/deployment.md lists the variables).

The workers are ``infra.web_worker.WholeRequestWorker``: waitress in each, reading whole requests
(with header and body timeouts, and the largest body the app takes) before the app's threads
see them, so that slow clients hold no thread.

No ``preload_app``: each worker builds the app, and opens its database connections, after the
fork. The tables and SQLite's WAL mode are prepared by ``serve`` before gunicorn starts.

SIGTERM is a graceful stop: gunicorn closes its listening socket, and each worker answers the
requests it has begun to receive (for up to ``graceful_timeout`` seconds) before it exits.
"""

from infra.observability import gunicorn_logger
from infra.settings import GunicornSettings, Settings
from infra.web_worker import WholeRequestWorker

_serving = GunicornSettings.from_env()
_settings = Settings.from_env()

bind = _serving.bind
workers = _serving.workers
worker_class = WholeRequestWorker.configured(_serving)
threads = _serving.threads
worker_connections = 1000  # a worker's open connections, slow clients' included
preload_app = False
timeout = _serving.timeout
graceful_timeout = _serving.graceful_timeout
accesslog = "-"
errorlog = "-"
loglevel = _settings.log_level.lower()
logger_class = gunicorn_logger(_settings)
