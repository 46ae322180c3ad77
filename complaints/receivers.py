"""Receivers of lower apps' signals: a decided review case gives its linked complaints their
feedback (Art 19: 处置、反馈)."""


def on_case_decided(sender, *, case, actor, **kwargs) -> None:
    from complaints.services import complaint_case_decided

    complaint_case_decided(case=case, actor=actor)
