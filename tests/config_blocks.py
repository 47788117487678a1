"""Tenant config text the config tests build on: one tenant's Xero and vTiger links (secrets from T_* variables)."""

XERO = """
[tenants.apps.xero]
base_url = "http://127.0.0.1:8750/xero/"
client_id = "cid"
secrets = { client_secret = "env:T_XERO_SECRET", token_store = "prefect:acme-xero-token" }
"""
VTIGER = """
[tenants.apps.vtiger]
base_url = "http://127.0.0.1:8750/vtiger"
username = "admin"
secrets = { access_key = "env:T_VTIGER_KEY" }
"""
