"""The exceptions jixiao raises, in one tree.

    JixiaoError
    ├── InputError            a document that cannot be read into tables
    │   ├── UnreadableFile    cannot be opened or decoded (encoding, corrupt zip, too large)
    │   ├── UnknownLayout     readable, but not a performance-target table document
    │   └── TruncatedTable    a table that stops part-way (no indicators, cut-off row)
    ├── StoreError            the database cannot be opened or written
    ├── OutputError           an output file cannot be written (no such folder, a full disk)
    └── ConfigError           jixiao.toml is wrong

Every error carries where it happened (file, table, line) so the CLI can print
one line a person can act on: ``文件 x.docx 表 3 第 41 行：…``. Problems *in* a
well-read table (scores that do not add up) are findings, never exceptions.
"""

from __future__ import annotations

import errno

# The operating system's reasons, as a person reads them (strerror is English).
_OS_REASONS = {
    errno.ENOENT: "文件或文件夹不存在",
    errno.EACCES: "没有访问权限",
    errno.EPERM: "没有操作权限",
    errno.EISDIR: "这是文件夹，不是文件",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.ENOSPC: "磁盘空间已满",
    errno.ENAMETOOLONG: "路径或文件名过长",
    errno.ELOOP: "符号链接层数过多（可能是循环链接）",
    errno.EIO: "读写出错（磁盘或网络存储故障）",
    errno.EMFILE: "同时打开的文件过多",
    errno.ENOMEM: "内存不足",
}


def os_reason(e: OSError) -> str:
    """An OSError's reason in Chinese; an uncommon one keeps the system's words and code."""
    reason = _OS_REASONS.get(e.errno) if e.errno is not None else None
    if reason is not None:
        return reason
    name = errno.errorcode.get(e.errno, "") if e.errno is not None else ""
    detail = e.strerror or type(e).__name__
    return f"系统错误（{name}：{detail}）" if name else f"系统错误（{detail}）"


class JixiaoError(Exception):
    """Base of every error jixiao raises on purpose."""


class InputError(JixiaoError):
    """A document, or one table in it, that cannot be read."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        table: int | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.table = table  # 0-based index of the table within the file
        self.line = line  # 1-based line (or page, for paged formats)

    def located(self, *, file: str | None = None, table: int | None = None) -> InputError:
        """Fill in location parts that a lower layer did not know."""
        if self.file is None:
            self.file = file
        if self.table is None:
            self.table = table
        return self

    def __str__(self) -> str:
        from .findings import Finding  # one way to say where: Location.where

        return Finding.of_input_error(self).line()


class UnreadableFile(InputError):
    """The file cannot be opened or decoded."""

    @classmethod
    def of_os_error(cls, e: OSError, *, file: str | None) -> UnreadableFile:
        """The one way an OSError becomes a line: ``文件 x.docx：无法打开：没有读取权限``."""
        return cls(f"无法打开：{os_reason(e)}", file=file)


class UnknownLayout(InputError):
    """The file holds no performance-target table in a layout jixiao knows."""


class TruncatedTable(InputError):
    """A table stops part-way: it would be stored half, so it is refused."""


class StoreError(JixiaoError):
    """The database cannot be opened, migrated or written."""


class OutputError(JixiaoError):
    """An output file cannot be written: its folder is missing, it is a folder, the disk
    is full. Nothing is left behind: an output is written whole or not at all."""


class ConfigError(JixiaoError):
    """The configuration file is wrong."""
