"""Old binary Word files (.doc, and WPS Writer's .wps), still common in county offices.

They are converted to .docx by LibreOffice running headless, then read by the
Word reader, so one reader keeps the rules for merges, titles and unit lines.
LibreOffice is an optional system dependency: without it such a file gets one
line saying what to install or how to save the file instead, never a traceback.
The conversion runs with a private profile in a temporary folder (two imports at
once must not share one) and a time limit (a hostile file must not hang a batch).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

from ..errors import UnreadableFile
from .docx import read_docx
from .grid import Document
from .safety import check_size

# LibreOffice starts in 2–5 s; a large report converts in well under a minute.
CONVERT_SECONDS = 120


def soffice() -> str | None:
    """The LibreOffice executable, or None where it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def read_legacy_word(path: str) -> Document:
    """Read a ``.doc`` or ``.wps`` by converting it to ``.docx`` with LibreOffice."""
    name = os.path.basename(path)
    kind = os.path.splitext(name)[1].lower()
    check_size(path, name)
    exe = soffice()
    if exe is None:
        raise UnreadableFile(
            f"读取 {kind} 文件需要 LibreOffice（soffice），本机未安装："
            "请安装 LibreOffice，或在 Word/WPS 中另存为 .docx 后再导入",
            file=name,
        )
    with tempfile.TemporaryDirectory(prefix="jixiao-lo-") as tmp:
        # A plain name for LibreOffice: it derives the output name from the input's.
        src = os.path.join(tmp, "in" + kind)
        shutil.copyfile(path, src)
        try:
            done = subprocess.run(
                [
                    exe,
                    f"-env:UserInstallation=file://{os.path.join(tmp, 'profile')}",
                    "--headless",
                    "--norestore",
                    "--convert-to",
                    "docx:MS Word 2007 XML",
                    "--outdir",
                    tmp,
                    src,
                ],
                capture_output=True,
                timeout=CONVERT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise UnreadableFile(
                f"LibreOffice 转换超过 {CONVERT_SECONDS} 秒未完成，文件可能已损坏", file=name
            ) from None
        out = os.path.join(tmp, "in.docx")
        if done.returncode != 0 or not os.path.exists(out):
            raise UnreadableFile(
                f"LibreOffice 无法转换此 {kind} 文件（文件损坏，或并非 Word/WPS 文字文档）",
                file=name,
            )
        try:
            doc = read_docx(out)
        except UnreadableFile as e:
            e.file = name  # the converted copy's name means nothing to the person importing
            raise
    return Document(name=name, path=path, format=kind.lstrip("."), blocks=doc.blocks)
