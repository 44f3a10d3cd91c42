"""The clock process (`python -m scheduler`): the one APScheduler, running jobs with fixed ids."""
from __future__ import annotations

import logging
from datetime import datetime

from apscheduler.schedulers.blocking import BlockingScheduler

from bot import create_app
from bot.logs import configure
from bot.runtime import freeze_heap
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
    (jobs.vaccine_due_reminders, "cron", {"hour": 10, "minute": 0, "misfire_grace_time": 6 * 3600}),
    (jobs.weekly_recording_summaries, "interval", {"minutes": 30}),
    (jobs.refresh_evaluations, "interval", {"minutes": 10}),
    (jobs.apply_retention, "cron", {"hour": 3, "minute": 15, "misfire_grace_time": 6 * 3600}),
    (jobs.purge_old_media, "cron", {"hour": 3, "minute": 30, "misfire_grace_time": 6 * 3600}),
]


def build(rt) -> BlockingScheduler:
    """A scheduler in the deployment's timezone with every job registered under its own name."""
    sched = BlockingScheduler(timezone=rt.tz)
    for job, trigger, args in SCHEDULE:
        fire = (lambda job=job: job(rt, rt.now()))  # each job reads the clock when it fires
        first = {"next_run_time": datetime.now(rt.tz)} if job is jobs.check_quota else {}  # the real clock
        sched.add_job(fire, trigger, id=job.__name__, name=job.__name__, coalesce=True, max_instances=1,
                      **first, **args)
    return sched


def main() -> None:
    """Start the clock."""
    rt = create_app().extensions["smartkids"]
    configure(rt.cfg, "clock")
    freeze_heap()
    sched = build(rt)
    log.info("clock started with jobs: %s", ", ".join(j.id for j in sched.get_jobs()))
    try:
        sched.start()
    except (KeyboardInterrupt, SystemExit):
        pass


if __name__ == "__main__":
    main()
