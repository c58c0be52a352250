"""Who is signed in, and the CSRF token every form carries.

The session is Starlette's signed cookie (itsdangerous): it holds the staff member's name and a
random CSRF token, never a password or a role. The role is read from the configuration on every
request, so that a staff member removed from it is signed out at the next restart. Every POST must
carry the session's CSRF token in its form (``csrf_token``): a page of another site can make a
browser post to the console with its cookie, but cannot read the token."""

from __future__ import annotations

import hmac
import secrets

from starlette.requests import Request

from wallet_console.settings import Settings, Staff

CSRF_FIELD = "csrf_token"


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use (the sign-in form has one before anyone signs in)."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def csrf_valid(request: Request, submitted: object) -> bool:
    expected = request.session.get("csrf")
    return (
        isinstance(expected, str)
        and isinstance(submitted, str)
        and hmac.compare_digest(expected.encode(), submitted.encode())
    )


def signed_in(request: Request, settings: Settings) -> Staff | None:
    name = request.session.get("staff")
    return settings.staff.get(name) if isinstance(name, str) else None


def sign_in(request: Request, staff: Staff) -> None:
    """A fresh session (and CSRF token) for the staff member: nothing from before the sign-in carries over."""
    request.session.clear()
    request.session["staff"] = staff.name
    request.session["csrf"] = secrets.token_urlsafe(32)


def sign_out(request: Request) -> None:
    request.session.clear()


def flash(request: Request, message: str) -> None:
    """One line shown on the next page (what an action did)."""
    request.session["flash"] = message


def take_flash(request: Request) -> str:
    message = request.session.pop("flash", "")
    return message if isinstance(message, str) else ""
