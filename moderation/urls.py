from django.urls import path

from moderation.views import cases, controls, credit, measures, submissions

app_name = "moderation"

urlpatterns = [
    path("cases/", cases.CaseListView.as_view(), name="case_list"),
    path("cases/mine/", cases.MyCaseListView.as_view(), name="my_cases"),
    path("cases/claim-next/", cases.case_claim_next, name="case_claim_next"),
    path("cases/bulk/", cases.case_bulk, name="case_bulk"),
    path("cases/new-count/", cases.case_new_count, name="case_new_count"),
    path("cases/views/", cases.saved_view_save, name="saved_view_save"),
    path("cases/views/<int:pk>/delete/", cases.saved_view_delete, name="saved_view_delete"),
    path("cases/<int:pk>/", cases.case_detail, name="case_detail"),
    path("cases/<int:pk>/decide/", cases.case_decide, name="case_decide"),
    path("cases/<int:pk>/claim/", cases.case_claim, name="case_claim"),
    path("cases/<int:pk>/undo/", cases.case_undo, name="case_undo"),
    path("cases/<int:pk>/reopen/", cases.case_reopen, name="case_reopen"),
    path("cases/<int:pk>/release/", cases.case_release, name="case_release"),
    path("cases/<int:pk>/reassign/", cases.case_reassign, name="case_reassign"),
    path("cases/<int:pk>/notes/", cases.case_note, name="case_note"),
    path("cases/<int:pk>/image/<str:which>/<str:side>/", cases.case_image, name="case_image"),
    path("submissions/", submissions.SubmissionListView.as_view(), name="submission_list"),
    path("submissions/<int:pk>/", submissions.submission_detail, name="submission_detail"),
    path("submissions/<int:pk>/overturn/", submissions.submission_overturn, name="submission_overturn"),
    path("measures/", measures.MeasureListView.as_view(), name="measure_list"),
    path("measures/pending/", measures.measures_pending, name="measures_pending"),
    path("measures/<int:pk>/approve/", measures.measure_approve, name="measure_approve"),
    path("measures/<int:pk>/refuse/", measures.measure_refuse, name="measure_refuse"),
    path("measures/<int:pk>/lift/", measures.measure_lift, name="measure_lift"),
    path("accounts/<str:uid>/measures/new/", measures.measure_apply, name="measure_apply"),
    path("pauses/", controls.pause_list, name="pause_list"),
    path("pauses/<int:pk>/lift/", controls.pause_lift, name="pause_lift"),
    path("rules/", controls.RuleTermListView.as_view(), name="rule_list"),
    path("rules/new/", controls.rule_new, name="rule_new"),
    path("rules/try/", controls.rule_try, name="rule_try"),
    path("rules/lexicon/", controls.lexicon, name="lexicon"),
    path("rules/<int:pk>/edit/", controls.rule_edit, name="rule_edit"),
    path("rules/<int:pk>/toggle/", controls.rule_toggle, name="rule_toggle"),
    path("rules/reasons/", controls.reason_list, name="reason_list"),
    path("rules/reasons/new/", controls.reason_new, name="reason_new"),
    path("rules/reasons/<int:pk>/edit/", controls.reason_edit, name="reason_edit"),
    path("credit/policy/", credit.credit_policy_page, name="credit_policy"),
    path("credit/policy/publish/", credit.credit_policy_publish_view, name="credit_policy_publish"),
    # public (no login; /moderation/public/ is in settings.PUBLIC_PATH_PREFIXES)
    path("public/credit-policy/", credit.credit_policy_public, name="credit_policy_public"),
]
