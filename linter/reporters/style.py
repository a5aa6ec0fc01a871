"""ANSI styling for the human formats (used only when colour is on)."""

_CODES = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "cyan": "36"}


def paint(text: str, style: str, on: bool) -> str:
    return f"\033[{_CODES[style]}m{text}\033[0m" if on else text
