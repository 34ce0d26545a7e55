"""Bad input: a corrupt, hostile, locked or scanned file is one InputError naming the file.

Never another exception, never a traceback's worth of parser internals.
"""

from __future__ import annotations

import io
import os
import zipfile

import pytest

import render
from jixiao.errors import InputError, UnreadableFile
from jixiao.readers import read_document, safety


def minimal_pdf(objects: list[bytes], *, trailer_extra: bytes = b"") -> bytes:
    """A PDF built by hand from numbered objects (1 = catalog), with a correct xref."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, trailer_extra, xref)
    )
    return out.getvalue()


def scanned_pdf() -> bytes:
    """One page holding only an image (8×8 grey pixels), as a scanner makes it: no text."""
    pixels = bytes(range(0, 256, 4))
    content = b"q 500 0 0 700 50 50 cm /Im1 Do Q"
    return minimal_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>",
            b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
            b"<< /Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray "
            b"/BitsPerComponent 8 /Length %d >>\nstream\n" % len(pixels) + pixels + b"\nendstream",
        ]
    )


def encrypted_pdf() -> bytes:
    """A page under the standard security handler with a user password we do not know."""
    content = b"BT /F1 12 Tf 72 720 Td (secret) Tj ET"
    return minimal_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
            b"<< /Filter /Standard /V 1 /R 2 /P -4 /O <" + b"ab" * 32 + b"> /U <"
            + b"cd" * 32 + b"> >>",
        ],
        trailer_extra=b"/Encrypt 5 0 R /ID [<0123456789abcdef0123456789abcdef>"
        b"<0123456789abcdef0123456789abcdef>] ",
    )  # fmt: skip


def a_docx(tmp_path: str) -> str:
    from jixiao.model import TargetTable

    t = TargetTable(project="测试项目", year=2024, region="长寿区", kind="重点专项")
    path = os.path.join(tmp_path, "ok.docx")
    render.write_docx([render.layout(t)], path, page_numbers=False)
    return path


def rezip(src: str, dst: str, replace: dict[str, bytes]) -> None:
    """Copy a zip, replacing (or adding) the members named in ``replace``."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        names = [i.filename for i in zin.infolist()]
        for name in names:
            zout.writestr(name, replace.get(name, zin.read(name)))
        for name, data in replace.items():
            if name not in names:
                zout.writestr(name, data)


def read_bytes(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def write(tmp_path: str, name: str, data: bytes) -> str:
    path = os.path.join(tmp_path, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def refused(path: str) -> InputError:
    with pytest.raises(InputError) as info:
        read_document(path)
    err = info.value
    assert isinstance(err, UnreadableFile)
    assert err.file == os.path.basename(path)
    assert os.path.basename(path) in str(err)
    assert "Traceback" not in str(err)
    return err


def test_corrupt_docx(tmp_path: str) -> None:
    good = read_bytes(a_docx(str(tmp_path)))
    err = refused(write(str(tmp_path), "cut.docx", good[: len(good) // 2]))
    assert "Word" in str(err)


def test_docx_that_is_an_xlsx(tmp_path: str) -> None:
    import openpyxl

    p = os.path.join(str(tmp_path), "book.xlsx")
    openpyxl.Workbook().save(p)
    refused(write(str(tmp_path), "renamed.docx", read_bytes(p)))


def test_zip_bomb_docx(tmp_path: str) -> None:
    src = a_docx(str(tmp_path))
    bomb = os.path.join(str(tmp_path), "bomb.docx")
    # 8 MB of one byte compresses about 1000:1: a bomb's shape, if not its size.
    rezip(src, bomb, {"word/media/pad.bin": b"\0" * (8 * 1024 * 1024)})
    assert "压缩炸弹" in str(refused(bomb))


def test_zip_bomb_limits_are_the_module_limits(
    tmp_path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = a_docx(str(tmp_path))
    monkeypatch.setattr(safety, "MAX_UNPACKED_BYTES", 1000)
    assert "过大" in str(refused(src))
    monkeypatch.setattr(safety, "MAX_UNPACKED_BYTES", 10**9)
    monkeypatch.setattr(safety, "MAX_MEMBERS", 3)
    assert "部件" in str(refused(src))


def test_docx_with_external_entity_is_refused(tmp_path: str) -> None:
    src = a_docx(str(tmp_path))
    with zipfile.ZipFile(src) as z:
        xml = z.read("word/document.xml")
    head, rest = xml.split(b"?>", 1)
    evil = (
        head + b'?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        + rest.replace("测试项目".encode(), b"&xxe;")
    )  # fmt: skip
    dst = os.path.join(str(tmp_path), "xxe.docx")
    rezip(src, dst, {"word/document.xml": evil})
    assert "DOCTYPE" in str(refused(dst))


def test_python_docx_parser_expands_no_entity() -> None:
    """The second wall: even past the DOCTYPE check, python-docx's parser resolves nothing."""
    from docx.oxml.parser import oxml_parser
    from lxml import etree

    xml = b'<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/hostname">]><r>&e;</r>'
    root = etree.fromstring(xml, oxml_parser)
    # The reference stays a reference: nothing was read from the file system.
    assert "".join(root.itertext()) == "&e;"


def test_encrypted_docx(tmp_path: str) -> None:
    # Office wraps a password-protected .docx in an OLE2 container.
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    assert "加密" in str(refused(write(str(tmp_path), "locked.docx", ole)))


def test_corrupt_xlsx(tmp_path: str) -> None:
    refused(write(str(tmp_path), "bad.xlsx", b"PK\x03\x04 not really a workbook"))
    refused(write(str(tmp_path), "bad.xls", b"\xd0\xcf\x11\xe0 not really a workbook"))


def test_garbage_pdf(tmp_path: str) -> None:
    assert "PDF" in str(refused(write(str(tmp_path), "junk.pdf", b"%PDF-1.7\n" + os.urandom(2000))))
    refused(write(str(tmp_path), "empty.pdf", b""))


def test_encrypted_pdf(tmp_path: str) -> None:
    assert "加密" in str(refused(write(str(tmp_path), "locked.pdf", encrypted_pdf())))


def test_scanned_pdf(tmp_path: str) -> None:
    err = refused(write(str(tmp_path), "scan.pdf", scanned_pdf()))
    assert "扫描件" in str(err) and "文字层" in str(err) and "OCR" in str(err)


def test_html_fetches_nothing_and_expands_no_entity(tmp_path: str) -> None:
    page = (
        b'<!DOCTYPE html [<!ENTITY e SYSTEM "file:///etc/hostname">]>'
        b'<html><body><p>&e;</p><img src="http://192.0.2.1/x.png"><p>\xe6\xad\xa3\xe6\x96\x87</p>'
        b"</body></html>"
    )
    doc = read_document(write(str(tmp_path), "page.html", page))
    texts = [b.text for b in doc.blocks if hasattr(b, "text")]
    assert "正文" in texts
    with open("/etc/hostname", encoding="utf-8") as f:
        host = f.read().strip()
    assert not any(host and host in t for t in texts)


@pytest.mark.parametrize(
    "name, data",
    [
        ("empty.docx", b""),
        ("empty.xlsx", b""),
        ("empty.html", b""),
        ("binary.html", b"\0\1\2\3" * 100),
        ("nothing.pdf", b"not a pdf"),
    ],
)
def test_empty_and_wrong_files(tmp_path: str, name: str, data: bytes) -> None:
    refused(write(str(tmp_path), name, data))


def test_missing_file(tmp_path: str) -> None:
    for suffix in (".docx", ".xlsx", ".pdf", ".html"):
        refused(os.path.join(str(tmp_path), "absent" + suffix))
