"""The ``datashare`` command: the composition root that wires config, store, connectors and flows."""
