"""What the Neto connector reads, declared as data: one Get action per stream and the fields it asks for.

Customers, items, orders and RMAs come from Neto; what is written to it
(items' prices and stock) is ``sink``'s. Every Get needs an ``OutputSelector``; the lists
below are the fields the mapping uses.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["API_PATH", "PAGE_SIZE", "STREAMS", "NetoStream"]

API_PATH = "do/WS/NetoAPI"
PAGE_SIZE = 100
"""Records asked for per page (Neto's documented examples use 100)."""

_ADDRESS = (
    "FirstName",
    "LastName",
    "Company",
    "StreetLine1",
    "StreetLine2",
    "City",
    "State",
    "PostCode",
    "Country",
    "Phone",
)


@dataclass(frozen=True)
class NetoStream:
    """One Get action read for canonical entities: the answer's key, the record's id and the fields wanted."""

    name: str
    action: str
    key: str
    id_field: str
    entities: tuple[str, ...]
    output: tuple[str, ...]
    updated_field: str = "DateUpdated"


STREAMS: dict[str, NetoStream] = {
    s.name: s
    for s in (
        # Orders name their customer by Username, so the Username is the customer's remote id.
        NetoStream(
            "customers",
            "GetCustomer",
            "Customer",
            "Username",
            ("organizations", "people"),
            ("ID", "Username", "EmailAddress", "Active", "DateUpdated", "BillingAddress", "ShippingAddress"),
        ),
        # Order lines name only the SKU, so the SKU is the item's remote id.
        NetoStream(
            "products",
            "GetItem",
            "Item",
            "SKU",
            ("items",),
            ("SKU", "Name", "Description", "IsActive", "DefaultPrice", "TaxInclusive", "TaxFreeItem", "DateUpdated"),
        ),
        NetoStream(
            "orders",
            "GetOrder",
            "Order",
            "OrderID",
            ("invoices", "tax_codes", "payments"),
            (
                "OrderID",
                "OrderStatus",
                "DatePlaced",
                "DateUpdated",
                "DatePaid",
                "Email",
                "Username",
                *(f"Bill{f}" for f in _ADDRESS),
                *(f"Ship{f}" for f in _ADDRESS),
                "GrandTotal",
                "OrderTax",
                "ShippingOption",
                "ShippingTotal",
                "ShippingTax",
                "CouponCode",
                "CouponDiscount",
                "TaxInclusive",
                "OrderPayment",
                "OrderLine",
            ),
        ),
        # Neto's refunds are RMAs (returns); each becomes a credit note against its order's invoice.
        NetoStream(
            "refunds",
            "GetRma",
            "Rma",
            "RmaID",
            ("credit_notes",),
            (
                "RmaID",
                "OrderID",
                "Username",
                "RmaStatus",
                "DateIssued",
                "DateUpdated",
                "TaxInclusive",
                "ShippingRefundAmount",
                "RefundTotal",
                "RefundTaxTotal",
                "RmaLine",
            ),
        ),
    )
}
"""Every stream the connector reads, in reference order (orders name customers and items, RMAs name orders)."""
