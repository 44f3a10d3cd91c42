"""The clock process (`python -m scheduler`): the one APScheduler, running jobs with fixed ids."""
from __future__ import annotations

import logging

from apscheduler.schedulers.blocking import BlockingScheduler

from bot import create_app
from scheduler import jobs

log = logging.getLogger("scheduler")


SCHEDULE = [  # (job, trigger, trigger arguments); every job is a plain function of (rt, now)
    (jobs.sweep_outbox, "interval", {"minutes": 1}),
    (jobs.safety_checks, "interval", {"minutes": 1}),
    (jobs.answer_stale_photo_sets, "interval", {"minutes": 1}),
    (jobs.parent_rollups, "interval", {"minutes": 5}),
    (jobs.teacher_reminders, "interval", {"minutes": 5}),
    (jobs.daily_digests, "interval", {"minutes": 5}),
    (jobs.check_quota, "interval", {"minutes": 15}),
    (jobs.apply_retention, "cron", {"hour": 3, "minute": 15, "misfire_grace_time": 6 * 3600}),
    (jobs.purge_old_media, "cron", {"hour": 3, "minute": 30, "misfire_grace_time": 6 * 3600}),
]


def build(rt) -> BlockingScheduler:
    """A scheduler in the deployment's timezone with every job registered under its own name."""
    sched = BlockingScheduler(timezone=rt.tz)
    for job, trigger, args in SCHEDULE:
        fire = (lambda job=job: job(rt, rt.now()))  # each job reads the clock when it fires
        first = {"next_run_time": rt.now()} if job is jobs.check_quota else {}
        sched.add_job(fire, trigger, id=job.__name__, name=job.__name__, coalesce=True, max_instances=1,
                      **first, **args)
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
