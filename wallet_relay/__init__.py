"""The events relay: leases the outbox's events from the core (gRPC) and publishes them to NATS
JetStream, in order per account, each once (docs/events.md). It never touches the database."""
