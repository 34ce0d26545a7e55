"""Output files written whole or not at all.

An export, a template or a findings workbook is written to a temporary file in the
target's own folder and renamed over the target only once it is complete: a full disk
or an error half-way leaves the old file (or none), never a 0-byte or half workbook,
and the temporary file is removed. A missing folder, or a folder given as the file,
is one line naming the path.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Iterator
from typing import IO, Any

from ..errors import OutputError

_WHY = {
    errno.ENOSPC: "磁盘已满",
    errno.EDQUOT: "磁盘配额已满",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限",
    errno.EROFS: "文件系统只读",
}


@contextlib.contextmanager
def output_file(path: str, *, binary: bool, newline: str | None = None) -> Iterator[IO[Any]]:
    """A file object to write ``path`` through (UTF-8 text, or bytes); see the module."""
    target = os.path.abspath(path)
    folder = os.path.dirname(target)
    if os.path.isdir(target):
        raise OutputError(f"无法写入 {path}：这是一个文件夹，请给出文件名（-o 文件名）")
    if not os.path.isdir(folder):
        raise OutputError(f"无法写入 {path}：文件夹 {folder} 不存在")
    tmp: str | None = None
    try:
        tmp = os.path.join(folder, f".{os.path.basename(target)}.{secrets.token_hex(4)}.part")
        # 0o666 before the umask, as open() would create the target itself.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        f = os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline=newline)
        with f:
            yield f
        os.replace(tmp, target)
        tmp = None
    except OSError as e:
        why = _WHY.get(e.errno or 0) or e.strerror or str(e)
        raise OutputError(f"无法写入 {path}：{why}") from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
