"""Connectors: one package per app (client, streams, mapping, rules)."""
