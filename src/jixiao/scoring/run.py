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
from ..store.tables import Filing
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
    (found,) = match_tables(store, [(project, department, key)])
    if isinstance(found, LookupError):
        raise found
    return found


# Returns matched (and their tables read) at a time: one query for the batch, not per return.
MATCH_BATCH = 500

_Key = tuple[str, str | None, TableKey | None]


def match_tables(
    store: Store, keys: Sequence[_Key]
) -> list[tuple[TargetTable, list[Finding]] | LookupError]:
    """:func:`match_table` for a batch of returns' (project, department, key): their
    filings found by one indexed query, then only the matched tables read whole."""
    filings = store.filings((p, d) for p, d, _ in keys)
    chosen: list[tuple[Filing, int] | LookupError] = []
    for project, department, key in keys:
        try:
            chosen.append(_choose(store, filings[(project, department)], project, department, key))
        except LookupError as e:
            chosen.append(e)
    tables = store.tables_by_id(c[0].id for c in chosen if not isinstance(c, LookupError))
    out: list[tuple[TargetTable, list[Finding]] | LookupError] = []
    for c in chosen:
        if isinstance(c, LookupError):
            out.append(c)
            continue
        table, filed = tables[c[0].id], c[1]
        notes = []
        if filed > 1:
            # The same project filed twice by one department: score against the first filing.
            where = table.source.where() if table.source else ""
            notes.append(
                finding(
                    "duplicate-table",
                    "info",
                    f"库中该项目有 {filed} 张目标表，按第一张（{where}）评分",
                )
            )
        out.append((table, notes))
    return out


def _choose(
    store: Store, filings: list[Filing], project: str, department: str | None, key: TableKey | None
) -> tuple[Filing, int]:
    """One return's filing among those of its project (and department), and how many
    filings it was chosen from (1 when the key named it)."""
    if not filings:
        have = [] if department is None else store.departments_of(project)
        if not have:
            raise LookupError(f"库中没有项目“{project}”（先用 jixiao import 导入其绩效目标表）")
        named = "、".join(sorted({d or "（无主管部门）" for d in have}))
        raise LookupError(f"库中项目“{project}”的主管部门是 {named}，不是“{department}”")
    if key is not None and key.file is not None:
        for f in filings:
            if (f.file, f.index) == (key.file, key.index):
                return f, 1
    if len({f.department for f in filings}) > 1:
        raise LookupError(f"项目“{project}”属于多个主管部门，请注明 department")
    return filings[0], len(filings)


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
        for start in range(0, len(items), MATCH_BATCH):
            yield from _matched_batch(items[start : start + MATCH_BATCH], store, run, check)


def _matched_batch(
    items: Sequence[_Return | ReturnError | None],
    store: Store,
    run: EvaluationRun | MonitoringRun,
    check: Callable[[TargetTable, _Return], None] | None,
) -> Iterator[tuple[_Return, TargetTable, list[Finding]]]:
    """One batch of a file's returns matched together, then taken in order."""
    returns = [i for i in items if i is not None and not isinstance(i, ReturnError)]
    matches = iter(match_tables(store, [(r.project, r.department, r.key) for r in returns]))
    for item in items:
        if item is None:
            run.blank += 1
            continue
        if isinstance(item, ReturnError):
            run.problems.append(_problem("return.invalid", item.origin, item.message))
            continue
        try:
            match = next(matches)
            if isinstance(match, LookupError):
                raise match
            table, notes = match
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
