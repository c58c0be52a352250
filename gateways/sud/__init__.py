"""The SUD gateway: SUD notifies it (signed), it moves money through the core.

settings = Settings.from_mapping(config["gateways"]["sud"])
app = create_app(settings)          # a Starlette app; serve with gateways.kit.serve
"""

from gateways.sud.app import create_app
from gateways.sud.settings import Settings

__all__ = ["Settings", "create_app"]
