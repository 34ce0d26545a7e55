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

from collections.abc import Iterable, Mapping
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


def check(
    tables: Iterable[TargetTable], config: Config | Mapping[str, Any] | None = None
) -> list[Finding]:
    """审核: run every enabled rule over the tables; findings in table order, then rule order."""
    table_list = list(tables)
    configured = [s for s in settings(config) if s.enabled]
    cache: dict[int, list[Classification]] = {}

    def classify(t: TargetTable) -> list[Classification]:
        got = cache.get(id(t))
        if got is None:
            got = cache[id(t)] = classify_table(t)
        return got

    # A bare mapping is the [rules] section alone; only a whole file has [scoring].
    scoring = ScoringSettings.from_config(config) if isinstance(config, Config) else None
    contexts = [
        (s, Context(s.rule, s.severity, s.params, classify, scoring=scoring)) for s in configured
    ]
    per_table: list[list[Finding]] = [[] for _ in table_list]
    for n, t in enumerate(table_list):
        out = per_table[n]
        for s, ctx in contexts:
            if s.rule.check is not None:
                out.extend(s.rule.check(t, ctx))
    by_source = {(t.source.file, t.source.index): n for n, t in enumerate(table_list) if t.source}
    for s, ctx in contexts:
        if s.rule.cross is None:
            continue
        for f in s.rule.cross(table_list, ctx):
            src = f.source
            at = by_source.get((src["file"], src["index"])) if src else None
            if at is None:  # a table built in memory: the last one of that name
                at = max(n for n, t in enumerate(table_list) if t.project == f.project)
            per_table[at].append(f)
    return [f for fs in per_table for f in fs]
