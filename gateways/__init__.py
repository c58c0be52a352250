"""Provider gateways: each speaks one provider's dialect and moves money only through the core's gRPC API.

`gateways.kit` holds the pieces every gateway shares; each provider has its own package
(`gateways.aigame`, ...) exposing `Settings` and `create_app`.
"""
