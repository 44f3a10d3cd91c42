"""Smart Kids LINE bot: the Flask application factory (`flask --app bot …`)."""
from __future__ import annotations

import logging

from flask import Flask

from bot.config import from_env
from bot.db import make_engine, make_sessionmaker
from bot.line_api import LineApi
from bot.redact import RedactSignatures
from bot.router import Router
from bot.runtime import Runtime, shifted_clock


def create_app(test_config: dict | None = None) -> Flask:
    """Build the web app: configuration, database, LINE client, handlers, webhook and CLI."""
    import handlers
    from bot import card_routes, cli, media_routes, record_routes, report_routes, webhook

    cfg = from_env(test_config)
    app = Flask(__name__)
    engine = make_engine(cfg.DATABASE_URL)
    router = Router()
    handlers.register_all(router)
    app.config["SMARTKIDS"] = cfg
    app.extensions["smartkids"] = Runtime(cfg, engine, make_sessionmaker(engine), LineApi(cfg), router,
                                          shifted_clock(cfg.CLOCK_OFFSET_SECONDS))
    for blueprint in (webhook.bp, card_routes.bp, media_routes.bp, report_routes.bp, record_routes.bp):
        app.register_blueprint(blueprint)
    cli.register(app)
    app.add_url_rule("/healthz", "healthz", lambda: {"ok": True})
    logging.getLogger("bot").setLevel(cfg.LOG_LEVEL.upper())
    if not any(isinstance(f, RedactSignatures) for f in logging.getLogger("werkzeug").filters):
        logging.getLogger("werkzeug").addFilter(RedactSignatures())
    return app
