"""Running the rules: settings from ``[rules]`` in jixiao.toml, then every enabled rule.

The ``[rules]`` section holds one table per rule code, or per subject to set
every rule of it at once (a rule's own table wins)::

    [rules."funds.balance"]
    severity = "warning"
    tolerance = 0.01

    [rules.arithmetic]        # every arithmetic.* rule
    enabled = false

``[rules.scores.total]`` (TOML nesting) means the same as ``[rules."scores.total"]``.
A code, parameter or severity that does not exist is a :class:`ConfigError`, so a
typo does not switch a rule off silently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError

from ..classify import Classification, classify_table
from ..config import Config
from ..errors import ConfigError
from ..model import TargetTable
from ..scoring.settings import ScoringSettings
from .base import REGISTRY, Context, Finding, Param, Rule, Severity

_SWITCHES = ("enabled", "severity")


@dataclass(frozen=True, slots=True)
class RuleSettings:
    """One rule as configured."""

    rule: Rule
    enabled: bool
    severity: Severity
    params: Mapping[str, Any]


def _flatten(section: Mapping[str, Any], prefix: str = "") -> dict[str, dict[str, Any]]:
    """``{"scores": {"total": {...}}}`` → ``{"scores.total": {...}}``; keeps subject tables."""
    out: dict[str, dict[str, Any]] = {}
    for key, value in section.items():
        path = f"{prefix}{key}"
        if not isinstance(value, dict):
            raise ConfigError(f'[rules] 中的“{path}”应为表，如 [rules."{path}"]')
        own = {k: v for k, v in value.items() if not isinstance(v, dict)}
        nested = {k: v for k, v in value.items() if isinstance(v, dict)}
        if own or path in REGISTRY:
            out[path] = own
        out.update(_flatten(nested, path + "."))
    return out


# A parameter takes the type of its default, validated by pydantic (strict: true is no 1).
_ADAPTERS: dict[type, TypeAdapter[Any]] = {
    bool: TypeAdapter(bool),
    int: TypeAdapter(float),
    float: TypeAdapter(float),
    str: TypeAdapter(str),
    list: TypeAdapter(list[str]),
}


def _coerce(code: str, name: str, param: Param, value: Any) -> Any:
    d = param.default
    try:
        _ADAPTERS[type(d)].validate_python(value, strict=True)
    except ValidationError:
        raise ConfigError(
            f'[rules."{code}"] {name} 应与默认值 {d!r} 同类型，而不是 {value!r}'
        ) from None
    return value


def settings(config: Config | Mapping[str, Any] | None = None) -> list[RuleSettings]:
    """Every registered rule with its configured switch, severity and parameters."""
    section: Mapping[str, Any]
    if config is None:
        section = {}
    elif isinstance(config, Config):
        section = config.section("rules")
    else:
        section = config
    tables = _flatten(section)
    subjects = {r.subject for r in REGISTRY.values()}
    for key in tables:
        if key not in REGISTRY and key not in subjects:
            raise ConfigError(f"[rules] 中没有名为“{key}”的规则或类别")
    out = []
    for code, r in REGISTRY.items():
        merged = {**tables.get(r.subject, {}), **tables.get(code, {})}
        params = {k: p.default for k, p in r.params.items()}
        for k, v in merged.items():
            if k in _SWITCHES:
                continue
            if k not in r.params:
                if k in tables.get(code, {}):
                    raise ConfigError(f"规则 {code} 没有参数“{k}”")
                continue  # a subject-wide parameter that this rule does not take
            params[k] = _coerce(code, k, r.params[k], v)
        enabled = merged.get("enabled", True)
        try:
            _ADAPTERS[bool].validate_python(enabled, strict=True)
        except ValidationError:
            raise ConfigError(f'[rules."{code}"] enabled 应为 true 或 false') from None
        try:
            sev = Severity.parse(str(merged["severity"])) if "severity" in merged else r.severity
        except ValueError as e:
            raise ConfigError(f'[rules."{code}"] {e}') from None
        out.append(RuleSettings(r, enabled, sev, params))
    return out


class Review:
    """审核 as a stream: :meth:`table` reviews one table and returns its findings.

    Tables are reviewed one at a time in the order given; a cross-table rule (duplicate
    filings) keeps a compact key per table and has an earlier table read back through
    ``fetch`` (its reference → the table) when it needs one, so a run over a whole store
    holds one table at a time. The findings of a table are its per-table rules' in rule
    order, then its cross-table rules'.
    """

    def __init__(
        self,
        config: Config | Mapping[str, Any] | None = None,
        fetch: Callable[[Any], TargetTable] | None = None,
    ) -> None:
        configured = [s for s in settings(config) if s.enabled]
        self._levels: list[Classification] | None = None
        self._of: TargetTable | None = None
        self._rescored: tuple[TargetTable, Any] | None = None
        # A bare mapping is the [rules] section alone; only a whole file has [scoring].
        scoring = ScoringSettings.from_config(config) if isinstance(config, Config) else None
        self._scoring = scoring
        self._contexts = [
            (s, Context(s.rule, s.severity, s.params, self._classify, scoring=scoring,
                        fetch=fetch, rescore=self._rescore))
            for s in configured
        ]  # fmt: skip

    def _classify(self, t: TargetTable) -> list[Classification]:
        """The table's classification, shared by every rule that asks for it."""
        if self._of is not t or self._levels is None:
            self._of, self._levels = t, classify_table(t)
        return self._levels

    def _rescore(self, t: TargetTable) -> Any:
        """The table's published self-evaluation re-scored once for all its rules."""
        if self._rescored is None or self._rescored[0] is not t:
            from ..scoring.published import compare

            self._rescored = (t, compare(t, self._scoring))
        return self._rescored[1]

    def table(self, t: TargetTable, ref: Any = None) -> list[Finding]:
        """The findings on one table; ``ref`` is how ``fetch`` reads it back later."""
        out: list[Finding] = []
        for s, ctx in self._contexts:
            if s.rule.check is not None:
                out.extend(s.rule.check(t, ctx))
        for s, ctx in self._contexts:
            if s.rule.cross is not None:
                out.extend(s.rule.cross(t, ref, ctx))
        # Per-table memory ends with the table (an object's id may be reused by the next).
        for _, ctx in self._contexts:
            ctx.inferred.clear()
        self._of = self._levels = None
        self._rescored = None
        return out


def check(
    tables: Iterable[TargetTable], config: Config | Mapping[str, Any] | None = None
) -> list[Finding]:
    """审核: run every enabled rule over the tables; findings in table order, then rule order."""
    table_list = list(tables)
    review = Review(config, fetch=table_list.__getitem__)
    return [f for n, t in enumerate(table_list) for f in review.table(t, n)]
