"""bench/lint_corpus.py writes the benchmark corpus: valid, varied, realistic and the same
for the same seed."""

import ast
import importlib.util
import io
import keyword
import sys
import tokenize
from collections import Counter
from pathlib import Path

import pytest

GENERATOR = Path(__file__).resolve().parents[1] / "bench" / "lint_corpus.py"


@pytest.fixture(scope="module")
def lint_corpus():
    spec = importlib.util.spec_from_file_location("lint_corpus", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


@pytest.fixture(scope="module")
def corpus(lint_corpus, tmp_path_factory) -> list[Path]:
    return lint_corpus.generate(tmp_path_factory.mktemp("corpus"), files=200, seed=7)


def is_driver(path: Path) -> bool:
    return path.name.endswith("_driver.py") and not path.name.startswith("test_")


FSTRING_PARTS = ("FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END")  # Python 3.12+
LITERALS = {tokenize.STRING, tokenize.NUMBER}
LITERALS |= {getattr(tokenize, part) for part in FSTRING_PARTS if hasattr(tokenize, part)}


def without_names(source: str) -> str:
    """The token stream with names and literals blanked and comments dropped: what stays
    is the shape of the code."""
    shape = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.NAME and not keyword.iskeyword(token.string):
            shape.append("name")
        elif token.type in LITERALS:
            shape.append("literal")
        elif token.type != tokenize.COMMENT:
            shape.append(token.string)
    return " ".join(shape)


def test_it_writes_the_number_of_files_asked_for(corpus):
    assert len(corpus) == 200
    assert all(path.is_file() for path in corpus)


def test_every_file_is_valid_python(corpus):
    for path in corpus:
        ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_driver_files_are_60_to_400_lines_long(corpus):
    lengths = [path.read_text(encoding="utf-8").count("\n") for path in corpus if is_driver(path)]
    assert min(lengths) >= 60 and max(lengths) <= 400
    assert max(lengths) - min(lengths) > 200, "lengths should spread over the range"


def test_the_corpus_looks_like_a_drivers_repository(corpus):
    names = [path.name for path in corpus]
    categories = Counter(name.rsplit("_", 2)[-2] for name in names if name.endswith("_driver.py"))
    assert set(categories) == {"extractor", "writer", "transformer"}
    assert "__init__.py" in names
    assert any(name.startswith("test_") for name in names)
    assert any(name in ("quoting.py", "masking.py") for name in names)
    text = "\n".join(path.read_text(encoding="utf-8") for path in corpus)
    for backend in ("psycopg.connect", "pymysql.connect", "sqlite3.connect", "duckdb.connect",
                    "sa.create_engine", "requests.Session", "pd.read_"):
        assert backend in text, backend


def test_some_drivers_keep_the_contract_and_some_break_it(corpus):
    texts = [path.read_text(encoding="utf-8") for path in corpus if is_driver(path)]
    assert sum("print(" in text or "sys.stderr.write" in text for text in texts) > 0
    assert sum("except Exception as e:" not in text for text in texts) > 0
    assert sum("DriverRegistry.register" in text for text in texts) > len(texts) / 2


def test_files_differ_in_more_than_their_names(corpus):
    shapes = Counter(without_names(path.read_text(encoding="utf-8")) for path in corpus)
    repeated = sum(count - 1 for count in shapes.values())
    assert repeated < 0.05 * len(corpus)


def test_the_same_seed_writes_the_same_corpus(lint_corpus, corpus, tmp_path):
    again = lint_corpus.generate(tmp_path, files=200, seed=7)
    first_root, second_root = corpus[0].parents[1], tmp_path
    assert [p.relative_to(first_root) for p in corpus] == [p.relative_to(second_root) for p in again]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(corpus, again, strict=True))


def test_another_seed_writes_another_corpus(lint_corpus, corpus, tmp_path):
    other = lint_corpus.generate(tmp_path, files=200, seed=8)
    assert {p.read_text(encoding="utf-8") for p in other} != {p.read_text(encoding="utf-8") for p in corpus}


def test_the_command_line(lint_corpus, tmp_path, capsys):
    assert lint_corpus.main([str(tmp_path / "out"), "--files", "25", "--seed", "3"]) == 0
    assert len(list((tmp_path / "out").rglob("*.py"))) == 25
    assert "wrote 25 files" in capsys.readouterr().out
