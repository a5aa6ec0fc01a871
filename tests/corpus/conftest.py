"""The files below this folder are linter input, not tests: pytest must not import them."""

collect_ignore_glob = ["*"]
