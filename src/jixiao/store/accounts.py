"""Accounts in the store: users, reviewers' departments, sessions, API tokens, and the
failed sign-ins the rate limit counts. Secrets are stored hashed only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..accounts import Viewer
from ..errors import JixiaoError
from .database import Database
from .schema import api_tokens, reviewer_departments, sessions, sign_in_failures, users


@dataclass(frozen=True, slots=True)
class UserRecord:
    """用户: as the administrator lists them (never the password hash)."""

    id: int
    name: str
    role: str
    department: str | None
    departments: tuple[str, ...]
    must_change: bool
    disabled: bool
    created_at: datetime

    def viewer(self) -> Viewer:
        return Viewer(self.name, self.role, self.department, self.departments)  # type: ignore[arg-type]


def _now() -> datetime:
    return datetime.now(UTC)


class Accounts(Database):
    """Users, sessions and tokens."""

    def add_user(
        self, name: str, role: str, password_hash: str, *, department: str | None = None,
        departments: tuple[str, ...] = (), must_change: bool = False,
    ) -> int:  # fmt: skip
        try:
            with self.engine.begin() as conn:
                uid = int(conn.execute(insert(users).returning(users.c.id), {
                    "name": name, "role": role, "department": department,
                    "password_hash": password_hash, "must_change": must_change,
                    "disabled": False, "created_at": _now(),
                }).scalar_one())  # fmt: skip
                if departments:
                    rows = [{"user_id": uid, "department": d} for d in departments]
                    conn.execute(insert(reviewer_departments), rows)
        except IntegrityError:
            raise JixiaoError(f"用户名“{name}”已经有人用了") from None
        return uid

    def users(self) -> list[UserRecord]:
        with self._read() as conn:
            rows = conn.execute(select(users).order_by(users.c.name)).mappings().all()
            assigned: dict[int, list[str]] = {}
            for uid, d in conn.execute(select(reviewer_departments)):
                assigned.setdefault(uid, []).append(d)
        return [_user(r, assigned.get(r["id"], [])) for r in rows]

    def user(self, name: str) -> UserRecord | None:
        return next((u for u in self.users() if u.name == name), None)

    def password_hash(self, name: str) -> str | None:
        with self._read() as conn:
            q = select(users.c.password_hash).where(users.c.name == name, ~users.c.disabled)
            got = conn.execute(q).scalar_one_or_none()
        return None if got is None else str(got)

    def set_password(self, name: str, password_hash: str, *, must_change: bool = False) -> None:
        with self.engine.begin() as conn:
            n = conn.execute(update(users).where(users.c.name == name).values(
                password_hash=password_hash, must_change=must_change)).rowcount  # fmt: skip
            if not n:
                raise JixiaoError(f"没有用户“{name}”")
            # A new password ends every session of the old one.
            uid = select(users.c.id).where(users.c.name == name).scalar_subquery()
            conn.execute(delete(sessions).where(sessions.c.user_id == uid))

    def set_disabled(self, name: str, disabled: bool = True) -> None:
        with self.engine.begin() as conn:
            n = conn.execute(update(users).where(users.c.name == name).values(
                disabled=disabled)).rowcount  # fmt: skip
            if not n:
                raise JixiaoError(f"没有用户“{name}”")
            uid = select(users.c.id).where(users.c.name == name).scalar_subquery()
            conn.execute(delete(sessions).where(sessions.c.user_id == uid))
            conn.execute(update(api_tokens).where(api_tokens.c.user_id == uid,
                                                  api_tokens.c.revoked_at.is_(None))
                         .values(revoked_at=_now()))  # fmt: skip

    def set_departments(
        self, name: str, *, department: str | None, departments: tuple[str, ...]
    ) -> None:
        """A user's own department (部门填报) and the departments they review (财政审核)."""
        with self.engine.begin() as conn:
            uid = conn.execute(select(users.c.id).where(users.c.name == name)).scalar_one_or_none()
            if uid is None:
                raise JixiaoError(f"没有用户“{name}”")
            conn.execute(update(users).where(users.c.id == uid).values(department=department))
            conn.execute(delete(reviewer_departments).where(reviewer_departments.c.user_id == uid))
            if departments:
                rows = [{"user_id": uid, "department": d} for d in departments]
                conn.execute(insert(reviewer_departments), rows)

    def user_count(self) -> int:
        with self._read() as conn:
            return int(conn.execute(select(func.count()).select_from(users)).scalar_one())

    # -- sessions ---------------------------------------------------------------------

    def open_session(self, name: str, token_hash: str, lifetime: timedelta) -> None:
        now = _now()
        with self.engine.begin() as conn:
            uid = conn.execute(select(users.c.id).where(users.c.name == name)).scalar_one()
            conn.execute(delete(sessions).where(sessions.c.expires_at < now))
            row = {"token_hash": token_hash, "user_id": uid, "created_at": now,
                   "expires_at": now + lifetime}  # fmt: skip
            conn.execute(insert(sessions), row)

    def session_user(self, token_hash: str) -> UserRecord | None:
        q = (
            select(users.c.name)
            .join(sessions, sessions.c.user_id == users.c.id)
            .where(sessions.c.token_hash == token_hash, sessions.c.expires_at > _now(),
                   ~users.c.disabled)
        )  # fmt: skip
        with self._read() as conn:
            name = conn.execute(q).scalar_one_or_none()
        return None if name is None else self.user(str(name))

    def close_session(self, token_hash: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(sessions).where(sessions.c.token_hash == token_hash))

    # -- API tokens -------------------------------------------------------------------

    def add_token(self, name: str, label: str, token_hash: str) -> int:
        with self.engine.begin() as conn:
            uid = conn.execute(select(users.c.id).where(users.c.name == name)).scalar_one()
            return int(conn.execute(insert(api_tokens).returning(api_tokens.c.id), {
                "user_id": uid, "label": label, "token_hash": token_hash, "created_at": _now(),
            }).scalar_one())  # fmt: skip

    def token_user(self, token_hash: str) -> UserRecord | None:
        q = (
            select(users.c.name)
            .join(api_tokens, api_tokens.c.user_id == users.c.id)
            .where(api_tokens.c.token_hash == token_hash, api_tokens.c.revoked_at.is_(None),
                   ~users.c.disabled)
        )  # fmt: skip
        with self._read() as conn:
            name = conn.execute(q).scalar_one_or_none()
        return None if name is None else self.user(str(name))

    def tokens(self, name: str) -> list[tuple[int, str, datetime, datetime | None]]:
        """A user's API tokens: (number, label, made, revoked) — never the token."""
        t = api_tokens.c
        uid = select(users.c.id).where(users.c.name == name).scalar_subquery()
        q = select(t.id, t.label, t.created_at, t.revoked_at).where(t.user_id == uid)
        with self._read() as conn:
            return [(r[0], r[1], r[2], r[3]) for r in conn.execute(q.order_by(t.id))]

    def revoke_token(self, name: str, token_id: int) -> None:
        uid = select(users.c.id).where(users.c.name == name).scalar_subquery()
        with self.engine.begin() as conn:
            n = conn.execute(update(api_tokens).where(
                api_tokens.c.id == token_id, api_tokens.c.user_id == uid,
                api_tokens.c.revoked_at.is_(None)).values(revoked_at=_now())).rowcount  # fmt: skip
        if not n:
            raise JixiaoError(f"用户“{name}”没有编号为 {token_id} 的有效令牌")

    # -- failed sign-ins --------------------------------------------------------------

    def note_failure(self, name: str, address: str) -> None:
        now = _now()
        with self.engine.begin() as conn:
            conn.execute(delete(sign_in_failures).where(
                sign_in_failures.c.at < now - timedelta(days=1)))  # fmt: skip
            conn.execute(insert(sign_in_failures),
                         {"name": name[:64], "address": address[:64], "at": now})  # fmt: skip

    def failures_since(self, name: str, address: str, since: datetime) -> int:
        f = sign_in_failures.c
        q = select(func.count()).where(
            f.at >= since, (f.name == name[:64]) | (f.address == address[:64])
        )
        with self._read() as conn:
            return int(conn.execute(q).scalar_one())


def _user(r: object, departments: list[str]) -> UserRecord:
    m = r  # a RowMapping
    return UserRecord(
        id=m["id"], name=m["name"], role=m["role"], department=m["department"],  # type: ignore[index]
        departments=tuple(sorted(departments)), must_change=bool(m["must_change"]),  # type: ignore[index]
        disabled=bool(m["disabled"]), created_at=m["created_at"],  # type: ignore[index]
    )  # fmt: skip
