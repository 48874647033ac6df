"""Safe, line-aware YAML reading for course files.

PyYAML's `safe_load` silently keeps the last of two duplicate keys, expands
aliases without bound and forgets line numbers. Course files are read from the
node tree instead, so every value keeps its line and every problem can be
reported as `file:line: key.path: message`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

MAX_FILE_BYTES = 512 * 1024
MAX_NODES = 50_000

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class ContentError:
    """One problem in one content file, phrased for the person who will fix it."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        line = self.line if self.line is not None else 1
        field = self.field or "(file)"
        return f"{self.file}:{line}: {field}: {self.message}"


class YamlSourceError(Exception):
    def __init__(self, line: int | None, field: str, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.field = field
        self.message = message


@dataclass(frozen=True)
class YamlDocument:
    data: Any
    lines: dict[Loc, int]

    def line_for(self, loc: Loc) -> int | None:
        """The line of the deepest part of `loc` that exists in the file."""
        for end in range(len(loc), -1, -1):
            line = self.lines.get(tuple(loc[:end]))
            if line is not None:
                return line
        return None


def format_loc(loc: Loc) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def read_yaml(path: Path) -> YamlDocument:
    """Read one YAML file, raising YamlSourceError with a line for anything unsafe or malformed."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise YamlSourceError(None, "", f"cannot read file: {error.strerror}") from None
    if size > MAX_FILE_BYTES:
        raise YamlSourceError(
            None, "", f"file is {size // 1024} KiB; course files may be at most {MAX_FILE_BYTES // 1024} KiB"
        )
    raw = path.read_bytes()
    return parse_yaml_bytes(raw)


def parse_yaml_bytes(raw: bytes) -> YamlDocument:
    if len(raw) > MAX_FILE_BYTES:
        raise YamlSourceError(
            None, "", f"file is {len(raw) // 1024} KiB; course files may be at most {MAX_FILE_BYTES // 1024} KiB"
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        before = raw[: error.start].decode("utf-8", errors="replace")
        raise YamlSourceError(
            line,
            _nearest_key(before, line),
            f"file is not valid UTF-8 (byte 0x{raw[error.start]:02x}); save it as UTF-8",
        ) from None
    if not text.strip():
        raise YamlSourceError(1, "", "file is empty; a course file is a mapping that starts with schema_version")

    try:
        # LibYAML first: about 20x faster, with the same line marks (docs/performance.md). A file it
        # rejects is read again by the pure-Python parser, so error messages stay exactly the same.
        _reject_aliases_and_bound_size(text, loader=_FAST_LOADER)
        node = yaml.compose(text, Loader=_FAST_LOADER)
    except yaml.YAMLError:
        _reject_aliases_and_bound_size(text)
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError as error:
            raise _syntax_error(error, text) from None
    if node is None:
        raise YamlSourceError(1, "", "file holds no YAML document")
    if not isinstance(node, yaml.MappingNode):
        raise YamlSourceError(
            node.start_mark.line + 1, "", f"the top level must be a mapping of keys, not a {_node_kind(node)}"
        )
    lines: dict[Loc, int] = {}
    data = _construct(node, (), lines)
    return YamlDocument(data=data, lines=lines)


_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _reject_aliases_and_bound_size(text: str, *, loader: type = yaml.SafeLoader) -> None:
    count = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            count += 1
            if count > MAX_NODES:
                raise YamlSourceError(None, "", f"file has more than {MAX_NODES} YAML nodes")
            if isinstance(event, yaml.AliasEvent):
                raise YamlSourceError(
                    event.start_mark.line + 1,
                    _nearest_key(text, event.start_mark.line + 1),
                    f"YAML aliases (*{event.anchor}) are not allowed in course files; write the text out",
                )
            if isinstance(event, yaml.DocumentStartEvent) and count > 2:
                raise YamlSourceError(event.start_mark.line + 1, "", "a course file holds exactly one YAML document")
    except yaml.YAMLError as error:
        if loader is not yaml.SafeLoader:
            raise  # the caller reads the file again with the pure-Python parser for the canonical message
        raise _syntax_error(error, text) from None


_KEY_LINE = re.compile(r"^\s*(?:-\s+)?([A-Za-z_][\w-]*)\s*:")


def _nearest_key(text: str, line: int | None) -> str:
    """The last key written at or before `line`, to point at the field a syntax error sits in."""
    if line is None:
        return ""
    for candidate in reversed(text.splitlines()[:line]):
        match = _KEY_LINE.match(candidate)
        if match:
            return match.group(1)
    return ""


def _syntax_error(error: yaml.YAMLError, text: str) -> YamlSourceError:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line = mark.line + 1 if mark is not None else None
    problem = getattr(error, "problem", None) or str(error)
    context = getattr(error, "context", None)
    message = f"YAML syntax error: {problem}"
    if context:
        message += f" ({context})"
    if "\t" in problem or "\\t" in problem or "tab" in problem.lower():
        message += "; indent with spaces, not tabs"
    if "'<scalar>'" in problem or "block end" in problem:
        message += "; check the indentation and quoting on this line and the one before"
    return YamlSourceError(line, _nearest_key(text, line), message)


def _node_kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "list"
    if isinstance(node, yaml.MappingNode):
        return "mapping"
    return "single value"


def _construct(node: yaml.Node, loc: Loc, lines: dict[Loc, int]) -> Any:
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlSourceError(key_node.start_mark.line + 1, format_loc(loc), "keys must be plain words")
            key = _scalar(key_node)
            if not isinstance(key, str):
                key = str(key)
            child = (*loc, key)
            if key in result:
                raise YamlSourceError(
                    key_node.start_mark.line + 1,
                    format_loc(child),
                    f"duplicate key {key!r} (first on line {lines[child]}); each key may appear once",
                )
            lines[child] = key_node.start_mark.line + 1
            result[key] = _construct(value_node, child, lines)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, (*loc, index), lines) for index, item in enumerate(node.value)]
    return _scalar(node)


_SCALAR_LOADER = yaml.SafeLoader("")


def _scalar(node: yaml.ScalarNode) -> Any:
    try:
        return _SCALAR_LOADER.construct_object(node, deep=True)
    except yaml.YAMLError as error:
        raise YamlSourceError(node.start_mark.line + 1, "", f"cannot read value: {error}") from None
