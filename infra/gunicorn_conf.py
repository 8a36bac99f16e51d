"""gunicorn's settings for ``township-ledger serve`` (``-c python:infra.gunicorn_conf``).

No ``preload_app``: each worker builds the app, and opens its database connections, after the
fork. The tables and SQLite's WAL mode are prepared by ``serve`` before gunicorn starts.
"""

import os

bind = os.environ.get("LEDGER_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("LEDGER_WORKERS", "2"))
worker_class = "gthread"
threads = 4
preload_app = False
timeout = 60
graceful_timeout = 10
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("LEDGER_FORWARDED_ALLOW_IPS", "127.0.0.1")
