"""The placeholder's one behaviour (the reconcile branch's real package replaces it, and its tests)."""

from wallet_reconcile.reconciler import reconciler_from_config


def test_no_reconcile_section_no_reconciler() -> None:
    assert reconciler_from_config({}) is None
