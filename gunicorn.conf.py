"""gunicorn settings for the `web` process: the webhook only stores events, so threads answer fast."""
import os

bind = "0.0.0.0:" + os.environ.get("PORT", "5000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = 8
timeout = 30
graceful_timeout = 10
accesslog = "-"
