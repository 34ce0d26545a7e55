"""Scoring: the year-end self-evaluation (绩效自评) and in-year monitoring (运行监控).

``formulas`` holds one pure function per rule of ``spec/evaluation.md`` §3–4;
``selfeval`` and ``monitoring`` apply them to one project and return data with
findings; ``templates`` writes the workbooks departments fill, ``workbooks`` reads
them back, ``run`` matches returns to stored tables and scores a batch, ``report``
writes the scored workbook. Nothing here prints.
"""

from __future__ import annotations

from ..findings import Finding
from .monitoring import MonitoringReport, monitor
from .report import summarize, write_evaluations_xlsx
from .returns import (
    Actual,
    MonitoringReturn,
    Origin,
    Progress,
    ReturnError,
    SelfEvaluationReturn,
    TableKey,
)
from .run import EvaluationRun, MonitoringRun, Scored, evaluate_files, match_table, monitor_files
from .selfeval import Evaluation, ExecutionResult, IndicatorResult, score
from .settings import MonitoringSettings, ScoringSettings
from .templates import write_monitor_template, write_selfeval_template

__all__ = [
    "Actual",
    "Evaluation",
    "EvaluationRun",
    "ExecutionResult",
    "Finding",
    "IndicatorResult",
    "MonitoringReport",
    "MonitoringReturn",
    "MonitoringRun",
    "MonitoringSettings",
    "Origin",
    "Progress",
    "ReturnError",
    "Scored",
    "ScoringSettings",
    "SelfEvaluationReturn",
    "TableKey",
    "evaluate_files",
    "match_table",
    "monitor",
    "monitor_files",
    "score",
    "summarize",
    "write_evaluations_xlsx",
    "write_monitor_template",
    "write_selfeval_template",
]
