"""Readers: one per format, each turning a file into a :class:`~jixiao.readers.grid.Document`.

    text.py   extracted text, one row a line, cells split by tabs (.txt .text .tsv)
    docx.py   Word (.docx) with python-docx
    xlsx.py   Excel (.xlsx .xlsm .xls) with python-calamine
    html.py   web pages (.html .htm) with lxml
    pdf.py    PDF with a text layer, with pdfplumber (pypdfium2 spots scans)
    legacy.py old Word and WPS files (.doc .wps), converted by LibreOffice when installed
    safety.py the limits every binary reader checks before a parser runs

Every reader raises :class:`~jixiao.errors.UnreadableFile` (naming the file) for a
file it cannot read — corrupt, encrypted, scanned, too large — never the
parser's own exception. A new format is one new module here and one line in
:data:`READERS`.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from ..errors import UnreadableFile
from .docx import read_docx
from .grid import Block, Cell, Document, Grid, Paragraph
from .html import read_html
from .legacy import read_legacy_word
from .pdf import read_pdf
from .text import read_text
from .xlsx import read_xlsx

Reader = Callable[[str], Document]

# Suffix → reader. Text extracted from PDFs comes as .txt (sometimes .text / .tsv);
# .doc and .wps go through LibreOffice to .docx.
READERS: dict[str, Reader] = {
    ".docx": read_docx,
    ".doc": read_legacy_word,
    ".wps": read_legacy_word,
    ".xlsx": read_xlsx,
    ".xlsm": read_xlsx,
    ".xls": read_xlsx,
    ".html": read_html,
    ".htm": read_html,
    ".pdf": read_pdf,
    ".txt": read_text,
    ".text": read_text,
    ".tsv": read_text,
}


def reader_for(path: str) -> Reader | None:
    return READERS.get(os.path.splitext(path)[1].lower())


def read_document(path: str) -> Document:
    """Read one file with the reader its suffix names."""
    reader = reader_for(path)
    if reader is None:
        raise UnreadableFile(
            f"不支持的文件类型 {os.path.splitext(path)[1] or '(无扩展名)'}",
            file=os.path.basename(path),
        )
    return reader(path)


__all__ = [
    "READERS",
    "Block",
    "Cell",
    "Document",
    "Grid",
    "Paragraph",
    "read_document",
    "reader_for",
]
