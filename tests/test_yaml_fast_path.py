"""LibYAML reads content ~20x faster than pure-Python YAML; every file must read exactly the same either way."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from course import yaml_source
from tests.conftest import FIXTURES, ROOT

FILES = sorted(
    [*ROOT.glob("lessons/*.yaml"), *ROOT.glob("quizzes/*.yaml"), *FIXTURES.rglob("*.yaml")],
    key=lambda path: str(path),
)
TRICKY = {
    "tab": b"schema_version: 1\nid: x\n\ttitle: y\n",
    "alias": b"a: &x 1\nb: *x\n",
    "two_documents": b"a: 1\n---\nb: 2\n",
    "unclosed_quote": b'title: "open\nid: x\n',
    "duplicate_key": b"id: a\nid: b\n",
    "control_character": b"title: bell \x07 here\n",
    "list_top": b"- 1\n- 2\n",
}


def read(raw: bytes, monkeypatch: pytest.MonkeyPatch, *, fast: bool) -> object:
    monkeypatch.setattr(yaml_source, "_FAST_LOADER", yaml.CSafeLoader if fast else yaml.SafeLoader)
    try:
        document = yaml_source.parse_yaml_bytes(raw)
    except yaml_source.YamlSourceError as error:
        return ("error", str(error))
    return ("ok", document.data, document.lines)


def test_libyaml_is_available_for_the_fast_path():
    """Debian's and PyPI's PyYAML ship LibYAML; without it content loading misses its 150 ms target."""
    assert yaml_source._FAST_LOADER is yaml.CSafeLoader


@pytest.mark.parametrize("path", FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_content_file_reads_the_same_with_libyaml(path: Path, monkeypatch):
    """Shipped lessons and every test fixture, broken ones included: same data, same lines, same messages."""
    raw = path.read_bytes()
    assert read(raw, monkeypatch, fast=True) == read(raw, monkeypatch, fast=False)


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_broken_yaml_gets_the_same_message_with_libyaml(name: str, monkeypatch):
    """Syntax errors, aliases and stray characters are reported word for word as before."""
    assert read(TRICKY[name], monkeypatch, fast=True) == read(TRICKY[name], monkeypatch, fast=False)
