"""The mapping contract (``Refs``, ``Mapped``, ``MappingError``), defined by the core and used by every connector."""

from datashare.model.mapping import DictRefs, Mapped, MappingError, Refs

__all__ = ["DictRefs", "Mapped", "MappingError", "Refs"]
