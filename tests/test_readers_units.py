"""Each reader's own rules, on small documents built here."""

from __future__ import annotations

import os

import pytest

import render
from jixiao.forms import read_tables
from jixiao.model import TargetTable
from jixiao.readers import READERS, read_document
from jixiao.readers.grid import Document, Grid, Paragraph
from jixiao.readers.pdf import join_wrapped
from jixiao.readers.xlsx import cell_text, number_text


def shape(doc: Document) -> list[tuple[str, object]]:
    """A compact projection: ("p", text) for a paragraph, ("g", rows, spans) for a grid."""
    out: list[tuple[str, object]] = []
    for b in doc.blocks:
        if isinstance(b, Paragraph):
            out.append(("p", b.text))
        else:
            out.append(("g", (b.rows, b.spans)))
    return out


def test_every_format_is_registered() -> None:
    for suffix in (".txt", ".docx", ".xlsx", ".xlsm", ".xls", ".pdf", ".html", ".htm"):
        assert suffix in READERS


# ---- numbers in spreadsheets ---------------------------------------------------


@pytest.mark.parametrize(
    "value, text",
    [
        (144.0, "144"),
        (144, "144"),
        (28.049999999999997, "28.05"),
        (28.049999999, "28.05"),
        (0.1 + 0.2, "0.3"),
        (13667669705.0, "13667669705"),
        (1e-05, "0.00001"),
        (-3.5, "-3.5"),
        (None, ""),
        ("  文本 ", "  文本 "),
        (True, "是"),
    ],
)
def test_numbers_read_as_a_person_reads_them(value: object, text: str) -> None:
    assert cell_text(value) == text


def test_number_text_keeps_ten_significant_digits() -> None:
    assert number_text(1234.56789012345) == "1234.56789"


# ---- Excel layout ----------------------------------------------------------------


def test_xlsx_blocks_side_by_side_and_stacked(tmp_path: str) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "长寿区2024年重点专项绩效目标表"
    ws["A3"], ws["B3"] = "甲", 1.5
    ws["A4"], ws["B4"] = "乙", 2
    ws.merge_cells("A5:B5")
    ws["A5"] = "合并"
    # A second table two columns to the right, separated by an empty column.
    ws["D3"], ws["E3"] = "丙", "丁"
    ws["D4"], ws["E4"] = "戊", "己"
    hidden = wb.create_sheet("草稿")
    hidden["A1"], hidden["B1"] = "不应读到", "x"
    hidden.sheet_state = "hidden"
    p = os.path.join(str(tmp_path), "book.xlsx")
    wb.save(p)
    assert shape(read_document(p)) == [
        ("p", "长寿区2024年重点专项绩效目标表"),
        ("g", ([["甲", "1.5"], ["乙", "2"], ["合并", ""]], {(2, 0): (1, 2)})),
        ("g", ([["丙", "丁"], ["戊", "己"]], {})),
    ]


# ---- Word ------------------------------------------------------------------------


def test_docx_order_merges_and_cell_paragraphs(tmp_path: str) -> None:
    import docx

    d = docx.Document()
    d.add_paragraph("标题")
    t = d.add_table(rows=3, cols=3)
    t.cell(0, 0).merge(t.cell(2, 0)).text = "纵向"
    t.cell(0, 1).merge(t.cell(0, 2)).text = "横向"
    t.cell(1, 1).text = "第一段"
    t.cell(1, 1).add_paragraph("第二段")
    t.cell(2, 2).text = "末"
    d.add_paragraph("联系人：某")
    p = os.path.join(str(tmp_path), "doc.docx")
    d.save(p)
    doc = read_document(p)
    assert shape(doc) == [
        ("p", "标题"),
        (
            "g",
            (
                [["纵向", "横向", ""], ["", "第一段\n第二段", ""], ["", "", "末"]],
                {(0, 0): (3, 1), (0, 1): (1, 2)},
            ),
        ),
        ("p", "联系人：某"),
    ]
    # Lines count paragraphs and table rows in document order.
    grid = doc.blocks[1]
    assert isinstance(grid, Grid)
    assert [doc.blocks[0].line, grid.row_lines, doc.blocks[2].line] == [1, [2, 3, 4], 5]


# ---- HTML ------------------------------------------------------------------------


def test_html_spans_breaks_and_layout_tables(tmp_path: str) -> None:
    page = """<html><head><meta charset="gb2312"><title>不是正文</title>
    <script>var x = "不是正文";</script></head><body>
    <table><tr><td><div class="frame">
      <h1>长寿区2024年
      重点专项绩效目标表</h1>
      <table>
        <tr><td rowspan="2">纵向</td><td colspan="2">横向</td></tr>
        <tr><td>一行<br>二行</td><td><p>段一</p><p>段二</p></td></tr>
      </table>
      <p>联系人：<span>某</span></p>
    </div></td></tr></table></body></html>"""
    p = os.path.join(str(tmp_path), "page.htm")
    with open(p, "wb") as f:
        f.write(page.encode("gb18030"))
    assert shape(read_document(p)) == [
        ("p", "长寿区2024年重点专项绩效目标表"),
        (
            "g",
            (
                [["纵向", "横向", ""], ["", "一行\n二行", "段一\n段二"]],
                {(0, 0): (2, 1), (0, 1): (1, 2)},
            ),
        ),
        ("p", "联系人：某"),
    ]


def test_html_hostile_spans_are_bounded(tmp_path: str) -> None:
    p = os.path.join(str(tmp_path), "big.html")
    with open(p, "w", encoding="utf-8") as f:
        f.write('<table><tr><td colspan="999999999" rowspan="999999">x</td><td>y</td></tr></table>')
    (g,) = read_document(p).blocks
    assert isinstance(g, Grid)
    assert g.spans == {(0, 0): (1, 1000)} and g.rows[0][1000] == "y"


# ---- PDF -------------------------------------------------------------------------


def test_wrapped_lines_join_without_space_except_latin_words() -> None:
    assert join_wrapped(["项目总资", "金额"]) == "项目总资金额"
    assert join_wrapped(["完成时限", "2024", "年"]) == "完成时限2024年"
    assert join_wrapped(["annual", "report"]) == "annual report"
    assert join_wrapped([]) == ""


def test_pdf_paragraphs_around_tables_in_reading_order(tmp_path: str) -> None:
    from .conftest import soffice_or_skip

    soffice_or_skip()
    t = TargetTable(
        project="测试项目", year=2024, region="长寿区", kind="重点专项", money_unit="万元",
        label="表三",
    )  # fmt: skip
    t.contact.name, t.contact.phone = "某某", "023-1234"
    path = os.path.join(str(tmp_path), "one.docx")
    render.write_docx([render.layout(t)], path)
    (pdf,) = render.docx_to_pdf([path], str(tmp_path))
    kinds = [(k, v if k == "p" else None) for k, v in shape(read_document(pdf))]
    assert kinds == [
        ("p", "表三"),
        ("p", "长寿区2024年重点专项绩效目标表"),
        ("p", "单位：万元"),
        ("g", None),
        ("p", "联系人：某某"),
        ("p", "联系电话：023-1234"),
        ("p", "- 1 -"),
    ]
    # A table with no indicators is refused by the form, with where it stopped.
    (err,) = list(read_tables(read_document(pdf)))
    assert "指标" in str(err) and "one.pdf" in str(err)
