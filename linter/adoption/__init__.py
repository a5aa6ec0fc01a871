"""Turning the linter on in a repository that already has findings: ``--add-noqa``
suppresses each one in place, ``--write-baseline``/``--baseline`` records them and
reports only new ones."""
