"""Reader for text extracted from published PDFs: one table row a line, cells split by tabs.

This is the layout of the seed documents. A line with a tab is a table row; a
line without one is a paragraph (a title, ``单位：万元``, ``联系人：…``). Consecutive
rows make one grid; blank lines do not end a grid, a paragraph does. Text
extraction loses merges, so every cell is 1×1 and the forms layer reads by labels,
not positions.
"""

from __future__ import annotations

import codecs
import os
import re

from ..errors import UnreadableFile
from .grid import Block, Document, Grid, Paragraph

# A table document is a few kilobytes a table; anything this large is not one.
MAX_BYTES = 256 * 1024 * 1024

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _mostly_printable(text: str) -> bool:
    """Real text has next to no control characters; binary read as UTF-16 is full of them."""
    sample = text[:4096]
    return len(_CONTROL.findall(sample)) <= len(sample) // 100


def decode(data: bytes, name: str) -> str:
    """Text in UTF-8 (the norm), UTF-16 with a BOM, or GB18030 (older Chinese Windows files)."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc)
            except UnicodeDecodeError as e:
                raise UnreadableFile(f"以 {enc} 解码失败（字节 {e.start}）", file=name) from None
    head = data[:4096]
    if len(head) >= 4 and b"\x00" in head:
        # UTF-16 without a BOM: every other byte of CJK-and-ASCII text is rarely NUL for
        # anything else. Decide by which half holds the NULs of the ASCII characters.
        evens, odds = head[0::2].count(0), head[1::2].count(0)
        guess = "utf-16-le" if odds > evens * 4 else "utf-16-be" if evens > odds * 4 else None
        if guess is not None:
            try:
                text = data.decode(guess)
            except UnicodeDecodeError:
                text = ""
            if text and _mostly_printable(text):
                return text
    if b"\x00" in head:
        raise UnreadableFile("不是文本文件（含二进制内容）", file=name)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as first:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            raise UnreadableFile(
                f"无法识别的文本编码（既非 UTF-8 也非 GB18030，第 {first.start} 字节）", file=name
            ) from None


def parse_text(text: str, name: str, path: str = "") -> Document:
    """Split extracted text into paragraphs and tab-separated grids."""
    blocks: list[Block] = []
    rows: list[list[str]] = []
    row_lines: list[int] = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip(" \r\ufeff")
        if not line.strip():
            continue
        if "\t" in line:
            rows.append(line.split("\t"))
            row_lines.append(n)
            continue
        if rows:
            blocks.append(_grid(rows, row_lines))
            rows, row_lines = [], []
        blocks.append(Paragraph(line.strip(), n))
    if rows:
        g = _grid(rows, row_lines)
        # A last line without its newline, inside a table, may be a row cut short.
        g.open_end = not text.endswith(("\n", "\r"))
        blocks.append(g)
    return Document(name=name, path=path, format="text", blocks=blocks)


def _grid(rows: list[list[str]], row_lines: list[int]) -> Grid:
    width = max(len(r) for r in rows)
    for r in rows:
        if len(r) < width:
            r.extend([""] * (width - len(r)))
    return Grid(rows=rows, row_lines=row_lines)


def read_text(path: str) -> Document:
    name = os.path.basename(path)
    try:
        size = os.path.getsize(path)
        if size > MAX_BYTES:
            raise UnreadableFile(f"文件过大（{size} 字节，上限 {MAX_BYTES}）", file=name)
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise UnreadableFile.of_os_error(e, file=name) from None
    if not data.strip():
        raise UnreadableFile("文件为空", file=name)
    return parse_text(decode(data, name), name, path)
