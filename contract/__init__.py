"""The contract's facts, in one dependency-free place (installed as
``osiris_driver_kit.contract``): the targets a project can be written for and what each
runtime expects. The linter, the runtime, the check and the generator import it; none of
it imports them.
"""
