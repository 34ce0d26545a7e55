"""Safe-reading limits: a document is data from outside, possibly hostile.

This module owns the checks every binary reader runs *before* a parser sees
the file:

- :func:`check_size` — a file larger than any real 绩效目标表 document is refused.
- :func:`check_ooxml` — a Word/Excel file (``.docx``/``.xlsx``, a zip) is refused
  when its members would unpack to more than :data:`MAX_UNPACKED_BYTES`, when one
  member is compressed more than :data:`MAX_RATIO` to 1 (a zip bomb), when it has
  more than :data:`MAX_MEMBERS` members, or when an XML part carries a DOCTYPE.
- :func:`unreadable` — one Chinese message for a corrupt or encrypted file,
  instead of the parser's traceback.

XML parsing. python-docx parses every part with
``lxml.etree.XMLParser(resolve_entities=False)`` (``docx/oxml/parser.py``), and
lxml's defaults keep ``no_network=True``, ``load_dtd=False`` and
``huge_tree=False``: no external entity or DTD is fetched, no entity is expanded,
and a pathological tree hits libxml2's depth and size limits. OOXML never
needs a DOCTYPE, so :func:`check_ooxml` refuses one outright as a second wall
(``tests/test_readers_safety.py`` checks both). python-calamine parses with
Rust's quick-xml, which expands no entities at all. The HTML reader uses its
own parser with ``no_network=True``.
"""

from __future__ import annotations

import os
import zipfile

from ..errors import UnreadableFile

# A district's whole budget book is a few megabytes; 200 MB is no table document.
MAX_FILE_BYTES = 200 * 1024 * 1024
# Word/Excel members unpacked, all together. Images count too, hence generous.
MAX_UNPACKED_BYTES = 500 * 1024 * 1024
# XML compresses about 10:1, a page of repeated cells perhaps 100:1; a bomb 1000:1 and more.
MAX_RATIO = 200
# A ratio is only suspicious once the member is big enough to hurt.
RATIO_FLOOR_BYTES = 4 * 1024 * 1024
MAX_MEMBERS = 10_000
# A DOCTYPE must come before the root element: the first bytes of a part are enough.
_HEAD_BYTES = 1024


def check_size(path: str, name: str) -> int:
    """The file's size, or :class:`UnreadableFile` when it is missing or too large."""
    try:
        size = os.path.getsize(path)
    except OSError as e:
        raise UnreadableFile.of_os_error(e, file=name) from None
    if size > MAX_FILE_BYTES:
        raise UnreadableFile(f"文件过大（{size} 字节，上限 {MAX_FILE_BYTES}）", file=name)
    return size


def check_ooxml(path: str, name: str, kind: str) -> None:
    """Refuse a Word/Excel zip that is not one, is encrypted, or would unpack dangerously.

    ``kind`` names the format for the message (``"Word"``, ``"Excel"``).
    """
    check_size(path, name)
    with open(path, "rb") as f:
        head = f.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        # An OLE2 container with an .docx/.xlsx name: an encrypted OOXML file
        # (Office wraps those in OLE2) or an old .doc/.xls renamed.
        raise UnreadableFile(
            f"不是可读取的 {kind} 文件：文件已加密（设有打开密码），"
            "或是改了扩展名的旧版 .doc/.xls 文件",
            file=name,
        )
    if not head.startswith(b"PK"):
        raise UnreadableFile(f"不是有效的 {kind} 文件（文件已损坏或不是 {kind} 文档）", file=name)
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            if len(infos) > MAX_MEMBERS:
                raise UnreadableFile(
                    f"文件结构异常：压缩包内有 {len(infos)} 个部件（上限 {MAX_MEMBERS}）", file=name
                )
            total = 0
            for info in infos:
                total += info.file_size
                if total > MAX_UNPACKED_BYTES:
                    raise UnreadableFile(
                        f"文件解压后过大（超过 {MAX_UNPACKED_BYTES} 字节），疑似压缩炸弹",
                        file=name,
                    )
                if info.file_size > RATIO_FLOOR_BYTES and info.file_size > MAX_RATIO * max(
                    info.compress_size, 1
                ):
                    raise UnreadableFile(
                        f"文件部件 {info.filename} 压缩比异常"
                        f"（{info.file_size // max(info.compress_size, 1)}:1），疑似压缩炸弹",
                        file=name,
                    )
            for info in infos:
                if info.filename.endswith((".xml", ".rels")) and info.file_size:
                    with z.open(info) as part:
                        _refuse_doctype(part.read(_HEAD_BYTES), info.filename, name)
    except zipfile.BadZipFile:
        raise UnreadableFile(f"不是有效的 {kind} 文件（压缩包已损坏）", file=name) from None
    except (OSError, EOFError, NotImplementedError, RuntimeError) as e:
        # RuntimeError: a member encrypted with a zip password; NotImplementedError:
        # a compression method Office never writes.
        raise UnreadableFile(f"不是有效的 {kind} 文件（{e}）", file=name) from None


def _refuse_doctype(head: bytes, member: str, name: str) -> None:
    # UTF-16 parts are legal OOXML; look for the marker in both encodings.
    if b"<!DOCTYPE" in head.upper() or "<!DOCTYPE".encode("utf-16-le") in head:
        raise UnreadableFile(
            f"文件部件 {member} 含有 DOCTYPE 声明（正常的 Office 文件不会有），拒绝读取",
            file=name,
        )


def unreadable(name: str, kind: str, err: BaseException) -> UnreadableFile:
    """One clear message for a parser's failure on a corrupt file."""
    detail = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    if len(detail) > 120:
        detail = detail[:117] + "..."
    return UnreadableFile(f"无法读取 {kind} 文件，文件可能已损坏（{detail}）", file=name)
