"""The sync engine, without Prefect: extract, map, validate and load, over the hub store."""
