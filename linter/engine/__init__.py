"""The engine: a run over files (lint_run), one file (lint_file: decode, parse once,
one walk feeding every rule), the rule API (rule), settings and configuration, the
cache, suppressions, fixes and the project pass. It knows nothing of the contract's
rules; the rules know nothing of processes, files on disk or output formats."""
