"""gunicorn settings for the `web` process: the webhook only stores events, so threads answer fast."""
import os

bind = "0.0.0.0:" + os.environ.get("PORT", "5000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = 8
timeout = 30
graceful_timeout = 10
accesslog = "-"
# The path without its query: signed links (?e=…&s=…) must never reach a log; no referer for the same reason.
access_log_format = '%(h)s - - %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'


def post_worker_init(worker):
    """The app is loaded: keep its start-up objects out of garbage collection (bot.runtime.freeze_heap)."""
    from bot.runtime import freeze_heap

    freeze_heap()
