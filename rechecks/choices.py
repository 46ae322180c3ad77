"""Statuses of recheck runs, chunks, results and correction deadlines (Art 15)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    RUNNING = "running", _("运行中")
    PAUSED = "paused", _("已暂停")
    CANCELLED = "cancelled", _("已取消")
    FINISHED = "finished", _("已完成")
    FAILED = "failed", _("失败")


ACTIVE_RUN_STATUSES = (RunStatus.RUNNING, RunStatus.PAUSED)

RUN_TRANSITIONS = {
    RunStatus.RUNNING: {RunStatus.PAUSED, RunStatus.CANCELLED, RunStatus.FINISHED, RunStatus.FAILED},
    RunStatus.PAUSED: {RunStatus.RUNNING, RunStatus.CANCELLED},
    RunStatus.CANCELLED: set(),
    RunStatus.FINISHED: set(),
    RunStatus.FAILED: set(),
}


class ChunkStatus(models.TextChoices):
    PENDING = "pending", _("待排队")
    QUEUED = "queued", _("已排队")
    RUNNING = "running", _("处理中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")
    CANCELLED = "cancelled", _("已取消")


class Outcome(models.TextChoices):
    FLAGGED = "flagged", _("发现问题")
    ERROR = "error", _("无法核验")


class CorrectionState(models.TextChoices):
    OPEN = "open", _("待改正")
    CORRECTED = "corrected", _("已改正，暂停已解除")
    OVERDUE = "overdue", _("逾期未改正，已提请关闭")
    ENDED = "ended", _("已结束")
