"""The AIGame (Lucko) gateway: AIGame calls it, it moves money through the core.

settings = Settings.from_mapping(config["gateways"]["aigame"])
app = create_app(settings)          # a Starlette app; serve with gateways.kit.serve
"""

from gateways.aigame.app import create_app
from gateways.aigame.settings import PROVIDER, Settings

__all__ = ["PROVIDER", "Settings", "create_app"]
