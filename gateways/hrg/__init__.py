"""The HRG (Hot Road Gaming) single-wallet gateway: HRG calls it, it moves money through the core.

    settings = Settings.from_mapping(config["gateways"]["hrg"])   # without its `listen` key
    app = create_app(settings)          # a Starlette app; serve with gateways.kit.serve

The dialect as implemented: docs/providers/hrg.md.
"""

from gateways.hrg.app import create_app
from gateways.hrg.settings import PROVIDER, Settings

__all__ = ["PROVIDER", "Settings", "create_app"]
