"""What the core and the gateways share about being observed from outside: OpenTelemetry tracing
(``tracing``). Off by default; nothing here is imported on the money path while it is off."""
