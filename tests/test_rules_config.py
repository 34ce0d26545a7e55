"""[rules] in jixiao.toml: severities, switches and parameters; typos are errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.config import load_config
from jixiao.errors import ConfigError
from jixiao.model import Contact, Funds
from jixiao.rules import Severity, catalogue_markdown, check
from review_support import make_table

ROOT = Path(__file__).resolve().parent.parent
BAD = make_table(funds=Funds(total=10.005, district=10), contact=Contact(name="张三"))


def test_severity_switch_and_parameter(tmp_path: Path) -> None:
    assert [(f.code, f.severity) for f in check([BAD])] == [
        ("completeness.contact", Severity.ERROR)
    ]
    cfg = tmp_path / "jixiao.toml"
    cfg.write_text(
        '[rules."funds.balance"]\nseverity = "warning"\ntolerance = 0.001\n'
        "[rules.completeness]\nenabled = false\n",
        encoding="utf-8",
    )
    found = check([BAD], load_config(str(cfg)))
    assert [(f.code, f.severity) for f in found] == [("funds.balance", Severity.WARNING)]


def test_nested_tables_mean_the_same() -> None:
    found = check([BAD], {"completeness": {"contact": {"enabled": False}}})
    assert found == []


@pytest.mark.parametrize(
    "section,word",
    [
        ({"funds.balanse": {"enabled": False}}, "funds.balanse"),
        ({"funds.balance": {"tolerence": 1}}, "tolerence"),
        ({"funds.balance": {"tolerance": "big"}}, "tolerance"),
        ({"funds.balance": {"severity": "fatal"}}, "fatal"),
        ({"funds.balance": {"enabled": "no"}}, "enabled"),
    ],
)
def test_mistakes_are_config_errors(section: dict[str, object], word: str) -> None:
    with pytest.raises(ConfigError, match=word):
        check([BAD], section)


def test_rules_catalogue_is_current() -> None:
    """docs/rules.md is generated: python -m jixiao.rules > docs/rules.md"""
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == catalogue_markdown()


def test_configuration_doc_names_every_rule_parameter() -> None:
    from jixiao.rules import REGISTRY

    doc = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    for r in REGISTRY.values():
        for p in r.params:
            assert f"`{p}`" in doc, (r.code, p)
    assert "[rules." in doc and "enabled" in doc and "severity" in doc
