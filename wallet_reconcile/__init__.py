"""Reconcile the bets left placed with each provider's own records (issue #26).

It holds no money logic and never touches the database: it lists the stale bets and applies what it
proposes through the core's gRPC API, with a reconcile client's token scoped to each provider.
"""
