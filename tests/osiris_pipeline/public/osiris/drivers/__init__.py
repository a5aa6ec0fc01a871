"""Osiris driver implementations."""
