"""The kit every gateway is built from: one small module per concept.

Read `docs/adding-a-provider.md` for how a new gateway puts these pieces together.
"""
