"""The section builders of each report kind, in the order the sections appear.

A builder is ``fn(report) -> iterable of Section``; each reads the apps below ``reports`` for the
report's period. An app's figures join a report as one more module here, added to its list.
"""

from __future__ import annotations

from reports.choices import ReportKind
from reports.sections import (
    appeals,
    complaints,
    incident,
    inspection,
    measures,
    pauses,
    rechecks,
    staff,
    submissions,
    summary,
)

PERIODIC = [summary.periodic, submissions.periodic, measures.periodic, appeals.periodic, rechecks.periodic,
            complaints.periodic, pauses.periodic, staff.periodic]
INCIDENT = [incident.measures, incident.identities, incident.snapshots, incident.findings]
INSPECTION = [inspection.records]

BUILDERS = {ReportKind.PERIODIC: PERIODIC, ReportKind.INCIDENT: INCIDENT, ReportKind.INSPECTION: INSPECTION}


def sections_for(report):
    for builder in BUILDERS[report.kind]:
        yield from builder(report)
