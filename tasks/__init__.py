"""Prefect tasks: thin wrappers over datashare/ and connectors/."""
