"""Who is calling: a configured agent, a valid signature, a fresh timestamp (in that order)."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from gateways.aigame.provisional import NestedSigning
from gateways.aigame.signature import signature_matches
from gateways.kit.fields import Fields
from gateways.kit.jsonbody import JsonValue
from gateways.kit.refusals import GatewayReason, Refusal
from gateways.kit.timestamps import TimestampWindow


@dataclass(frozen=True)
class AgentSignatures:
    """The configured agents' secrets, to check a request's agent, its signature and its timestamp."""

    agents: Mapping[str, str] = field(repr=False)
    window: TimestampWindow
    nested: NestedSigning

    def agent_of(self, params: Mapping[str, JsonValue]) -> str:
        """The calling agent_id, or a Refusal: UNKNOWN_AGENT, BAD_SIGNATURE, STALE_TIMESTAMP."""
        fields = Fields(params)
        agent_id = fields.text("agent_id")
        secret = self.agents.get(agent_id)
        if secret is None:
            raise Refusal(GatewayReason.UNKNOWN_AGENT, f"agent_id {agent_id!r} is not configured")
        if not signature_matches(params, secret, self.nested):
            raise Refusal(GatewayReason.BAD_SIGNATURE, f"signature does not match for agent {agent_id!r}")
        self.window.check_ms(fields.integer("timestamp"))
        return agent_id
