"""The submissions list (Art 10): every registration and change the platform sent, including
those refused outright that open no case — filterable and exportable."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from core.views_generic import ObjectListView
from moderation import selectors
from moderation.filtersets import SubmissionFilterSet
from moderation.tables import SubmissionTable


class SubmissionListView(ObjectListView):
    permission_required = "moderation.view_submission"
    selector = staticmethod(selectors.submission_list)
    filterset_class = SubmissionFilterSet
    table_class = SubmissionTable
    title = gettext_lazy("注册与变更提交")
    export_key = "moderation.submissions"
