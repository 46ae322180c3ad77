from core.errors import ServiceError


class ModerationError(ServiceError):
    """A refused moderation action (illegal transition, missing permission, four-eyes rule…)."""
