"""The RQ worker class every ``manage.py rqworker`` runs (``RQ["WORKER_CLASS"]`` in settings).

RQ forks a work horse per job. The process's compiled rules engine (``core.rules_engine``) takes
a second or two to build; built in a horse it is thrown away with the horse, so a recheck of a
million accounts in a thousand chunk jobs would compile it a thousand times. This worker builds
it in the parent before each fork (a no-op while the rule-set version is unchanged), so every
horse inherits it copy-on-write; the parent then closes its database connections, which a
forked horse must never share."""

from __future__ import annotations

from rq.worker import Worker as RQWorker


class Worker(RQWorker):
    def execute_job(self, job, queue):
        from django.db import connections

        from core import rules_engine

        try:
            rules_engine.get_engine()
        finally:
            connections.close_all()
        return super().execute_job(job, queue)
