"""Drivers for the local lakehouse: DuckDB and SQLite files, Parquet, CSV and Excel.

Each driver registers itself at the bottom of its own module.
"""
