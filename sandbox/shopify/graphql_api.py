"""``POST /admin/api/{version}/graphql.json``: parse, validate, price, throttle, execute.

The query is parsed and validated by graphql-core against ``schema.SDL``;
its requested cost (``cost.query_cost``) is drawn from the shop's bucket
before it runs, and what it did not use is given back after. Every answer
carries ``extensions.cost`` (``requestedQueryCost``, ``actualQueryCost``,
``throttleStatus``). A query the bucket cannot pay for now is answered 200
with ``errors: [{"message": "Throttled", "extensions": {"code":
"THROTTLED"}}]`` and nothing runs; one dearer than the whole bucket gets
``MAX_COST_EXCEEDED``. Syntax and validation errors are 200 with
``errors``, as Shopify answers them; a body without ``query`` is 400.
"""

from __future__ import annotations

import typing as t

from graphql import (
    ExecutionResult,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSyntaxError,
    execute,
    parse,
    validate,
)
from graphql.execution.values import get_variable_values
from graphql.utilities import get_operation_ast

from sandbox.shopify.cost import CostBucket, query_cost
from sandbox.shopify.errors import ShopifyError
from sandbox.shopify.graph import root_fields
from sandbox.shopify.mutations import mutation_fields
from sandbox.shopify.schema import schema
from sandbox.shopify.state import ShopifyState

__all__ = ["run_graphql"]

Obj = dict[str, t.Any]

_RATE_LIMITS_DOC = "https://shopify.dev/api/usage/rate-limits"


def _errors(errors: t.Sequence[GraphQLError]) -> list[Obj]:
    return [t.cast(Obj, e.formatted) for e in errors]


def run_graphql(state: ShopifyState, bucket: CostBucket, body: t.Any) -> Obj:
    """The answer to one GraphQL request body (``{"query", "variables", "operationName"}``)."""
    if not isinstance(body, dict) or not isinstance(body.get("query"), str) or not body["query"].strip():
        raise ShopifyError(400, {"query": ["Required parameter missing or invalid"]})
    raw_variables = body.get("variables") or {}
    if not isinstance(raw_variables, dict):
        raise ShopifyError(400, {"variables": ["must be an object"]})
    served = schema()
    try:
        document = parse(body["query"])
    except GraphQLSyntaxError as error:
        return {"errors": _errors([error])}
    invalid = validate(served, document)
    if invalid:
        return {"errors": _errors(invalid)}
    operation = get_operation_ast(document, body.get("operationName"))
    if operation is None:
        return {"errors": [{"message": "An operation name is required when the document has several"}]}
    coerced = get_variable_values(served, operation.variable_definitions or [], raw_variables)
    if isinstance(coerced, list):
        return {"errors": _errors(coerced)}
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    requested = query_cost(served, operation, fragments, coerced)

    def cost(actual: int | None) -> Obj:
        return {"cost": {"requestedQueryCost": requested, "actualQueryCost": actual, "throttleStatus": bucket.status()}}

    if requested > bucket.maximum:
        message = (
            f"Query cost is {requested}, which exceeds the single query max cost limit ({int(bucket.maximum)}).\n\n"
            "See https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\n"
            "cost of a query is calculated.\n\nTo query larger amounts of data with fewer limits, bulk operations should be used instead.\n"
            "See https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n"
        )
        return {
            "errors": [{"message": message, "extensions": {"code": "MAX_COST_EXCEEDED", "cost": requested}}],
            "extensions": cost(None),
        }
    if not bucket.take(requested):
        throttled = {"code": "THROTTLED", "documentation": _RATE_LIMITS_DOC}
        return {"errors": [{"message": "Throttled", "extensions": throttled}], "extensions": cost(None)}
    context: Obj = {}
    with state.lock:
        root = {**root_fields(state), **mutation_fields(state)}
        result = execute(served, document, root, context, raw_variables, body.get("operationName"))
    if not isinstance(result, ExecutionResult):  # pragma: no cover - every resolver here is synchronous
        raise TypeError("the sandbox's resolvers are synchronous")
    data = result.data
    actual = query_cost(served, operation, fragments, coerced, data or {}) if data is not None else requested
    bucket.give_back(requested - actual)
    answer: Obj = {"data": data}
    if result.errors:
        answer["errors"] = _errors(result.errors)
    answer["extensions"] = cost(actual)
    if context.get("search"):
        answer["extensions"]["search"] = context["search"]
    return answer
