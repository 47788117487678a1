"""The mapping contract (``Refs``, ``Mapped``, ``MappingError``, ``WaitingForReference``), defined by the core and used by every connector."""

from datashare.model.mapping import DictRefs, Mapped, MappingError, Refs, WaitingForReference

__all__ = ["DictRefs", "Mapped", "MappingError", "Refs", "WaitingForReference"]
