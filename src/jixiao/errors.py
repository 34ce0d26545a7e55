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
