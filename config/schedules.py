"""Every scheduled job, read by ``manage.py rqcron config.schedules`` (run exactly one rqcron).

Cron expressions are evaluated in UTC: 00:05 Beijing time is ``5 16 * * *``.
"""

from rq.cron import register

from core.jobs import run_job

register(run_job, queue_name="low", args=("accounts.jobs.expire_qualifications",), cron="5 16 * * *",
         name="expire_qualifications")
register(run_job, queue_name="default", args=("moderation.jobs.sweep",), interval=300, name="moderation_sweep")
register(run_job, queue_name="default", args=("complaints.jobs.sweep_deadlines",), cron="*/15 * * * *",
         name="complaints_sweep_deadlines")
# The webhook safety net: RQ registry maintenance, and retries whose booked job never ran (each
# retry is otherwise its own job booked with enqueue_in at the documented time).
register(run_job, queue_name="default", args=("core.webhooks.jobs.sweep",), interval=300, name="webhooks_sweep")
# Dashboard charts of the default 30 days recomputed every minute for each staff role (docs/dashboard.md).
register(run_job, queue_name="low", args=("core.charts.warm_dashboard",), interval=60, name="warm_dashboard")
register(run_job, queue_name="low", args=("reports.jobs.expire_exports",), cron="17 * * * *", name="expire_exports")
register(run_job, queue_name="low", args=("complaints.jobs.purge_expired_captchas",), cron="17 * * * *",
         name="complaints_purge_expired_captchas")
# Credit recovery for clean periods (Art 18), 02:30 Beijing time.
register(run_job, queue_name="low", args=("moderation.jobs.credit_recover",), cron="30 18 * * *",
         name="credit_recover")
# Jobs Redis could not take when they were made (core.PendingJob) go to RQ; fallback rate counters expire.
register(run_job, queue_name="high", args=("core.jobs.sweep_pending",), interval=60, name="pending_jobs_sweep")
# Art 15 动态核验: the nightly rolling recheck (02:30 Beijing; every account once per cycle, oldest
# checked first) and its sweep (stalled chunks queued again, overdue corrections → close proposed).
register(run_job, queue_name="low", args=("rechecks.jobs.nightly",), cron="30 18 * * *", name="recheck_nightly")
register(run_job, queue_name="default", args=("rechecks.jobs.sweep",), interval=120, name="recheck_sweep")
# Signed audit lane heads (core/audit_checkpoints.py): truncation since the last one is detected.
register(run_job, queue_name="low", args=("core.audit_checkpoints.write_checkpoint",), cron="*/10 * * * *",
         name="audit_checkpoint")
