"""vTiger emulator: inventory records (LineItems, taxes, totals) and the Tax/ProductTaxes modules."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.anyio

OWNER = {"assigned_user_id": "19x1"}
ADDRESS = {"bill_street": "1 George St", "ship_street": "1 George St"}


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture
async def catalogue(vtiger_admin):
    """GST 10% and WET 29%; a wine (both taxes, $20) and a chair (GST, $50); an account."""
    gst = await vtiger_admin.create("Tax", {"taxlabel": "GST", "percentage": 10})
    wet = await vtiger_admin.create("Tax", {"taxlabel": "WET", "percentage": 29})
    wine = await vtiger_admin.create("Products", {"productname": "Shiraz", "unit_price": "20", **OWNER})
    chair = await vtiger_admin.create("Products", {"productname": "Chair", "unit_price": 50, **OWNER})
    for product, tax in [(wine, gst), (wine, wet), (chair, gst)]:
        await vtiger_admin.create(
            "ProductTaxes", {"productid": product["id"], "taxid": tax["id"], "taxpercentage": tax["percentage"]}
        )
    account = await vtiger_admin.create("Accounts", {"accountname": "Cellar Door", **OWNER})
    return {"gst": gst, "wet": wet, "wine": wine, "chair": chair, "account": account}


def _invoice(catalogue, **fields):
    lines = [
        {"productid": catalogue["wine"]["id"], "quantity": 3},
        {"productid": catalogue["chair"]["id"], "quantity": 2, "listprice": 45, "discount_percent": 10},
    ]
    return {"subject": "Order 1", "account_id": catalogue["account"]["id"], **ADDRESS, **OWNER, "LineItems": lines,
            **fields}  # fmt: skip


async def test_inventory_create_without_line_items_is_mandatory_fields_missing(vtiger_admin, catalogue):
    element = _invoice(catalogue)
    del element["LineItems"]
    error = await vtiger_admin.error(vtiger_admin.post("create", elementType="Invoice", element=element))
    assert error == {"code": "MANDATORY_FIELDS_MISSING", "message": "Mandatory Fields Missing.."}
    empty = await vtiger_admin.error(
        vtiger_admin.post("create", elementType="Invoice", element=_invoice(catalogue, LineItems=[]))
    )
    assert empty["code"] == "MANDATORY_FIELDS_MISSING"


async def test_inventory_header_mandatory_fields(vtiger_admin, catalogue):
    element = _invoice(catalogue)
    del element["ship_street"]
    error = await vtiger_admin.error(vtiger_admin.post("create", elementType="Invoice", element=element))
    assert error == {"code": "MANDATORY_FIELDS_MISSING", "message": "ship_street does not have a value"}
    purchase = {"subject": "Restock", **ADDRESS, **OWNER, "postatus": "Created", "LineItems": []}
    error = await vtiger_admin.error(vtiger_admin.post("create", elementType="PurchaseOrder", element=purchase))
    assert error["message"] == "vendor_id does not have a value"


async def test_line_item_needs_a_product_and_a_quantity(vtiger_admin, catalogue):
    no_product = _invoice(catalogue, LineItems=[{"quantity": 1}])
    error = await vtiger_admin.error(vtiger_admin.post("create", elementType="Invoice", element=no_product))
    assert error == {"code": "MANDATORY_FIELDS_MISSING", "message": "productid does not have a value"}
    no_quantity = _invoice(catalogue, LineItems=[{"productid": catalogue["wine"]["id"]}])
    error = await vtiger_admin.error(vtiger_admin.post("create", elementType="Invoice", element=no_quantity))
    assert error["message"] == "quantity does not have a value"


async def test_line_item_must_name_a_product_or_service(vtiger_admin, catalogue):
    element = _invoice(catalogue, LineItems=[{"productid": catalogue["account"]["id"], "quantity": 1}])
    error = await vtiger_admin.error(vtiger_admin.post("create", elementType="Invoice", element=element))
    assert error == {"code": "REFERENCE_INVALID", "message": "Invalid reference specified for productid"}


async def test_individual_tax_totals(vtiger_admin, catalogue):
    element = _invoice(
        catalogue,
        hdnTaxType="individual",
        hdnDiscountAmount="2.50",
        hdnS_H_Amount=10,
        hdnS_H_Percent=10,
        txtAdjustment=-0.5,
        received=100,
    )
    invoice = await vtiger_admin.create("Invoice", element)
    # Wine 3 x 20 = 60 + 39% tax 23.40; chair 2 x 45 - 10% = 81 + 10% tax 8.10.
    assert invoice["hdnSubTotal"] == "172.50000000"
    assert invoice["pre_tax_total"] == "148.50000000"
    # 172.50 - 2.50 discount + 10 S&H + 1 S&H tax - 0.50 adjustment
    assert invoice["hdnGrandTotal"] == "180.50000000"
    assert invoice["balance"] == "80.50000000"
    assert invoice["invoice_no"] == "INV1"
    wine_line, chair_line = invoice["LineItems"]
    assert (wine_line["tax1"], wine_line["tax2"]) == ("10.000", "29.000")
    assert (chair_line["tax1"], chair_line["tax2"]) == ("10.000", "")


async def test_group_tax_totals(vtiger_admin, catalogue):
    lines = _invoice(catalogue)["LineItems"]
    lines[0].update(tax1=10, tax2=0)
    invoice = await vtiger_admin.create(
        "Invoice", _invoice(catalogue, hdnTaxType="group", hdnDiscountPercent=10, LineItems=lines)
    )
    # 141 items, less 10% = 126.90, plus 10% group tax 12.69.
    assert invoice["hdnSubTotal"] == "141.00000000"
    assert invoice["hdnGrandTotal"] == "139.59000000"
    assert all(line["tax1"] == "10.000" and line["tax2"] == "0.000" for line in invoice["LineItems"])


async def test_group_tax_defaults_to_every_active_tax(vtiger_admin, catalogue):
    invoice = await vtiger_admin.create("Invoice", _invoice(catalogue))
    assert invoice["hdnTaxType"] == "group"
    # 141 + 39% = 195.99
    assert invoice["hdnGrandTotal"] == "195.99000000"


async def test_listprice_defaults_to_the_products_unit_price(vtiger_admin, catalogue):
    invoice = await vtiger_admin.create("Invoice", _invoice(catalogue))
    assert invoice["LineItems"][0]["listprice"] == "20.00000000"
    assert invoice["LineItems"][1]["listprice"] == "45.00000000"


async def test_retrieve_lists_line_items(vtiger_admin, catalogue):
    created = await vtiger_admin.create("Invoice", _invoice(catalogue))
    invoice = await vtiger_admin.ok(vtiger_admin.get("retrieve", id=created["id"]))
    assert invoice == created
    first = invoice["LineItems"][0]
    assert first["id"].startswith("33x")
    assert first["parent_id"] == created["id"]
    assert first["productid"] == catalogue["wine"]["id"]
    assert first["product_name"] == "Shiraz"
    assert first["entity_type"] == "Products"
    assert first["sequence_no"] == "1"
    assert first["quantity"] == "3.000"
    assert invoice["LineItems"][1]["discount_percent"] == "10.000"
    assert invoice["productid"] == catalogue["wine"]["id"]
    assert invoice["currency_id"] == "21x1"


async def test_update_with_line_items_replaces_them(vtiger_admin, catalogue):
    created = await vtiger_admin.create("Invoice", _invoice(catalogue, hdnTaxType="individual"))
    element = {key: value for key, value in created.items() if key not in {"LineItems", "productid"}}
    element["LineItems"] = [{"productid": catalogue["chair"]["id"], "quantity": 1}]
    updated = await vtiger_admin.ok(vtiger_admin.post("update", element=element))
    assert len(updated["LineItems"]) == 1
    assert updated["hdnSubTotal"] == "55.00000000"
    assert updated["LineItems"][0]["id"] not in {line["id"] for line in created["LineItems"]}


async def test_update_without_line_items_revises_the_header(vtiger_admin, catalogue):
    created = await vtiger_admin.create("Invoice", _invoice(catalogue, customerno="C-7"))
    updated = await vtiger_admin.ok(
        vtiger_admin.post(
            "update",
            element={
                "id": created["id"],
                "subject": "Renamed",
                "account_id": catalogue["account"]["id"],
                **ADDRESS,
                **OWNER,
            },
        )
    )
    assert updated["subject"] == "Renamed"
    assert updated["customerno"] == "C-7"
    assert updated["LineItems"] == created["LineItems"]


async def test_revise_recomputes_totals(vtiger_admin, catalogue):
    created = await vtiger_admin.create("Invoice", _invoice(catalogue, hdnTaxType="individual"))
    revised = await vtiger_admin.ok(vtiger_admin.post("revise", element={"id": created["id"], "txtAdjustment": 7.5}))
    assert revised["hdnGrandTotal"] == "180.00000000"
    assert revised["LineItems"] == created["LineItems"]


async def test_sales_and_purchase_orders_have_their_own_numbers_and_prefixes(vtiger_admin, catalogue):
    vendor = await vtiger_admin.create("Vendors", {"vendorname": "Barossa Supplies", **OWNER})
    lines = [{"productid": catalogue["wine"]["id"], "quantity": 12, "listprice": 11}]
    order = await vtiger_admin.create(
        "SalesOrder",
        {
            "subject": "SO",
            "sostatus": "Created",
            "account_id": catalogue["account"]["id"],
            **ADDRESS,
            **OWNER,
            "LineItems": lines,
        },
    )
    purchase = await vtiger_admin.create(
        "PurchaseOrder",
        {
            "subject": "PO",
            "postatus": "Created",
            "vendor_id": vendor["id"],
            **ADDRESS,
            **OWNER,
            "LineItems": lines,
        },
    )
    assert order["id"].startswith("6x")
    assert order["salesorder_no"] == "SO1"
    assert purchase["id"].startswith("5x")
    assert purchase["purchaseorder_no"] == "PO1"
    assert purchase["hdnSubTotal"] == "132.00000000"


async def test_a_product_may_carry_several_taxes(vtiger_admin, catalogue):
    rows = await vtiger_admin.query(
        f"select taxid, taxpercentage from ProductTaxes where productid = '{catalogue['wine']['id']}';"
    )
    assert sorted(r["taxid"] for r in rows) == sorted([catalogue["gst"]["id"], catalogue["wet"]["id"]])
    assert {r["taxpercentage"] for r in rows} == {"10.000", "29.000"}
    assert all(r["id"].startswith("35x") for r in rows)
    wine = await vtiger_admin.ok(vtiger_admin.get("retrieve", id=catalogue["wine"]["id"]))
    assert wine["taxclass"] == "tax1,tax2"


async def test_product_taxes_create_for_an_existing_pair_updates_it(vtiger_admin, catalogue):
    again = await vtiger_admin.create(
        "ProductTaxes", {"productid": catalogue["chair"]["id"], "taxid": catalogue["gst"]["id"], "taxpercentage": 12}
    )
    rows = await vtiger_admin.query(f"select * from ProductTaxes where productid = '{catalogue['chair']['id']}';")
    assert len(rows) == 1
    assert rows[0] == again
    assert rows[0]["taxpercentage"] == "12.000"


async def test_taxes_name_themselves_and_delete_switches_them_off(vtiger_admin, catalogue):
    assert catalogue["gst"]["taxname"] == "tax1"
    assert catalogue["wet"]["taxname"] == "tax2"
    assert catalogue["gst"]["id"].startswith("34x")
    assert catalogue["gst"]["percentage"] == "10.000"
    await vtiger_admin.ok(vtiger_admin.post("delete", id=catalogue["wet"]["id"]))
    wet = await vtiger_admin.ok(vtiger_admin.get("retrieve", id=catalogue["wet"]["id"]))
    assert wet["deleted"] == "1"
    invoice = await vtiger_admin.create("Invoice", _invoice(catalogue, hdnTaxType="individual"))
    assert invoice["LineItems"][0]["tax2"] == ""
    assert invoice["hdnSubTotal"] == "155.10000000"


async def test_deleting_an_invoice_drops_its_lines(vtiger_admin, catalogue):
    invoice = await vtiger_admin.create("Invoice", _invoice(catalogue))
    await vtiger_admin.ok(vtiger_admin.post("delete", id=invoice["id"]))
    assert await vtiger_admin.query("select * from Invoice;") == []
    error = await vtiger_admin.error(vtiger_admin.get("retrieve", id=invoice["id"]))
    assert error["code"] == "ACCESS_DENIED"


# --- stock: vTiger moves Qty In Stock when it saves inventory records (InventoryUtils::updateInventoryProductRel) ---


async def _stock(vtiger_admin, product) -> str:
    return (await vtiger_admin.ok(vtiger_admin.get("retrieve", id=product["id"])))["qtyinstock"]


async def test_an_invoice_takes_its_quantities_out_of_stock_without_touching_the_product(vtiger_admin, catalogue):
    await vtiger_admin.ok(vtiger_admin.post("revise", element={"id": catalogue["wine"]["id"], "qtyinstock": 50}))
    before = await vtiger_admin.ok(vtiger_admin.get("retrieve", id=catalogue["wine"]["id"]))
    await vtiger_admin.create("Invoice", _invoice(catalogue, hdnTaxType="individual", invoicestatus="Approved"))
    after = await vtiger_admin.ok(vtiger_admin.get("retrieve", id=catalogue["wine"]["id"]))
    assert (before["qtyinstock"], after["qtyinstock"]) == ("50.000", "47.000")
    assert after["modifiedtime"] == before["modifiedtime"]  # plain SQL: a sync does not see the product change


async def test_cancelling_an_invoice_puts_its_stock_back_and_approving_it_again_takes_it_out(vtiger_admin, catalogue):
    invoice = await vtiger_admin.create("Invoice", _invoice(catalogue, invoicestatus="Approved"))
    assert await _stock(vtiger_admin, catalogue["chair"]) == "-2.000"  # vTiger lets stock go below zero
    await vtiger_admin.ok(vtiger_admin.post("revise", element={"id": invoice["id"], "invoicestatus": "Cancel"}))
    assert await _stock(vtiger_admin, catalogue["chair"]) == "0.000"
    await vtiger_admin.ok(vtiger_admin.post("revise", element={"id": invoice["id"], "invoicestatus": "Paid"}))
    assert await _stock(vtiger_admin, catalogue["chair"]) == "-2.000"
    await vtiger_admin.ok(vtiger_admin.post("revise", element={"id": invoice["id"], "received": 10}))
    assert await _stock(vtiger_admin, catalogue["chair"]) == "-2.000"  # a header change moves nothing


async def test_new_lines_put_the_old_ones_back_and_take_themselves_out(vtiger_admin, catalogue):
    invoice = await vtiger_admin.create("Invoice", _invoice(catalogue))
    lines = [{"productid": catalogue["chair"]["id"], "quantity": 5}]
    await vtiger_admin.ok(vtiger_admin.post("revise", element={"id": invoice["id"], "LineItems": lines}))
    assert (await _stock(vtiger_admin, catalogue["wine"]), await _stock(vtiger_admin, catalogue["chair"])) == (
        "0.000",
        "-5.000",
    )
    await vtiger_admin.ok(vtiger_admin.post("delete", id=invoice["id"]))
    assert await _stock(vtiger_admin, catalogue["chair"]) == "0.000"


async def test_a_cancelled_invoice_moves_no_stock(vtiger_admin, catalogue):
    await vtiger_admin.create("Invoice", _invoice(catalogue, invoicestatus="Cancel"))
    assert await _stock(vtiger_admin, catalogue["wine"]) == ""


async def test_a_purchase_order_puts_stock_in_when_its_shipment_is_received_and_back_out_when_cancelled(
    vtiger_admin, catalogue
):
    vendor = await vtiger_admin.create("Vendors", {"vendorname": "Barossa Supplies", **OWNER})
    lines = [{"productid": catalogue["wine"]["id"], "quantity": 12, "listprice": 11}]
    order = await vtiger_admin.create(
        "PurchaseOrder",
        {"subject": "PO", "postatus": "Approved", "vendor_id": vendor["id"], **ADDRESS, **OWNER, "LineItems": lines},
    )
    assert await _stock(vtiger_admin, catalogue["wine"]) == ""
    await vtiger_admin.ok(vtiger_admin.post("revise", element={"id": order["id"], "postatus": "Received Shipment"}))
    assert await _stock(vtiger_admin, catalogue["wine"]) == "12.000"
    await vtiger_admin.ok(vtiger_admin.post("revise", element={"id": order["id"], "postatus": "Delivered"}))
    assert await _stock(vtiger_admin, catalogue["wine"]) == "12.000"  # received goods stay received
    await vtiger_admin.ok(vtiger_admin.post("revise", element={"id": order["id"], "postatus": "Cancelled"}))
    assert await _stock(vtiger_admin, catalogue["wine"]) == "0.000"


async def test_sales_orders_and_services_move_no_stock(vtiger_admin, catalogue):
    service = await vtiger_admin.create("Services", {"servicename": "Tasting", "unit_price": 30, **OWNER})
    lines = [{"productid": catalogue["wine"]["id"], "quantity": 12}, {"productid": service["id"], "quantity": 1}]
    await vtiger_admin.create(
        "SalesOrder",
        {"subject": "SO", "sostatus": "Approved", "account_id": catalogue["account"]["id"], **ADDRESS, **OWNER,
         "LineItems": lines},
    )  # fmt: skip
    assert await _stock(vtiger_admin, catalogue["wine"]) == ""
    await vtiger_admin.create("Invoice", _invoice(catalogue, LineItems=lines))
    assert await _stock(vtiger_admin, catalogue["wine"]) == "-12.000"
