"""Scoring: the year-end self-evaluation (绩效自评) and in-year monitoring (运行监控).

``formulas`` holds one pure function per rule of ``spec/evaluation.md`` §3–4;
``selfeval`` and ``monitoring`` apply them to one project and return data with
findings; ``workbooks`` reads the filled workbooks back, ``run`` matches returns to stored
tables and scores a batch. Nothing here prints or writes a file: the workbooks
departments fill and the scored report are outputs, in ``exports/templates.py`` and
``exports/evaluations.py``.
"""

from __future__ import annotations

from ..findings import Finding
from .monitoring import MonitoringReport, monitor
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
]
