"""The console's Starlette app: routes, sign-in, roles and CSRF around the pages (pages.py)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from gateways.kit.core_errors import CoreError
from wallet_console import pages, passwords, session
from wallet_console.core import ConsoleCore
from wallet_console.roles import may_act
from wallet_console.settings import Settings, Staff
from wallet_console.signin_limits import SigninLimits
from wallet_reconcile.reconciler import Reconciler

log = logging.getLogger("wallet_console")

HERE = Path(__file__).parent
COOKIE = "wallet_console"
SECURITY_HEADERS = {
    # No script, no frame, nothing from elsewhere: the pages are HTML, CSS and inline SVG.
    "content-security-policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'",
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
}

Page = Callable[[Request, Staff], Awaitable[Response]]


class _SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                present = {name.lower() for name, _ in headers}
                headers.extend(
                    (name.encode(), value.encode())
                    for name, value in SECURITY_HEADERS.items()
                    if name.encode() not in present
                )
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(settings: Settings, reconciler: Reconciler | None = None, core: ConsoleCore | None = None) -> Starlette:
    """The console. ``reconciler``: the stale bets page's (None: the page says reconciliation is not configured)."""
    templates = Jinja2Templates(directory=HERE / "templates")
    console = pages.Pages(templates, settings, reconciler)
    signin_limits = SigninLimits(settings.signin_attempts_per_name, settings.signin_attempts_per_address)

    def page(
        handler: Callable[[pages.Pages, Request, Staff], Awaitable[Response]],
    ) -> Callable[[Request], Awaitable[Response]]:
        """A page for any signed-in staff member; the others are sent to the sign-in."""

        async def endpoint(request: Request) -> Response:
            staff = session.signed_in(request, settings)
            if staff is None:
                return RedirectResponse(f"/signin?next={quote(request.url.path)}", status_code=303)
            return await _answer(console, request, staff, handler)

        return endpoint

    def action(
        handler: Callable[[pages.Pages, Request, Staff], Awaitable[Response]],
    ) -> Callable[[Request], Awaitable[Response]]:
        """A POST that acts: a valid CSRF token first, then a staff member whose role may act."""

        async def endpoint(request: Request) -> Response:
            form = await request.form()
            if not session.csrf_valid(request, form.get(session.CSRF_FIELD)):
                return console.refusal(
                    request,
                    None,
                    403,
                    "Refused: this form did not carry the console's CSRF token. Reload the page and try again.",
                )
            staff = session.signed_in(request, settings)
            if staff is None:
                return RedirectResponse("/signin", status_code=303)
            if not may_act(staff.role):
                return console.refusal(request, staff, 403, f"Refused: the role {staff.role} may read but not act.")
            return await _answer(console, request, staff, handler)

        return endpoint

    async def signin_form(request: Request) -> Response:
        return console.signin(request, "")

    async def signin(request: Request) -> Response:
        form = await request.form()
        if not session.csrf_valid(request, form.get(session.CSRF_FIELD)):
            return console.signin(request, "The sign-in form expired: try again.", 403)
        name, password = str(form.get("name", "")), str(form.get("password", ""))
        address = request.client.host if request.client else ""
        wait = await signin_limits.attempt(name, address)
        if wait:
            log.warning("console sign-in refused: too many attempts", extra={"staff": name[:64], "address": address})
            refused = console.signin(request, f"Too many sign-in attempts: try again in {_minutes(wait)}.", 429)
            refused.headers["retry-after"] = str(wait)
            return refused
        staff = settings.staff.get(name)
        # argon2 takes ~50 ms and 64 MiB on purpose: off the event loop, which may be the core's (`wallet up`).
        verified = await asyncio.to_thread(passwords.verify, staff.password_hash if staff else None, password)
        if not verified or staff is None:
            log.warning("console sign-in refused", extra={"staff": name[:64], "address": address})
            return console.signin(request, "Wrong name or password.", 401)
        await signin_limits.succeeded(name)
        session.sign_in(request, staff)
        log.info("console sign-in", extra={"staff": staff.name, "role": staff.role})
        target = str(form.get("next", ""))
        # Only a page of the console: "//host" and "/\host" would leave it.
        return RedirectResponse(target if target.startswith("/") and not target.startswith(("//", "/\\")) else "/", 303)

    async def signout(request: Request) -> Response:
        form = await request.form()
        if session.csrf_valid(request, form.get(session.CSRF_FIELD)):
            session.sign_out(request)
        return RedirectResponse("/signin", status_code=303)

    routes = [
        Route("/", page(pages.Pages.home)),
        Route("/signin", signin_form, methods=["GET"]),
        Route("/signin", signin, methods=["POST"]),
        Route("/signout", signout, methods=["POST"]),
        Route("/players", page(pages.Pages.players)),
        Route("/players/{player_id:path}", page(pages.Pages.player)),
        Route("/transactions/{provider}/{kind}/{transaction_id:path}", page(pages.Pages.transaction)),
        Route("/rounds/{round_id:path}", page(pages.Pages.round)),
        Route("/stale", page(pages.Pages.stale)),
        Route("/stale/apply", action(pages.Pages.apply_proposal), methods=["POST"]),
        Route("/held", page(pages.Pages.held)),
        Route("/held/{hold_id:int}/decide", action(pages.Pages.decide_hold), methods=["POST"]),
        Route("/figures", page(pages.Pages.figures)),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await console.close()

    async def unexpected(request: Request, error: Exception) -> Response:
        # Starlette raises the error again once this answer is sent: the server logs it with its traceback.
        line = "Something went wrong on the console; nothing more was done. Its log has the details."
        return console.refusal(request, session.signed_in(request, settings), 500, line)

    console.core = core or ConsoleCore(settings.core)
    return Starlette(
        exception_handlers={Exception: unexpected},
        routes=routes,
        middleware=[
            Middleware(ProxyHeadersMiddleware, trusted_hosts=list(settings.trusted_proxies)),
            Middleware(_SecurityHeaders),
            Middleware(
                SessionMiddleware,
                secret_key=settings.session_secret,
                session_cookie=COOKIE,
                max_age=settings.session_minutes * 60,
                same_site="strict",
                https_only=settings.secure_cookie,
            ),
        ],
        lifespan=lifespan,
    )


async def _answer(
    console: pages.Pages,
    request: Request,
    staff: Staff,
    handler: Callable[[pages.Pages, Request, Staff], Awaitable[Response]],
) -> Response:
    """The page, or one line saying why not (the core refused, or does not answer): never a traceback."""
    try:
        return await handler(console, request, staff)
    except CoreError as error:
        status, line = pages.explain(error)
        return console.refusal(request, staff, status, line)


def _minutes(seconds: int) -> str:
    minutes = math.ceil(seconds / 60)
    return "1 minute" if minutes == 1 else f"{minutes} minutes"
