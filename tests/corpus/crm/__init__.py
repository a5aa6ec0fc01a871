"""Drivers inherited from the CRM team, written before the driver contract existed."""
