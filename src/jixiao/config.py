"""Settings from ``jixiao.toml``: thresholds, severities, rules switched off, scoring caps.

The file is found at ``--config PATH``, else ``$JIXIAO_CONFIG``, else ``./jixiao.toml``;
without one, every default of ``spec/evaluation.md`` holds. Each subsystem owns
its own top-level table (``[rules]``, ``[scoring]``, ``[monitoring]``) and reads
it through :meth:`Config.section`; this module only finds and parses the file.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from typing import Any

from .errors import ConfigError, os_reason

DEFAULT_FILE = "jixiao.toml"


@dataclass(frozen=True, slots=True)
class Config:
    """配置: the parsed file, and where it came from (None for built-in defaults)."""

    data: dict[str, Any] = field(default_factory=dict)
    path: str | None = None

    def section(self, name: str) -> dict[str, Any]:
        value = self.data.get(name, {})
        if not isinstance(value, dict):
            raise ConfigError(f"{self.path}：[{name}] 应为表（table）")
        return value


def load_config(path: str | None = None) -> Config:
    """Read the configuration; a named file that is missing or malformed is an error."""
    explicit = path or os.environ.get("JIXIAO_CONFIG")
    candidate = explicit or DEFAULT_FILE
    if not os.path.exists(candidate):
        if explicit:
            raise ConfigError(f"找不到配置文件 {candidate}")
        return Config()
    try:
        with open(candidate, "rb") as f:
            return Config(tomllib.load(f), candidate)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"配置文件 {candidate} 格式错误：{e}") from None
    except OSError as e:
        raise ConfigError(f"无法读取配置文件 {candidate}：{os_reason(e)}") from None
