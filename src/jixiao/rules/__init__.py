"""Review (审核): the checks a finance-bureau reviewer applies to a target table.

Each check is one function in a module per subject (scores, funds, completeness,
values, direction, coverage, time, cost, arithmetic, contact, duplicates,
published self-evaluations),
registered with a stable dotted code, a default severity and its basis in
spec evaluation.md §2. :func:`check` runs them; :func:`catalogue_markdown`
writes ``docs/rules.md`` from the registry.
"""

from __future__ import annotations

from ..findings import Finding, Location, Severity
from . import (  # noqa: F401  (importing a module registers its rules)
    arithmetic,
    completeness,
    contact,
    cost,
    coverage,
    direction,
    duplicates,
    funds,
    published,
    scores,
    time,
    values,
)
from .base import REGISTRY, Context, Rule, cross_rule, rule
from .engine import Review, RuleSettings, check, settings


def _md_value(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return "[" + ", ".join(f'"{x}"' for x in v) + "]"
    return f"`{v}`"


def catalogue_markdown() -> str:
    """The rules catalogue (``docs/rules.md``), generated from the registry."""
    lines = [
        "# Review rules (审核规则)",
        "",
        "Generated from the rule registry by `jixiao.rules.catalogue_markdown()`; do not edit",
        "by hand (`python -m jixiao.rules > docs/rules.md`). Every rule can be switched off,",
        "given another severity or other parameters in `jixiao.toml` (see",
        "[configuration](configuration.md)).",
        "",
        "| code | severity | basis |",
        "| --- | --- | --- |",
    ]
    rules = sorted(REGISTRY.values(), key=lambda r: r.code)
    for r in rules:
        lines.append(
            f"| [`{r.code}`](#{r.code.replace('.', '')}) | {r.severity.value} | {r.basis} |"
        )
    for r in rules:
        lines += [
            "",
            f"## {r.code}",
            "",
            f"Default severity: **{r.severity.value}**"
            + (" (checks all tables together)" if r.cross else ""),
            "",
            f"Basis: {r.basis}",
            "",
            r.doc,
        ]
        if r.params:
            lines += ["", "| parameter | default | meaning |", "| --- | --- | --- |"]
            lines += [f"| `{k}` | {_md_value(p.default)} | {p.doc} |" for k, p in r.params.items()]
    return "\n".join(lines) + "\n"


__all__ = [
    "REGISTRY",
    "Review",
    "Context",
    "Finding",
    "Location",
    "Rule",
    "RuleSettings",
    "Severity",
    "catalogue_markdown",
    "check",
    "cross_rule",
    "rule",
    "settings",
]
