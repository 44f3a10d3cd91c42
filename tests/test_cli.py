"""The operator's commands, run as `flask --app bot …` would run them."""
import csv
import io
import json

from sqlalchemy import func, select

from domain.qr import verify_qr
from models import Child, Invite
from simulator.demo_roster import generate


def _run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_operator_imports_the_demo_roster_twice_without_duplicates(app, session, tmp_path):
    roster = generate(tmp_path / "roster.csv", centres=2, children_per_centre=5)
    first = _run(app, "roster", "import", str(roster))
    assert first.exit_code == 0, first.output
    again = _run(app, "roster", "import", str(roster))
    assert again.exit_code == 0 and session.scalar(select(func.count()).select_from(Child)) == 10


def test_operator_gets_row_numbers_for_a_bad_roster_and_nothing_is_imported(app, session, tmp_path):
    roster = generate(tmp_path / "roster.csv", centres=1, children_per_centre=5)
    lines = roster.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",M,", ",X,").replace(",F,", ",X,")
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = _run(app, "roster", "import", str(roster))
    assert result.exit_code == 1 and "4" in result.output
    assert session.scalar(select(func.count()).select_from(Child)) == 0


def test_operator_creates_an_invite_printed_alone_on_the_last_line(app, org, session):
    result = _run(app, "invite", "create", "--role", "head", "--scope", "K0001")
    assert result.exit_code == 0
    code = result.output.strip().splitlines()[-1]
    assert len(code) == 9 and code[4] == "-"
    assert session.scalar(select(Invite.role)) == "head"


def test_invite_for_an_unknown_scope_is_refused(app, org):
    result = _run(app, "invite", "create", "--role", "teacher", "--scope", "K9999")
    assert result.exit_code == 2 and "K9999" in result.output


def test_operator_exports_a_centre_with_signed_qr_payloads(app, org, rt):
    data = json.loads(_run(app, "children", "export", "--centre", "K0001", "--format", "json").output)
    assert [c["child_code"] for c in data] == ["C000001", "C000002", "C000003", "C000004"]
    assert {"first_name", "nickname", "birth_date", "guardian_name", "qr_payload"} <= set(data[0])
    assert verify_qr(data[0]["qr_payload"], rt.cfg.secret) == ("C000001", 1)
    assert verify_qr(data[0]["qr_payload"].replace("C000001", "C000002"), rt.cfg.secret) is None
    rows = list(csv.DictReader(io.StringIO(_run(app, "children", "export", "--centre", "K0001",
                                                "--format", "csv").output)))
    assert len(rows) == 4 and rows[0]["qr_payload"] == data[0]["qr_payload"]


def test_db_upgrade_builds_a_fresh_database_that_matches_the_models(tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine

    import models
    from bot import create_app

    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "operator-key"})
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with create_engine(url).connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), models.Base.metadata) == []


def test_scheduler_jobs_claim_each_run_once(rt, org):
    from bot.db import transaction
    from scheduler.jobs import claim

    now = rt.now()
    with transaction(rt.sessions) as s:
        assert claim(s, "purge_inbox", "2026-11-23", now) is True
    with transaction(rt.sessions) as s:
        assert claim(s, "purge_inbox", "2026-11-23", now) is False
