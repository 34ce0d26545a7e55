"""Files → returns → matched tables → scores (→ store), in one readable function each.

:func:`evaluate_files` reads self-evaluation returns, matches each to its stored target
table by department and project (the template's key first), scores it and stores the
result, replacing the project's previous evaluation. :func:`monitor_files` does the
same for monitoring returns without storing. A batch goes on past a bad file, sheet or
project: each is one line in ``problems``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from ..errors import InputError
from ..findings import Finding, Location, Severity
from ..model import TargetTable
from ..store import Store
from .monitoring import MonitoringReport, monitor
from .returns import MonitoringReturn, Origin, ReturnError, SelfEvaluationReturn, TableKey
from .selfeval import Evaluation, finding, is_qualitative, score
from .settings import MonitoringSettings, ScoringSettings
from .workbooks import read_monitoring, read_selfeval


@dataclass(slots=True)
class Scored:
    """One return scored: the stored table, what the department sent, and the result."""

    table: TargetTable
    ret: SelfEvaluationReturn
    evaluation: Evaluation


@dataclass(slots=True)
class EvaluationRun:
    """评价批次: every project scored, and every file, sheet or project that could not be."""

    scored: list[Scored] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)  # returns not read or matched
    blank: int = 0  # sheets nobody filled in (a district template holds every department's)

    @property
    def evaluations(self) -> list[Evaluation]:
        return [s.evaluation for s in self.scored]


@dataclass(slots=True)
class MonitoringRun:
    """监控批次: every project watched, and every line that could not be read or matched."""

    reports: list[MonitoringReport] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)
    blank: int = 0


def _problem(code: str, origin: Origin, message: str) -> Finding:
    """A return that could not be scored, where it was read."""
    where = Location(file=origin.file, sheet=origin.sheet, line=origin.row)
    return Finding(code, Severity.ERROR, where, None, message)


def match_table(
    store: Store, project: str, department: str | None, key: TableKey | None = None
) -> tuple[TargetTable, list[Finding]]:
    """The stored table a return belongs to: by the template key's source where it still
    exists, else by department and project. Raises :class:`LookupError` with a message."""
    tables = list(store.tables(project=project, exact=True))
    if not tables:
        raise LookupError(f"库中没有项目“{project}”（先用 jixiao import 导入其绩效目标表）")
    if department is not None:
        same = [t for t in tables if (t.department or "") == department]
        if not same:
            have = "、".join(sorted({t.department or "（无主管部门）" for t in tables}))
            raise LookupError(f"库中项目“{project}”的主管部门是 {have}，不是“{department}”")
        tables = same
    if key is not None and key.file is not None:
        for t in tables:
            if t.source is not None and (t.source.file, t.source.index) == (key.file, key.index):
                return t, []
    if len({t.department for t in tables}) > 1:
        raise LookupError(f"项目“{project}”属于多个主管部门，请注明 department")
    notes = []
    if len(tables) > 1:
        # The same project filed twice by one department: score against the first filing.
        notes.append(
            finding(
                "duplicate-table",
                "info",
                f"库中该项目有 {len(tables)} 张目标表，按第一张（"
                f"{tables[0].source.where() if tables[0].source else ''}）评分",
            )
        )
    return tables[0], notes


def _check_numbers(table: TargetTable, ret: SelfEvaluationReturn) -> None:
    # JSON cannot say which actuals must be numbers until the table is known: a text in a
    # quantitative row is bad input, one line, like a text in the workbook's 实际完成值.
    names = {i.name.strip(): i for i in table.indicators}
    for a in ret.actuals:
        ind = names.get(a.indicator)
        if ind is not None and not is_qualitative(ind) and a.actual is None and a.actual_text:
            raise ReturnError(
                f"指标“{a.indicator}”的实际完成值“{a.actual_text}”不是数字", ret.origin.at(a.row)
            )


_Return = TypeVar("_Return", SelfEvaluationReturn, MonitoringReturn)


def _matched(
    paths: Iterable[str],
    read: Callable[[str], Sequence[_Return | ReturnError | None]],
    store: Store,
    run: EvaluationRun | MonitoringRun,
    check: Callable[[TargetTable, _Return], None] | None = None,
) -> Iterator[tuple[_Return, TargetTable, list[Finding]]]:
    """Each return of the files with its stored table; what cannot be read or matched
    goes to ``run.problems`` (blank sheets to ``run.blank``) and the batch goes on."""
    for path in paths:
        try:
            items = read(path)
        except InputError as e:
            run.problems.append(Finding.of_input_error(e.located(file=os.path.basename(path))))
            continue
        for item in items:
            if item is None:
                run.blank += 1
                continue
            if isinstance(item, ReturnError):
                run.problems.append(_problem("return.invalid", item.origin, item.message))
                continue
            try:
                table, notes = match_table(store, item.project, item.department, item.key)
                if check is not None:
                    check(table, item)
            except LookupError as e:
                run.problems.append(_problem("return.unmatched", item.origin, str(e).strip("'\"")))
                continue
            except ReturnError as e:
                run.problems.append(_problem("return.invalid", e.origin, e.message))
                continue
            yield item, table, notes


def evaluate_files(
    paths: Iterable[str], store: Store, settings: ScoringSettings | None = None
) -> EvaluationRun:
    """Score every return in the files against the stored tables (see the module docstring).

    Nothing is saved here: storing the results is the service's part.
    """
    s = settings or ScoringSettings()
    run = EvaluationRun()
    for item, table, notes in _matched(paths, read_selfeval, store, run, _check_numbers):
        ev = score(table, item, s)
        ev.findings[:0] = notes
        run.scored.append(Scored(table, item, ev))
    return run


def monitor_files(
    paths: Iterable[str], store: Store, settings: MonitoringSettings | None = None
) -> MonitoringRun:
    """Traffic lights for every monitoring return in the files."""
    s = settings or MonitoringSettings()
    run = MonitoringRun()
    for item, table, notes in _matched(paths, read_monitoring, store, run):
        rep = monitor(table, item, s)
        rep.findings[:0] = notes
        run.reports.append(rep)
    return run
