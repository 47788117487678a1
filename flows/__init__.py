"""Prefect flows: one per domain, reimport and sync_all."""
