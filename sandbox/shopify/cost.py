"""Calculated query cost, as Shopify documents it, and the leaky bucket it is drawn from.

Cost of a query (shopify.dev, "GraphQL Admin API rate limits"): a scalar or
enum costs 0, an object 1, a connection 2 plus one per node it may return
(``first``) times the node's own cost; a list of objects counts each object
(``first`` of them when the field takes it, else one); ``PageInfo`` is free;
each mutation costs 10. The *requested* cost is worked out from the parsed
query before it runs; the *actual* cost walks the answer, counting the nodes
really returned, and the difference is given back to the bucket.

The bucket holds ``maximum`` points and refills ``restore`` a second; a query
whose requested cost exceeds what is available is refused (``THROTTLED``),
one whose cost exceeds the maximum can never run (``MAX_COST_EXCEEDED``).
The REST API's bucket (``CallBucket``) counts calls instead: 40, leaking 2 a second.
"""

from __future__ import annotations

import threading
import typing as t
from dataclasses import dataclass, field

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
    is_list_type,
)
from graphql.execution.values import get_argument_values

from sandbox.common.clock import Clock

__all__ = ["CallBucket", "CostBucket", "query_cost"]

_MUTATION_COST = 10


class _Walker:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: dict[str, t.Any],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables

    def selection(self, parent: t.Any, selection_set: SelectionSetNode | None, data: t.Any) -> int:
        if selection_set is None:
            return 0
        total = 0
        for node in selection_set.selections:
            if isinstance(node, FieldNode):
                total += self.field(parent, node, data)
            elif isinstance(node, InlineFragmentNode):
                target = self.schema.get_type(node.type_condition.name.value) if node.type_condition else parent
                total += self.selection(target, node.selection_set, data)
            elif isinstance(node, FragmentSpreadNode):
                fragment = self.fragments.get(node.name.value)
                if fragment is not None:
                    target = self.schema.get_type(fragment.type_condition.name.value)
                    total += self.selection(target, fragment.selection_set, data)
        return total

    def field(self, parent: t.Any, node: FieldNode, data: t.Any) -> int:
        name = node.name.value
        fields = getattr(parent, "fields", {})
        if name.startswith("__") or name not in fields:
            return 0
        definition = fields[name]
        named = get_named_type(definition.type)
        if is_leaf_type(named) or named.name == "PageInfo":
            return 0
        args = get_argument_values(definition, node, self.variables)
        key = node.alias.value if node.alias else name
        value = data.get(key) if isinstance(data, dict) else None
        measured = data is not None
        if named.name.endswith("Connection"):
            return 2 + self.connection(named, node, args, value, measured)
        if is_list_type(get_nullable_type(definition.type)):
            if measured:
                return sum(1 + self.selection(named, node.selection_set, item) for item in value or [])
            count = args.get("first")
            return (count if count is not None else 1) * (1 + self.selection(named, node.selection_set, None))
        if measured and value is None:
            return 0
        return 1 + self.selection(named, node.selection_set, value)

    def connection(
        self, connection: t.Any, node: FieldNode, args: dict[str, t.Any], value: t.Any, measured: bool
    ) -> int:
        node_type = connection.fields["nodes"].type
        node_type = get_named_type(node_type)
        shapes: list[tuple[SelectionSetNode | None, str]] = []
        for sub in node.selection_set.selections if node.selection_set else ():
            if isinstance(sub, FieldNode) and sub.name.value == "nodes":
                shapes.append((sub.selection_set, "nodes"))
            elif isinstance(sub, FieldNode) and sub.name.value == "edges" and sub.selection_set:
                for inner in sub.selection_set.selections:
                    if isinstance(inner, FieldNode) and inner.name.value == "node":
                        shapes.append((inner.selection_set, "edges"))
        if not measured:
            each = max((self.selection(node_type, s, None) for s, _ in shapes), default=0)
            return int(args.get("first") or 0) * (1 + each)
        if not isinstance(value, dict):
            return 0
        best = 0
        for selection_set, where in shapes:
            items = value.get("nodes") if where == "nodes" else [e.get("node") for e in value.get("edges") or []]
            best = max(best, sum(1 + self.selection(node_type, selection_set, item) for item in items or []))
        return best


def query_cost(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: dict[str, FragmentDefinitionNode],
    variables: dict[str, t.Any],
    data: dict[str, t.Any] | None = None,
) -> int:
    """The requested cost of an operation (``data`` None), or its actual cost over the answer's ``data``."""
    walker = _Walker(schema, fragments, variables)
    if operation.operation == OperationType.MUTATION:
        return _MUTATION_COST * sum(1 for s in operation.selection_set.selections if isinstance(s, FieldNode))
    root: GraphQLObjectType | None = schema.query_type
    return walker.selection(root, operation.selection_set, data if data is not None else None) if root else 0


@dataclass
class CostBucket:
    """The shop's points: ``maximum`` at most, ``restore`` more every second of the clock."""

    clock: Clock
    maximum: float
    restore: float
    _available: float = -1.0
    _at: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def available(self) -> float:
        """Points available now."""
        with self._lock:
            return self._refill()

    def _refill(self) -> float:
        now = self.clock.monotonic()
        if self._available < 0:
            self._available = self.maximum
        else:
            self._available = min(self.maximum, self._available + (now - self._at) * self.restore)
        self._at = now
        return self._available

    def take(self, cost: float) -> bool:
        """Take ``cost`` points if they are there (True), else leave the bucket alone (False)."""
        with self._lock:
            if self._refill() < cost:
                return False
            self._available -= cost
            return True

    def give_back(self, points: float) -> None:
        """Return points taken for a query that cost less than requested."""
        with self._lock:
            self._refill()
            self._available = min(self.maximum, self._available + max(0.0, points))

    def status(self) -> dict[str, float]:
        """``throttleStatus`` as ``extensions.cost`` reports it."""
        with self._lock:
            return {
                "maximumAvailable": self.maximum,
                "currentlyAvailable": round(self._refill()),
                "restoreRate": self.restore,
            }


@dataclass
class CallBucket:
    """The REST bucket: ``size`` calls, leaking ``leak`` a second."""

    clock: Clock
    size: int
    leak: float
    _level: float = 0.0
    _at: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _drain(self) -> None:
        now = self.clock.monotonic()
        self._level = max(0.0, self._level - (now - self._at) * self.leak)
        self._at = now

    def add(self) -> tuple[bool, int]:
        """Put one call in (True) or refuse it when full (False); with the calls in the bucket after."""
        with self._lock:
            self._drain()
            if self._level + 1 > self.size:
                return False, round(self._level)
            self._level += 1
            return True, max(1, round(self._level))
