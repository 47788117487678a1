"""The Xero connector: Accounting API client, endpoint catalogue, mapping and Xero's own rules."""
