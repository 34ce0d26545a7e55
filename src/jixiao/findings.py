"""Findings (审核意见 / 发现), for every part of jixiao: review, scoring, import.

One :class:`Finding` — a stable code, a :class:`Severity`, a :class:`Location`, the
project and a message a reviewer understands — and one JSON shape
(:meth:`Finding.to_json`) wherever findings leave the library. They stay objects
until a face (command line, web, API) turns them into text.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import total_ordering
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .errors import InputError

# Why a document or table was refused, by the error's class (errors.py).
_INPUT_CODES = {
    "UnreadableFile": "import.unreadable",
    "UnknownLayout": "import.unknown_layout",
    "TruncatedTable": "import.truncated",
}


@total_ordering
class Severity(enum.Enum):
    """严重程度: error (must be corrected) > warning (should be looked at) > info."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @property
    def label(self) -> str:
        """The word a Chinese reviewer reads: 错误 / 警告 / 提示."""
        return _LABEL[self]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank < other.rank

    @classmethod
    def parse(cls, text: str | Severity) -> Severity:
        """``"warning"`` → WARNING; raises ValueError for anything else."""
        if isinstance(text, Severity):
            return text
        try:
            return cls(text.strip().lower())
        except ValueError:
            raise ValueError(f"未知的严重程度“{text}”（应为 error / warning / info）") from None


_RANK = {Severity.INFO: 1, Severity.WARNING: 2, Severity.ERROR: 3}
_LABEL = {Severity.INFO: "提示", Severity.WARNING: "警告", Severity.ERROR: "错误"}


@dataclass(frozen=True, slots=True)
class Location:
    """位置: where a finding is — a document (file, table, sheet, page, line), a field of
    the interchange form (``funds.total``, ``indicators[2].operator``), an indicator."""

    file: str | None = None
    table: int | None = None  # 0-based index of the table in its file
    sheet: str | None = None
    page: int | None = None
    line: int | None = None
    field: str | None = None
    indicator: str | None = None  # the indicator's name, where a finding concerns one

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "table": self.table,
            "sheet": self.sheet,
            "page": self.page,
            "line": self.line,
            "field": self.field,
            "indicator": self.indicator,
        }

    def where(self) -> str:
        """A place a person can find: ``文件 x.docx 表 3 第 41 行``."""
        parts = []
        if self.file is not None:
            parts.append(f"文件 {self.file}")
        if self.sheet is not None:
            parts.append(f"表 “{self.sheet}”")
        if self.table is not None:
            parts.append(f"表 {self.table + 1}")
        if self.page is not None:
            parts.append(f"第 {self.page} 页")
        if self.line is not None:
            parts.append(f"第 {self.line} 行")
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class Finding:
    """审核意见: one problem found, with where it is and what a reviewer should know."""

    code: str
    severity: Severity
    location: Location
    project: str | None
    message: str

    @property
    def field(self) -> str | None:
        return self.location.field

    @property
    def indicator(self) -> str | None:
        return self.location.indicator

    @property
    def source(self) -> dict[str, Any] | None:
        """The table a finding is about, as ``{"file", "index"}`` (None when it has none)."""
        loc = self.location
        if loc.file is None and loc.table is None:
            return None
        return {"file": loc.file, "index": loc.table}

    def line(self) -> str:
        """The finding as one line a person can act on: ``文件 x.docx 表 3 第 41 行：…``."""
        where = self.location.where()
        return f"{where}：{self.message}" if where else self.message

    @classmethod
    def of_input_error(cls, e: InputError) -> Finding:
        """A document (or one table of it) that could not be read, as a finding."""
        return cls(
            _INPUT_CODES.get(type(e).__name__, "import.unreadable"),
            Severity.ERROR,
            Location(file=e.file, table=e.table, line=e.line),
            None,
            e.message,
        )

    @classmethod
    def from_json(cls, data: dict[str, Any] | str) -> Finding:
        """A finding read back from its JSON shape (a bare string: an older store's line)."""
        if isinstance(data, str):
            return cls("import.problem", Severity.ERROR, Location(), None, data)
        return cls(
            str(data["code"]),
            Severity.parse(str(data["severity"])),
            Location(**(data.get("location") or {})),
            data.get("project"),
            str(data["message"]),
        )

    def to_json(self) -> dict[str, Any]:
        """The one JSON shape of a finding, wherever it leaves the library."""
        return {
            "code": self.code,
            "severity": self.severity.value,
            "project": self.project,
            "location": self.location.to_json(),
            "message": self.message,
        }
