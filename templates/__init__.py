"""Jinja templates of osiris-gen (a package so importlib.resources finds them)."""
