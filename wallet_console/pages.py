"""What each page reads from the core (or the reconciler) and the template that shows it."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.templating import Jinja2Templates

from gateways.kit.core_errors import CoreError
from wallet.v1 import wallet_pb2 as pb
from wallet_console import chart, session
from wallet_console.core import KIND_NAMES, KINDS, ConsoleCore
from wallet_console.roles import may_act
from wallet_console.settings import Settings, Staff
from wallet_reconcile.reconciler import ReconcileError, Reconciler
from wallet_reconcile.settings import duration

log = logging.getLogger("wallet_console")

FIGURE_DAYS = 14
REFUSALS_WINDOW = timedelta(hours=24)
_EXPLAINED = {
    "TRANSACTION_NOT_FOUND": (404, "No such transaction."),
    "ACCOUNT_NOT_FOUND": (404, "No such account."),
    "INVALID_ARGUMENT": (400, "The core refused the request as malformed"),
    "PERMISSION_DENIED": (403, "The console's core token may not do this"),
    "UNAUTHENTICATED": (502, "The core does not know the console's token: check [console.core] token"),
    "TOKEN_EXPIRED": (502, "The console's core token has expired: configure its new token"),
}


def explain(error: CoreError) -> tuple[int, str]:
    """The HTTP status and one line for a person, for a refusal of the core or a core that does not answer."""
    if error.reason.startswith("GRPC_") or error.nothing_decided:
        return 503, "The wallet core does not answer right now; nothing was done. Try again in a moment."
    status, line = _EXPLAINED.get(error.reason, (409, "The core refused"))
    return status, line if line.endswith(".") else f"{line}: {error.reason}: {error.message}"


class Pages:
    core: ConsoleCore

    def __init__(self, templates: Jinja2Templates, settings: Settings, reconciler: Reconciler | None) -> None:
        self.templates = templates
        self.settings = settings
        self.reconciler = reconciler
        templates.env.globals["kind_name"] = lambda value: KIND_NAMES.get(value, "?")
        templates.env.globals["status_name"] = lambda value: _enum_name(pb.TransactionStatus, value)
        templates.env.globals["bet_state"] = lambda value: _enum_name(pb.BetState, value)
        templates.env.globals["hold_status"] = lambda value: _enum_name(pb.HoldStatus, value)
        templates.env.filters["when"] = _when

    async def close(self) -> None:
        await self.core.close()
        if self.reconciler is not None:
            await self.reconciler.close()

    def render(
        self, request: Request, staff: Staff | None, template: str, status_code: int = 200, **context: Any
    ) -> Response:
        return self.templates.TemplateResponse(
            request,
            template,
            {
                "staff": staff,
                "may_act": staff is not None and may_act(staff.role),
                "csrf_token": session.csrf_token(request),
                "flash": session.take_flash(request),
                **context,
            },
            status_code=status_code,
        )

    def refusal(self, request: Request, staff: Staff | None, status: int, line: str) -> Response:
        return self.render(request, staff, "refusal.html", status, line=line)

    def signin(self, request: Request, error: str, status: int = 200) -> Response:
        return self.render(
            request, None, "signin.html", status, error=error, next=request.query_params.get("next", "/")
        )

    # --- reading ------------------------------------------------------------------------

    async def home(self, request: Request, staff: Staff) -> Response:
        return self.render(request, staff, "home.html")

    async def players(self, request: Request, staff: Staff) -> Response:
        query = request.query_params.get("q", "").strip()
        if not query:
            return RedirectResponse("/", status_code=303)
        found = await self.core.find_accounts(query)
        players: dict[str, list[pb.Account]] = {}
        for account in found:
            players.setdefault(account.player_id, []).append(account)
        if len(players) == 1 and query in players:
            return RedirectResponse(f"/players/{query}", status_code=303)
        return self.render(request, staff, "players.html", query=query, players=players)

    async def player(self, request: Request, staff: Staff) -> Response:
        player_id = request.path_params["player_id"]
        accounts = [a for a in await self.core.find_accounts(player_id) if a.player_id == player_id]
        if not accounts:
            return self.refusal(request, staff, 404, f"No player {player_id!r}: no account under that id.")
        status = await self.core.player_status(player_id)
        limits = await self.core.limits(player_id)
        page_token = request.query_params.get("after", "")
        timeline, next_token = await self.core.transactions(player_id=player_id, page_token=page_token)
        return self.render(
            request,
            staff,
            "player.html",
            player_id=player_id,
            accounts=accounts,
            status=status,
            limits=limits,
            timeline=timeline,
            next_token=next_token,
        )

    async def transaction(self, request: Request, staff: Staff) -> Response:
        provider, kind, transaction_id = (request.path_params[k] for k in ("provider", "kind", "transaction_id"))
        if kind not in KINDS:
            return self.refusal(
                request, staff, 404, f"No such kind of transaction {kind!r}: debit, credit or rollback."
            )
        found = await self.core.transaction(provider, kind, transaction_id)
        raw = await self.core.raw_request(provider, kind, transaction_id)
        return self.render(
            request,
            staff,
            "transaction.html",
            tx=found.transaction,
            related=found.related,
            details=json.dumps(_struct(found.transaction.details), indent=2, ensure_ascii=False),
            raw=raw,
            raw_pretty=_pretty(raw),
        )

    async def round(self, request: Request, staff: Staff) -> Response:
        round_id = request.path_params["round_id"]
        provider = request.query_params.get("provider", "")
        found, next_token = await self.core.transactions(
            round_id=round_id, provider=provider, page_token=request.query_params.get("after", "")
        )
        return self.render(
            request, staff, "round.html", round_id=round_id, provider=provider, timeline=found, next_token=next_token
        )

    async def held(self, request: Request, staff: Staff) -> Response:
        return self.render(request, staff, "held.html", holds=await self.core.held_payouts())

    async def figures(self, request: Request, staff: Staff) -> Response:
        now = datetime.now(UTC)
        first = (now - timedelta(days=FIGURE_DAYS - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
        ggr = await self.core.figures(first, now)
        recent = await self.core.figures(now - REFUSALS_WINDOW, now)
        labels = [(first + timedelta(days=i)).date().isoformat() for i in range(FIGURE_DAYS)]
        return self.render(
            request,
            staff,
            "figures.html",
            charts=chart.charts(ggr.days, labels),
            days=list(ggr.days),
            refusals=list(recent.refusals),
            since=first,
        )

    async def stale(self, request: Request, staff: Staff) -> Response:
        # ?older_than=0s looks at a bet placed a moment ago (as `wallet reconcile --older-than 0s`).
        threshold = request.query_params.get("older_than", "").strip() or f"{self.settings.stale_after_minutes}m"
        try:
            older_than = duration(threshold)
        except ValueError as error:
            return self.refusal(request, staff, 400, f"Older than: {error}.")
        provider = request.query_params.get("provider", "") or None
        try:
            proposals = (
                await self.reconciler.proposals(provider=provider, older_than=older_than)
                if self.reconciler is not None
                else []
            )
        except ReconcileError as error:  # a provider's query refused for its configuration (408003, 700101)
            return self.refusal(request, staff, 502, f"The stale bets could not be reconciled: {error}")
        return self.render(
            request,
            staff,
            "stale.html",
            proposals=proposals,
            configured=self.reconciler is not None,
            older_than=threshold,
            provider=provider or "",
        )

    # --- acting -------------------------------------------------------------------------

    async def apply_proposal(self, request: Request, staff: Staff) -> Response:
        if self.reconciler is None:
            return self.refusal(request, staff, 404, "Reconciliation is not configured: nothing to apply.")
        form = await request.form()
        key = str(form.get("key", ""))
        try:
            line = await self.reconciler.apply(key, actor=_actor(staff))
        except CoreError:
            raise
        except ReconcileError as error:  # the reconciler's own refusal (an unknown key, a provider that failed)
            log.warning("reconcile apply failed", extra={"staff": staff.name, "subject": key}, exc_info=error)
            return self.refusal(request, staff, 409, f"The reconciler did not apply {key}: {error}")
        log.info("console action", extra={"staff": staff.name, "action": "reconcile.apply", "subject": key})
        session.flash(request, line)
        return RedirectResponse(_stale_page(str(form.get("older_than", ""))), status_code=303)

    async def decide_hold(self, request: Request, staff: Staff) -> Response:
        form = await request.form()
        hold_id = request.path_params["hold_id"]
        decision, reason = str(form.get("decision", "")), str(form.get("reason", "")).strip()
        if decision not in ("approve", "reject"):
            return self.refusal(request, staff, 400, "Choose approve or reject.")
        if decision == "reject" and not reason:
            return self.refusal(request, staff, 400, "A rejection needs a reason: write one and try again.")
        try:
            held = await self.core.decide(hold_id, approve=decision == "approve", reason=reason, actor=staff.name)
        except CoreError as error:
            if error.reason != "TRANSACTION_NOT_FOUND":
                raise
            return self.refusal(request, staff, 409, f"Held payout {hold_id} is no longer pending: already decided?")
        log.info("console action", extra={"staff": staff.name, "action": f"payout.{decision}", "subject": hold_id})
        session.flash(
            request,
            f"Held payout {held.hold_id} ({held.provider} {held.transaction_id}, {held.amount} {held.currency}) "
            f"{'approved: its next re-send is paid' if decision == 'approve' else 'rejected'}.",
        )
        return RedirectResponse("/held", status_code=303)


def _stale_page(older_than: str) -> str:
    """The stale bets page with the threshold it was applied from (a valid one only)."""
    try:
        duration(older_than)
    except ValueError:
        return "/stale"
    return f"/stale?{urlencode({'older_than': older_than})}"


def _actor(staff: Staff) -> str:
    """The name the reconciler records as the actor of an applied proposal."""
    return f"console/{staff.name}"


def _enum_name(enum: Any, value: int) -> str:
    name: str = enum.Name(value)
    return name.split("_", 2)[-1].lower() if value else ""


def _when(stamp: Any) -> str:
    if stamp is None or not (stamp.seconds or stamp.nanos):
        return ""
    moment: datetime = stamp.ToDatetime(tzinfo=UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def _struct(value: Any) -> dict[str, Any]:
    from google.protobuf.json_format import MessageToDict

    found: dict[str, Any] = MessageToDict(value)
    return found


def _pretty(raw: str) -> str:
    """The raw request indented when it is JSON (shown beside the exact text, which is the evidence)."""
    try:
        return json.dumps(json.loads(raw), indent=2, ensure_ascii=False)
    except ValueError:
        return ""
