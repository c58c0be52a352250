"""Reconciliation with the providers' own records (issue #26).

PLACEHOLDER in the console's branch: only the interface the console codes against
(/work/wt/prompts/reconcile_api.md). The reconcile branch's real package replaces this one at merge.
"""
