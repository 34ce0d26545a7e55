"""Reader for text extracted from published PDFs: one table row a line, cells split by tabs.

This is the layout of the seed documents. A line with a tab is a table row; a
line without one is a paragraph (a title, ``单位：万元``, ``联系人：…``). Consecutive
rows make one grid; blank lines do not end a grid, a paragraph does. Text
extraction loses merges, so every cell is 1×1 and the forms layer reads by labels,
not positions.

Lines and control characters. A line ends at ``\n``, ``\r\n`` or ``\r`` and
nowhere else (``str.splitlines`` also breaks at U+2028 and friends, and would cut a
cell in two). Inside a line:

- the other line and paragraph breaks — ``\v``, ``\f``, ``\x1c``–``\x1e``, U+0085,
  U+2028, U+2029 — become a space: they separated words, and a cell keeps its text;
- the tab separates cells;
- every other control character (C0 and C1, DEL) is dropped: it carries no text.

Encodings. UTF-8 (the norm), UTF-16 with a BOM or recognisably without one, and
GB18030 (older Chinese Windows files). A file cut inside its last character keeps
everything before it, with a warning. Traditional-Chinese Big5 and Japanese
Shift-JIS files would decode as GB18030 into nonsense: they are recognised (most of
their characters fall outside the common simplified set GB2312) and refused by name.
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
# The one line break of the format; everything else is inside a line.
_LINE_END = re.compile(r"\r\n|\r|\n")
# Breaks that str.splitlines() knows but this format does not: a space in the line.
INLINE_BREAKS = "\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_TO_SPACE = str.maketrans(dict.fromkeys(INLINE_BREAKS, " "))
# Every other control character but the tab (the cell separator): dropped.
_DROPPED = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")
# Every character that clean_line changes (the tab and the line ends are not among them).
_TO_CLEAN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
# A UTF-8 character is at most 4 bytes: a cut leaves at most 3 of them.
_MAX_CUT = 3
# A simplified-Chinese text has next to no ideographs outside GB2312's 6,763;
# Big5 or Shift-JIS bytes read as GB18030 have a third and more.
_RARE_SHARE = 0.2


def clean_line(line: str) -> str:
    """A line's text by the rule above: inline breaks → space, other controls dropped."""
    return _DROPPED.sub("", line.translate(_TO_SPACE))


def _mostly_printable(text: str) -> bool:
    """Real text has next to no control characters; binary read as UTF-16 is full of them."""
    sample = text[:4096]
    return len(_CONTROL.findall(sample)) <= len(sample) // 100


def decode(data: bytes, name: str, notes: list[str] | None = None) -> str:
    """Text in UTF-8, UTF-16 or GB18030; a cut last character is dropped and noted."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return _decode_cut(data, enc, name, notes)
    head = data[:4096]
    if len(head) >= 4 and head.count(0) >= 4:
        # UTF-16 without a BOM: every other byte of CJK-and-ASCII text is rarely NUL for
        # anything else. Decide by which half holds the NULs of the ASCII characters.
        evens, odds = head[0::2].count(0), head[1::2].count(0)
        guess = "utf-16-le" if odds > evens * 4 else "utf-16-be" if evens > odds * 4 else None
        if guess is not None:
            try:
                text = _decode_cut(data, guess, name, notes)
            except UnreadableFile:
                text = ""
            if text and _mostly_printable(text):
                return text
    if b"\x00" in head:
        raise UnreadableFile("不是文本文件（含二进制内容）", file=name)
    try:
        return _decode_cut(data, "utf-8", name, notes)
    except UnreadableFile:
        pass
    return _decode_chinese(data, name, notes)


def _decode_cut(data: bytes, enc: str, name: str, notes: list[str] | None) -> str:
    """Decode strictly, except that an incomplete last character is dropped (and noted)."""
    try:
        return data.decode(enc)
    except UnicodeDecodeError as e:
        if e.end == len(data) and len(data) - e.start <= _MAX_CUT and e.start > 0:
            # Only the end is wrong: the file was cut (a copy or download that stopped).
            try:
                text = data[: e.start].decode(enc)
            except UnicodeDecodeError:
                pass
            else:
                if notes is not None:
                    notes.append(
                        f"文件末尾有不完整的字符（{len(data) - e.start} 字节，"
                        "文件可能被截断），已舍去，其余内容照常读取"
                    )
                return text
        raise UnreadableFile(f"以 {enc} 解码失败（第 {e.start} 字节）", file=name) from None


def _decode_chinese(data: bytes, name: str, notes: list[str] | None) -> str:
    """Not UTF-8: GB18030, unless the bytes are Big5 or Shift-JIS (refused by name)."""
    cut: list[str] = []
    try:
        text: str | None = _decode_cut(data, "gb18030", name, cut)
    except UnreadableFile:
        text = None
    if text is None or _rare_share(text) > _RARE_SHARE:
        other = _other_cjk(data)
        if other is not None:
            raise UnreadableFile(
                f"文件是{other}编码，不是简体中文的 UTF-8 或 GB18030："
                "请另存为 UTF-8 编码（繁体请先转为简体）后再导入",
                file=name,
            )
    if text is None:
        try:
            data.decode("utf-8")
            where = 0
        except UnicodeDecodeError as e:
            where = e.start
        raise UnreadableFile(
            f"无法识别的文本编码（既非 UTF-8 也非 GB18030，第 {where} 字节）", file=name
        )
    if notes is not None:
        notes.extend(cut)
    return text  # GB18030; rare characters alone, with no other encoding fitting, are kept


def _rare_share(text: str) -> float:
    """The share of ideographs (in a sample) outside GB2312, the common simplified set."""
    ideographs = [c for c in text[:65536] if "\u4e00" <= c <= "\u9fff"]
    if not ideographs:
        return 0.0
    rare = 0
    for c in ideographs:
        try:
            c.encode("gb2312")
        except UnicodeEncodeError:
            rare += 1
    return rare / len(ideographs)


def _other_cjk(data: bytes) -> str | None:
    """``"日文 Shift-JIS "`` or ``"繁体中文 Big5 "`` when the bytes decode as such, else None."""
    try:
        japanese = data.decode("cp932")
    except UnicodeDecodeError:
        japanese = ""
    # Japanese prose is full of kana; Big5 read as Shift-JIS gives halfwidth katakana only.
    kana = sum(1 for c in japanese[:65536] if "\u3040" <= c <= "\u30ff")
    if japanese and kana * 20 >= len(japanese[:65536]):
        return "日文 Shift-JIS "
    try:
        data.decode("cp950")
    except UnicodeDecodeError:
        return None
    return "繁体中文 Big5 "


def parse_text(text: str, name: str, path: str = "") -> Document:
    """Split extracted text into paragraphs and tab-separated grids."""
    blocks: list[Block] = []
    rows: list[list[str]] = []
    row_lines: list[int] = []
    lines = _LINE_END.split(text) if "\r" in text else text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the newline that ends the last line starts no line
    # Most files hold no control character at all: their lines need no cleaning.
    dirty = _TO_CLEAN.search(text) is not None
    for n, raw in enumerate(lines, 1):
        line = (clean_line(raw) if dirty else raw).strip(" \ufeff")
        if "\t" in line:
            if line.isspace():
                continue
            rows.append(line.split("\t"))
            row_lines.append(n)
            continue
        line = line.strip()
        if not line:
            continue
        if rows:
            blocks.append(_grid(rows, row_lines))
            rows, row_lines = [], []
        blocks.append(Paragraph(line, n))
    if rows:
        g = _grid(rows, row_lines)
        # A last line without its newline, inside a table, may be a row cut short.
        g.open_end = not text.endswith(("\n", "\r"))
        blocks.append(g)
    return Document(name=name, path=path, format="text", blocks=blocks)


def _grid(rows: list[list[str]], row_lines: list[int]) -> Grid:
    width = max(map(len, rows))
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
            data = f.read(MAX_BYTES + 1)  # a file growing under us is still bounded
    except OSError as e:
        raise UnreadableFile.of_os_error(e, file=name) from None
    if len(data) > MAX_BYTES:
        raise UnreadableFile(f"文件过大（超过 {MAX_BYTES} 字节）", file=name)
    if not data.strip():
        raise UnreadableFile("文件为空", file=name)
    notes: list[str] = []
    doc = parse_text(decode(data, name, notes), name, path)
    doc.notes.extend(notes)
    return doc
