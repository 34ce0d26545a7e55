"""Test fixtures: render 绩效目标表 into the official district layout, in every format.

A :class:`TargetTable` (read from the seed text with the text reader) is laid
out as the district's Word template has it — title, ``单位：万元``, then a
7-column table with merged cells, then 联系人/联系电话 — and written to
``.docx`` (python-docx), ``.xlsx`` (openpyxl, numbers as numbers), ``.html``
(rowspan/colspan) and ``.pdf`` (LibreOffice from the ``.docx``).

    主管部门 | dept ─────┐ | 实施单位 | impl ──────────┐
    项目名称 | project ───────────────────────────────┐
    预算执行率权重（分） | 10 ─────────────────────────┐
    项目总资金额 ┐ | total ┐ | 上级补助 | superior ────┐
       (3 rows)  |  (3 rows) | 区级资金 | district    |
                 |           | 其他资金 | other       |
    项目概况 | … / 立项依据 | … / 当年绩效目标 | … (merged across)
    绩效指标 ┐ | 指标名称 | 指标性质 | 指标值 | 指标单位 | 分值 (90分) | 是否核心
    (n+1 rows) | one row per indicator

Nothing here reads: the readers under test do.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from jixiao.model import TargetTable, json_number

Value = str | int | float
NCOLS = 7


@dataclass(frozen=True)
class LCell:
    value: Value
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1

    @property
    def text(self) -> str:
        return as_text(self.value)


@dataclass
class LTable:
    cells: list[LCell]
    nrows: int


@dataclass(frozen=True)
class LPara:
    text: str


Item = LPara | LTable


def as_text(v: Value) -> str:
    if isinstance(v, str):
        return v
    n = json_number(float(v))
    return str(n)


def number_or_text(s: str) -> Value:
    """A value cell that is a plain number is stored as a number (as spreadsheets do)."""
    if re.fullmatch(r"(0|[1-9]\d{0,12})(\.\d*[1-9])?", s):
        n = json_number(float(s))
        if n is not None and str(n) == s:
            return n
    return s


def num(x: float | None) -> Value:
    n = json_number(x)
    return "" if n is None else n


def layout(t: TargetTable, *, overview_repeat: int = 1) -> list[Item]:
    """The paragraphs and the merged table of one target table, in order."""
    items: list[Item] = []
    if t.label:
        items.append(LPara(t.label))
    if t.year is not None:
        items.append(LPara(f"{t.region or ''}{t.year}年{t.kind or ''}绩效目标表"))
    if t.money_unit:
        items.append(LPara(f"单位：{t.money_unit}"))
    cells: list[LCell] = []
    r = 0

    def across(label: str, value: Value) -> None:
        nonlocal r
        cells.append(LCell(label, r, 0))
        cells.append(LCell(value, r, 1, 1, NCOLS - 1))
        r += 1

    cells += [
        LCell("主管部门", r, 0),
        LCell(t.department or "", r, 1, 1, 2),
        LCell("实施单位", r, 3),
        LCell(t.implementer or "", r, 4, 1, 3),
    ]
    r += 1
    across("项目名称", t.project)
    if t.execution_weight is not None:
        across("预算执行率权重（分）", num(t.execution_weight))
    f = t.funds
    cells += [LCell("项目总资金额", r, 0, 3, 1), LCell(num(f.total), r, 1, 3, 2)]
    for i, (label, v) in enumerate(
        (("上级补助", f.superior), ("区级资金", f.district), ("其他资金", f.other))
    ):
        cells += [LCell(label, r + i, 3), LCell(num(v), r + i, 4, 1, 3)]
    r += 3
    for label, text in (("项目概况", t.overview), ("立项依据", t.basis), ("当年绩效目标", t.goal)):
        if text is not None:
            if label == "项目概况" and overview_repeat > 1:
                text = "\n".join([text] * overview_repeat)
            across(label, text)
    for label, text in t.extra.items():
        across(label, text)
    n = len(t.indicators)
    cells.append(LCell("绩效指标", r, 0, n + 1, 1))
    header = ("指标名称", "指标性质", "指标值", "指标单位", "分值 (90分)", "是否核心")
    cells += [LCell(h, r, 1 + i) for i, h in enumerate(header)]
    r += 1
    for ind in t.indicators:
        row: Sequence[Value] = (
            ind.name,
            ind.operator or "",
            number_or_text(ind.value),
            ind.unit,
            num(ind.score),
            "是" if ind.core else "否",
        )
        cells += [LCell(v, r, 1 + i) for i, v in enumerate(row)]
        r += 1
    items.append(LTable(cells, r))
    if t.contact.name is not None:
        items.append(LPara(f"联系人：{t.contact.name}"))
    if t.contact.phone is not None:
        items.append(LPara(f"联系电话：{t.contact.phone}"))
    return items


def layouts(tables: Iterable[TargetTable], **kw: int) -> list[list[Item]]:
    return [layout(t, **kw) for t in tables]


# ---- Word -------------------------------------------------------------------


def write_docx(tables: list[list[Item]], path: str, *, page_numbers: bool = True) -> None:
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.shared import Pt

    d = docx.Document()
    style = d.styles["Normal"]
    style.font.size = Pt(10.5)
    for items in tables:
        for it in items:
            if isinstance(it, LPara):
                d.add_paragraph(it.text)
                continue
            tbl = d.add_table(rows=it.nrows, cols=NCOLS)
            tbl.style = "Table Grid"
            for c in it.cells:
                cell = tbl.cell(c.row, c.col)
                if c.rowspan > 1 or c.colspan > 1:
                    cell = cell.merge(tbl.cell(c.row + c.rowspan - 1, c.col + c.colspan - 1))
                lines = c.text.split("\n")
                cell.paragraphs[0].text = lines[0]
                for extra in lines[1:]:
                    cell.add_paragraph(extra)
    if page_numbers:
        # Page furniture as published: "- 3 -" in the footer.
        footer = d.sections[0].footer.paragraphs[0]
        footer.text = ""
        footer._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:t xml:space="preserve">- </w:t></w:r>'))
        footer._p.append(
            parse_xml(
                f'<w:fldSimple {nsdecls("w")} w:instr="PAGE"><w:r><w:t>1</w:t></w:r></w:fldSimple>'
            )
        )
        footer._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:t xml:space="preserve"> -</w:t></w:r>'))
    d.save(path)


# ---- Excel ------------------------------------------------------------------


def write_xlsx(tables: list[list[Item]], path: str, *, sheet_per_table: bool) -> None:
    """One sheet per table, or every table on one sheet with a blank row between them."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    row = 1
    for n, items in enumerate(tables):
        if sheet_per_table:
            if n:
                ws = wb.create_sheet(f"表{n + 1}")
            row = 1
        elif n:
            row += 1  # a blank row between two tables
        for it in items:
            if isinstance(it, LPara):
                if it.text.startswith("单位"):
                    ws.cell(row, NCOLS, it.text)  # right-aligned above the table, as filed
                elif it.text.endswith("绩效目标表"):
                    ws.cell(row, 1, it.text)
                    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=NCOLS)
                else:
                    ws.cell(row, 1, it.text)
                row += 1
                continue
            for c in it.cells:
                ws.cell(row + c.row, 1 + c.col, c.value if c.value != "" else None)
                if c.rowspan > 1 or c.colspan > 1:
                    ws.merge_cells(
                        start_row=row + c.row,
                        start_column=1 + c.col,
                        end_row=row + c.row + c.rowspan - 1,
                        end_column=c.col + c.colspan,
                    )
            row += it.nrows + 1  # contact lines stand one blank row below the table
    wb.save(path)


# ---- HTML -------------------------------------------------------------------


def write_html(tables: list[list[Item]], path: str) -> None:
    out = [
        "<!DOCTYPE html>",
        '<html><head><meta charset="utf-8"><title>绩效目标表</title>',
        "<style>td{border:1px solid #000}</style></head><body>",
    ]
    for items in tables:
        out.append('<div class="article">')
        for it in items:
            if isinstance(it, LPara):
                tag = "h2" if it.text.endswith("绩效目标表") else "p"
                out.append(f"<{tag}>{html.escape(it.text)}</{tag}>")
                continue
            out.append('<table border="1" cellspacing="0"><tbody>')
            by_row: dict[int, list[LCell]] = {}
            for c in it.cells:
                by_row.setdefault(c.row, []).append(c)
            for r in range(it.nrows):
                out.append("<tr>")
                for c in sorted(by_row.get(r, []), key=lambda x: x.col):
                    attrs = ""
                    if c.rowspan > 1:
                        attrs += f' rowspan="{c.rowspan}"'
                    if c.colspan > 1:
                        attrs += f' colspan="{c.colspan}"'
                    lines = [html.escape(x) for x in c.text.split("\n")]
                    body = "".join(f"<p>{x}</p>" for x in lines) if len(lines) > 1 else lines[0]
                    out.append(f"<td{attrs}>{body}</td>")
                out.append("</tr>")
            out.append("</tbody></table>")
        out.append("</div>")
    out.append("</body></html>")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out))


# ---- PDF --------------------------------------------------------------------


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx_paths: Sequence[str], outdir: str) -> list[str]:
    """Convert with LibreOffice headless (one process for all files: start-up is the cost)."""
    exe = soffice()
    if exe is None:
        raise RuntimeError("soffice not found")
    profile = os.path.join(outdir, ".lo-profile")
    subprocess.run(
        [
            exe,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            outdir,
            *docx_paths,
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    out = [
        os.path.join(outdir, os.path.splitext(os.path.basename(p))[0] + ".pdf") for p in docx_paths
    ]
    missing = [p for p in out if not os.path.exists(p)]
    if missing:
        raise RuntimeError(f"LibreOffice wrote no {missing}")
    return out
