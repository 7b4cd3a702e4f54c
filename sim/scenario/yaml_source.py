"""Reading one scenario file: bounded YAML with the line of every value.

Scenario files are small (the shipped ones are under 10 KB), so the reader refuses anything that
could exhaust the machine before it starts: files over :data:`MAX_FILE_BYTES`, nesting deeper than
:data:`MAX_DEPTH`, lists or mappings of more than :data:`MAX_ITEMS` entries, and YAML aliases whose expansion would hold more values than the file has
bytes (plus :data:`ALIAS_SLACK`), the "billion laughs" attack. Each problem is a
:class:`~sim.scenario.errors.Problem` naming the file and line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from sim.scenario.errors import Loc, Problem, ScenarioError, dotted

MAX_FILE_BYTES = 128 * 1024  #: a scenario file larger than this is refused before it is parsed (the shipped ones: < 10 KB)
MAX_DEPTH = 32  #: mappings and lists nested deeper than this are refused (a scenario needs about 6)
MAX_ITEMS = 1_000  #: keys of one mapping, items of one list (a scenario's longest list has 24)
ALIAS_SLACK = 1_000  #: values built, aliases expanded, may exceed the file's size in bytes by this much



class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml: ~6x faster, and it caps nesting itself
    """PyYAML's safe loader, reading ``1e6`` as a number as YAML 1.2 does (YAML 1.1 wants ``1.0e6``)."""


Loader.add_implicit_resolver("tag:yaml.org,2002:float", re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
                             list("-+0123456789"))


def _fail(shown: str, line: int, path: Loc | str, message: str) -> ScenarioError:
    return ScenarioError([Problem(shown, line, path if isinstance(path, str) else dotted(path), message)])


def read_bounded(path: Path, shown: str, limit: int = MAX_FILE_BYTES) -> str:
    """The text of ``path``, refusing files over ``limit`` bytes (checked before and while reading)."""
    try:
        size = path.stat().st_size
        if size > limit:
            raise _fail(shown, 0, "", f"file is {size:,} bytes; a scenario file may have at most {limit:,}")
        with path.open("rb") as f:
            raw = f.read(limit + 1)
    except OSError as e:
        raise _fail(shown, 0, "", f"cannot read file: {e.strerror or e}") from None
    if len(raw) > limit:
        raise _fail(shown, 0, "", f"file has more than {limit:,} bytes, the most a scenario file may have")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise _fail(shown, 0, "", f"not a UTF-8 text file ({e.reason})") from None


class _Builder:
    """Turns the composed node graph into plain data, recording the line of every key and item."""

    def __init__(self, loader, shown: str, budget: int) -> None:
        self.loader, self.shown, self.budget = loader, shown, budget
        self.lines: dict[Loc, tuple[str, int]] = {}
        self.built = 0

    def _flatten(self, node: yaml.MappingNode) -> None:
        """PyYAML's merge-key (``<<: *base``) flattening, stopped once it outgrows the budget."""
        merge: list = []
        index = 0
        while index < len(node.value):
            key_node, value_node = node.value[index]
            if key_node.tag == "tag:yaml.org,2002:merge":
                del node.value[index]
                subs = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                for sub in reversed(subs):
                    if not isinstance(sub, yaml.MappingNode):
                        raise _fail(self.shown, sub.start_mark.line + 1, "", "a merge key (<<) needs a mapping or a list of mappings")
                    self._flatten(sub)
                    merge.extend(sub.value)
                    if len(merge) > self.budget:
                        raise _fail(self.shown, key_node.start_mark.line + 1, "", "merge keys (<<) expand to more values "
                                    f"than the file can hold ({self.budget:,})")
            else:
                if key_node.tag == "tag:yaml.org,2002:value":
                    key_node.tag = "tag:yaml.org,2002:str"
                index += 1
        if merge:  # explicit keys win over merged ones, and earlier merged mappings over later ones
            seen = {k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
            kept = []
            for k, v in reversed(merge):
                if isinstance(k, yaml.ScalarNode):
                    if k.value in seen:
                        continue
                    seen.add(k.value)
                kept.append((k, v))
            node.value = kept[::-1] + node.value

    def build(self, n: yaml.Node, loc: Loc) -> Any:
        self.built += 1
        if self.built > self.budget:
            raise _fail(self.shown, n.start_mark.line + 1, loc, "aliases (*name) expand to more values than the file "
                        f"can hold ({self.budget:,}); write the values out or use fewer aliases")
        if len(loc) > MAX_DEPTH:
            raise _fail(self.shown, n.start_mark.line + 1, loc, f"nested deeper than {MAX_DEPTH} levels")
        if isinstance(n, (yaml.MappingNode, yaml.SequenceNode)) and len(n.value) > MAX_ITEMS:
            raise _fail(self.shown, n.start_mark.line + 1, loc, f"has {len(n.value):,} entries; at most {MAX_ITEMS:,} are allowed")
        if isinstance(n, yaml.MappingNode):
            self._flatten(n)
            out: dict = {}
            for k, v in n.value:
                line = k.start_mark.line + 1
                if not isinstance(k, yaml.ScalarNode):
                    raise _fail(self.shown, line, loc, "a key must be a plain name, not a list or mapping")
                key = self.loader.construct_object(k, deep=True)
                if not isinstance(key, (str, int)) or isinstance(key, bool):
                    raise _fail(self.shown, line, loc, f"key {key!r} is not a name")
                if key in out:
                    raise _fail(self.shown, line, loc + (key,), "duplicate key")
                self.lines[loc + (key,)] = (self.shown, line)
                out[key] = self.build(v, loc + (key,))
            return out
        if isinstance(n, yaml.SequenceNode):
            items = []
            for i, v in enumerate(n.value):
                self.lines[loc + (i,)] = (self.shown, v.start_mark.line + 1)
                items.append(self.build(v, loc + (i,)))
            return items
        try:
            return self.loader.construct_object(n, deep=True)
        except (ValueError, OverflowError) as e:  # e.g. an integer with more digits than Python converts
            raise _fail(self.shown, n.start_mark.line + 1, loc, f"cannot read the value ({e})") from None


def parse(path: Path, shown: str) -> tuple[dict, dict[Loc, tuple[str, int]]]:
    """Data and line map ``{setting path: (file, line)}`` of one scenario file (no ``extends:``)."""
    text = read_bounded(path, shown)
    loader = Loader(text)
    builder = _Builder(loader, shown, len(text.encode("utf-8")) + ALIAS_SLACK)
    try:
        node = loader.get_single_node()
        data = builder.build(node, ()) if node is not None else None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else 0
        raise _fail(shown, line, "", f"YAML syntax error: {e.problem or e}") from None
    except yaml.YAMLError as e:
        raise _fail(shown, 0, "", f"YAML error: {str(e).splitlines()[0]}") from None
    except RecursionError:
        raise _fail(shown, 0, "", f"nested deeper than {MAX_DEPTH} levels") from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise _fail(shown, 1, "", "a scenario file must be a mapping of settings (key: value)")
    builder.lines[()] = (shown, 1)
    return data, builder.lines
