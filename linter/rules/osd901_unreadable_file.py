"""OSD901 unreadable-file."""

from ..engine.rule import Example, Rule


class UnreadableFile(Rule):
    code = "OSD901"
    name = "unreadable-file"
    message = "{detail}"
    reported_by_engine = True
    explanation = """
## What it checks
That the file can be read and decoded: as its coding cookie says (PEP 263), else as
UTF-8, the encoding Python source files use by default. The finding is at line 1 (a
fact about the whole file); its message names the line of the first undecodable byte.
The other files are still linted. Files that are not regular files (FIFOs, devices) or
are larger than 10 MB are skipped with this finding, and so is valid Python that
LibCST cannot parse (tabs and spaces that CPython reads as the same indentation), at
the place LibCST stops: that is no syntax error (OSD900), since CPython accepts it.

## Why
An unreadable driver cannot be linted, and an undecodable one fails at import.

## Fix
Save the file as UTF-8 (most editors: "Save with encoding"), or fix its permissions;
indent with spaces only.
"""
    VALID = [
        Example("name = 'Zürich'\n", path="cities.py"),
        Example(b"\xef\xbb\xbfx = 1  # a UTF-8 file with a byte order mark\n", path="bom.py"),
        Example("# comment only\n", path="empty.py"),
    ]
    INVALID = [
        Example(b"name = 'Z\xfcrich'  # expect: OSD901\n", path="latin1.py"),
        Example(b"x = 1  # expect: OSD901\ny = '\xff\xfe'\n", path="second_line.py"),
        Example(b"# \x80 stray byte in a comment  # expect: OSD901\n", path="stray.py"),
    ]
