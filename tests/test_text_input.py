"""Text files as they arrive (issue 11): stray line breaks and controls, cut and foreign encodings.

The rules are the text reader's (``readers/text.py``): lines end at ``\\n``, ``\\r\\n``
and ``\\r`` only; other breaks become a space, other controls are dropped; a file
cut inside its last character keeps the rest, with a warning; Big5 and Shift-JIS
are refused by name.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.errors import InputError, UnreadableFile
from jixiao.forms import read_tables
from jixiao.ingest import import_paths
from jixiao.readers.grid import Document, Grid
from jixiao.readers.text import INLINE_BREAKS, decode, parse_text
from jixiao.store import Store

from .conftest import SEEDS

TEXT = (SEEDS / "004_ba3dd06106aafdcb.txt").read_text(encoding="utf-8")
OVERVIEW_AT = TEXT.index("保障范围包括")

# Every control and line-break character but the format's own (tab, \n, \r).
CONTROLS = (
    [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + ["\u2028", "\u2029"]
)


def _texts(doc: Document) -> str:
    """Every cell and paragraph of a document, spaces left out."""
    parts: list[str] = []
    for b in doc.blocks:
        if isinstance(b, Grid):
            parts.extend(cell for row in b.rows for cell in row)
        else:
            parts.append(b.text)
    return "".join(parts).replace(" ", "")


def _tables(doc: Document) -> list[object]:
    """Tables as JSON and refusals as their lines: comparable between two readings."""
    return [str(t) if isinstance(t, InputError) else t.to_json() for t in read_tables(doc)]


@given(pos=st.integers(min_value=0, max_value=len(TEXT)), ch=st.sampled_from(CONTROLS))
def test_a_control_character_anywhere_is_kept_dropped_or_refused_never_a_cut(
    pos: int, ch: str
) -> None:
    hostile = (TEXT[:pos] + ch + TEXT[pos:]).encode("utf-8")
    try:
        doc = parse_text(decode(hostile, "x.txt"), "x.txt")
    except UnreadableFile:
        return  # refused by name (a NUL near the start reads as binary): allowed
    rule = " " if ch in INLINE_BREAKS else ""
    expected = parse_text(TEXT[:pos] + rule + TEXT[pos:], "x.txt")
    assert doc.blocks == expected.blocks
    # Nothing of the text is lost: the same characters, but for spaces.
    assert _texts(doc) == _texts(parse_text(TEXT, "x.txt"))
    assert _tables(doc) == _tables(expected)


def test_a_line_separator_inside_the_overview_keeps_the_whole_text(tmp_path: Path) -> None:
    d = tmp_path / "batch"
    d.mkdir()
    (d / "a.txt").write_text(TEXT[:OVERVIEW_AT] + "\u2028" + TEXT[OVERVIEW_AT:], encoding="utf-8")
    (d / "b.txt").write_text(TEXT.replace("\n", "\r\n").replace("巨灾", "\x0c巨灾"), "utf-8")
    res = CliRunner().invoke(app, ["import", str(d), "--db", str(tmp_path / "j.db")])
    assert res.exit_code == 0, res.output
    assert "读取文件 2 个，导入表 12 张，新导入 2 个" in res.output
    with Store(f"sqlite:///{tmp_path / 'j.db'}") as store:
        overviews = [t.overview or "" for t in store.tables()]
    whole = next(o for o in overviews if "保障范围包括" in o and o.startswith("按照"))
    assert "以及我区往年开展情况， 保障范围包括" in whole
    assert whole.endswith("按照方案分别支付各家保险公司。")


# -- 4. encodings ----------------------------------------------------------------------

TRADITIONAL = (
    "項目支出績效目標表\n項目名稱\t農村公路養護工程\n主管部門\t縣交通運輸局\n"
    "績效指標\t一級指標\t二級指標\t三級指標\t指標值\n\t產出指標\t數量指標\t養護里程\t不少於120公里\n"
)
JAPANESE = (
    "事業支出成果目標表\n事業名称\t農村道路の維持管理\n所管部門\t県交通局\n"
    "成果指標\t一次指標\t二次指標\t指標値\n\tアウトプット\t数量\t維持距離\t120キロ以上\n"
)


def test_cut_inside_a_character_keeps_the_whole_tables(tmp_path: Path) -> None:
    # The file stops inside the second byte of a three-byte character of the last table.
    data = TEXT.encode("utf-8")
    at = len(TEXT[: TEXT.index("存贷款余额实现同比增长")].encode("utf-8")) + 2
    cut = tmp_path / "cut.txt"
    cut.write_bytes(data[:at])
    store = Store(f"sqlite:///{tmp_path / 'j.db'}")
    report = import_paths([str(cut)], store, workers=1)
    assert [f.status for f in report.files] == ["imported"]
    assert report.tables == 2  # as for a cut at a character boundary (test_bad_input)
    assert report.warnings[0] == (
        f"文件 {cut}：文件末尾有不完整的字符（2 字节，文件可能被截断），已舍去，其余内容照常读取"
    )
    assert report.errors[0].startswith(f"文件 {cut} 表 3 第 ")
    assert store.count() == 2
    store.close()


def test_big5_and_shift_jis_are_refused_by_name(tmp_path: Path) -> None:
    d = tmp_path / "batch"
    d.mkdir()
    (d / "a_good.txt").write_text(TEXT, encoding="utf-8")
    (d / "b_big5.txt").write_bytes(TRADITIONAL.encode("big5"))
    (d / "c_sjis.txt").write_bytes(JAPANESE.encode("shift_jis"))
    (d / "d_gb.txt").write_bytes(TEXT.replace("巨灾", "巨灾险").encode("gb18030"))
    res = CliRunner().invoke(app, ["import", str(d), "--db", str(tmp_path / "j.db")])
    assert res.exit_code == 1
    assert "读取文件 4 个，导入表 12 张，新导入 2 个，拒收 2 个" in res.output
    errors = [line for line in res.output.splitlines() if line.startswith("错误")]
    tail = "编码，不是简体中文的 UTF-8 或 GB18030：请另存为 UTF-8 编码（繁体请先转为简体）后再导入"
    assert errors == [
        f"错误 文件 {d / 'b_big5.txt'}：文件是繁体中文 Big5 {tail}",
        f"错误 文件 {d / 'c_sjis.txt'}：文件是日文 Shift-JIS {tail}",
    ]
    with Store(f"sqlite:///{tmp_path / 'j.db'}") as store:
        assert store.count() == 12


def test_a_large_text_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    from jixiao.readers import safety

    big = tmp_path / "大.txt"
    with open(big, "wb") as f:
        f.truncate(safety.MAX_FILE_BYTES + 1)  # sparse: no disk, and nothing may read it
    store = Store(f"sqlite:///{tmp_path / 'j.db'}")
    report = import_paths([str(big)], store, workers=1)
    assert report.errors == [
        f"文件 {big}：文件过大（{safety.MAX_FILE_BYTES + 1} 字节，上限 {safety.MAX_FILE_BYTES}）"
    ]
    store.close()
