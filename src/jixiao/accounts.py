"""用户与权限: roles, passwords and tokens — what a person may see and do.

Passwords are kept only as Argon2id hashes (argon2-cffi, the reference implementation's
binding); sessions and API tokens are random strings given to the person once, kept only
as SHA-256 hashes (they are long and random, so a fast hash is enough). :class:`Viewer`
is who is asking, and decides what they may see: the public sees what is published, a
department its own tables, a reviewer the departments assigned to them, an
administrator everything.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

Role = Literal["admin", "reviewer", "department"]
ROLES: dict[str, str] = {"admin": "管理员", "reviewer": "财政审核", "department": "部门填报"}

_HASHER = PasswordHasher()  # Argon2id with the library's current recommended parameters
MIN_PASSWORD = 10


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def password_matches(stored: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def weak_password(password: str) -> str | None:
    """Why a password is refused, or None."""
    if len(password) < MIN_PASSWORD:
        return f"密码至少 {MIN_PASSWORD} 位"
    if password.isdigit() or password.isalpha():
        return "密码须同时含字母和数字（或其他符号）"
    return None


def new_secret() -> str:
    """A session cookie, an API token or a one-time password: 32 random bytes, URL-safe."""
    return secrets.token_urlsafe(32)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is asking: a signed-in user, or the public (``name`` None)."""

    name: str | None = None
    role: Role | None = None
    department: str | None = None  # a 部门填报 user's department
    departments: tuple[str, ...] = field(default=())  # a reviewer's assigned departments

    @property
    def public(self) -> bool:
        return self.name is None

    @property
    def admin(self) -> bool:
        return self.role == "admin"

    def scope(self) -> tuple[str, ...] | None:
        """The departments whose tables this viewer sees (None: all; the public sees only
        published tables, decided elsewhere)."""
        if self.role == "admin":
            return None
        if self.role == "reviewer":
            return self.departments
        if self.role == "department":
            return (self.department,) if self.department else ()
        return ()

    def sees(self, department: str | None) -> bool:
        scope = self.scope()
        return scope is None or (department or "") in scope

    def reviews(self, department: str | None) -> bool:
        """May return, approve, publish and mark findings of this department's tables."""
        return self.role == "admin" or (self.role == "reviewer" and self.sees(department))

    def files_for(self, department: str | None) -> bool:
        """May upload, correct and submit this department's tables."""
        return self.role == "admin" or (
            self.role == "department" and (department or "") == (self.department or "")
        )


PUBLIC = Viewer()
