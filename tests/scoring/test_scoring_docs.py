"""Every [scoring] and [monitoring] setting is documented, and the documented defaults parse."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from jixiao.config import Config
from jixiao.scoring import MonitoringSettings, ScoringSettings

DOC = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


def _scoring_part() -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("## Scoring")
    nxt = text.find("\n## ", start + 1)
    return text[start : nxt if nxt != -1 else len(text)]


def test_every_setting_documented() -> None:
    part = _scoring_part()
    for name in ScoringSettings.model_fields:
        assert f"`scoring.{name}`" in part, name
    for name in ("red_below", "green_from", "fail_on"):
        assert f"`monitoring.{name}`" in part, name


def test_documented_example_is_the_default() -> None:
    block = re.search(r"```toml\n(.*?)```", _scoring_part(), re.S)
    assert block is not None
    cfg = Config(tomllib.loads(block.group(1)), "docs")
    assert ScoringSettings.from_config(cfg) == ScoringSettings()
    assert MonitoringSettings.from_config(cfg) == MonitoringSettings()


def test_bad_settings_are_errors() -> None:
    import pytest

    from jixiao.errors import ConfigError

    for bad in ({"cap": True}, {"caps": "yes"}, {"budget": "final"},
                {"tiers": [60, 80]}, {"cap_bands": [{"from": 80, "to": 70, "cap": 1}]},
                {"over_achievement_deduction": 2}):  # fmt: skip
        with pytest.raises(ConfigError):
            ScoringSettings.from_config(bad)
    with pytest.raises(ConfigError):
        MonitoringSettings.from_config({"red_below": 90, "green_from": 80})
