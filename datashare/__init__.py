"""datashare: an open-source data sharing engine between Xero and the apps around it."""
