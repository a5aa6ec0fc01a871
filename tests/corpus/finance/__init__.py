"""Drivers of the finance data team: ledgers, payments, invoices and forecasts."""
