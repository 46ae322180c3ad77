"""Words for the reports app's audit events (the codes stay the stable keys in records)."""

from django.utils.translation import gettext_lazy as _

EVENT_LABELS = {
    "export.created": _("导出列表"),
    "export.completed": _("导出文件生成完成"),
    "export.failed": _("导出失败"),
    "export.downloaded": _("下载导出文件"),
    "export.expired": _("导出文件过期删除"),
    "report.created": _("创建监管报告"),
    "report.generated": _("监管报告数据生成"),
    "report.generation_failed": _("监管报告生成失败"),
    "report.regenerated": _("重新生成监管报告"),
    "report.edited": _("修改监管报告"),
    "report.approval_requested": _("提请批准监管报告"),
    "report.returned": _("退回监管报告"),
    "report.approved": _("批准监管报告"),
    "report.files_stored": _("保存监管报告文件"),
    "report.submitted": _("登记监管报告已报送"),
    "report.downloaded": _("下载监管报告"),
}

EVENT_GROUPS = {"export.": _("导出"), "report.": _("监管报告")}
