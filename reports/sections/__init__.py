"""The section builders of each report kind, in the order the sections appear.

A builder is ``fn(report) -> iterable of Section``; each reads the apps below ``reports`` for the
report's period. When the rechecks (issue 12) and appeals (issue 15) apps land, their figures
join the periodic report as one more module here (``rechecks.periodic``, ``appeals.periodic``)
added to ``PERIODIC`` — nothing else changes.
"""

from __future__ import annotations

from reports.choices import ReportKind
from reports.sections import complaints, incident, inspection, measures, pauses, staff, submissions, summary

PERIODIC = [summary.periodic, submissions.periodic, measures.periodic, complaints.periodic, pauses.periodic,
            staff.periodic]
INCIDENT = [incident.measures, incident.identities, incident.snapshots, incident.findings]
INSPECTION = [inspection.records]

BUILDERS = {ReportKind.PERIODIC: PERIODIC, ReportKind.INCIDENT: INCIDENT, ReportKind.INSPECTION: INSPECTION}


def sections_for(report):
    for builder in BUILDERS[report.kind]:
        yield from builder(report)
