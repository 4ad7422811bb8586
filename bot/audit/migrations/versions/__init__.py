"""Audit-log schema revisions."""
