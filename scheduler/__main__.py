"""The clock process (`python -m scheduler`): the one APScheduler, running jobs with fixed ids."""
from __future__ import annotations

import logging

from apscheduler.schedulers.blocking import BlockingScheduler

from bot import create_app
from scheduler import jobs

log = logging.getLogger("scheduler")


def build(rt) -> BlockingScheduler:
    """A scheduler in the deployment's timezone with every job registered."""
    sched = BlockingScheduler(timezone=rt.tz)
    run = lambda job: (lambda: job(rt, rt.now()))  # noqa: E731 — each job reads the clock when it fires
    sched.add_job(run(jobs.sweep_outbox), "interval", minutes=1, id="sweep_outbox", coalesce=True,
                  max_instances=1)
    sched.add_job(run(jobs.parent_rollups), "interval", minutes=5, id="parent_rollups", coalesce=True,
                  max_instances=1)
    sched.add_job(run(jobs.answer_stale_photo_sets), "interval", minutes=1, id="answer_stale_photo_sets",
                  coalesce=True, max_instances=1)
    sched.add_job(run(jobs.safety_checks), "interval", minutes=1, id="safety_checks", coalesce=True,
                  max_instances=1)
    sched.add_job(run(jobs.teacher_reminders), "interval", minutes=5, id="teacher_reminders", coalesce=True,
                  max_instances=1)
    sched.add_job(run(jobs.daily_digests), "interval", minutes=5, id="daily_digests", coalesce=True,
                  max_instances=1)
    sched.add_job(run(jobs.check_quota), "interval", minutes=15, id="check_quota", coalesce=True,
                  max_instances=1, next_run_time=rt.now())
    sched.add_job(run(jobs.purge_inbox), "cron", hour=3, minute=15, id="purge_inbox", coalesce=True,
                  misfire_grace_time=6 * 3600)
    sched.add_job(run(jobs.purge_old_media), "cron", hour=3, minute=30, id="purge_old_media", coalesce=True,
                  misfire_grace_time=6 * 3600)
    return sched


def main() -> None:
    """Start the clock."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s clock %(levelname)s %(message)s")
    rt = create_app().extensions["smartkids"]
    sched = build(rt)
    log.info("clock started with jobs: %s", ", ".join(j.id for j in sched.get_jobs()))
    try:
        sched.start()
    except (KeyboardInterrupt, SystemExit):
        pass


if __name__ == "__main__":
    main()
