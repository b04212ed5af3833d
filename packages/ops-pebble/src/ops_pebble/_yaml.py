"""YAML loading and dumping for layers and plans, with libyaml when PyYAML has it.

PyYAML's C-accelerated ``CSafeLoader``/``CSafeDumper`` accept and produce the same YAML as
the pure-Python ``SafeLoader``/``SafeDumper`` for the plain data Pebble uses (mappings,
lists, strings, numbers, booleans), about ten times faster; where PyYAML was built without
libyaml the pure-Python classes are used. ``yaml`` is imported on first use so that
importing ``ops_pebble`` stays cheap.

Loading builds the Python objects of a plain document (mappings with scalar keys,
sequences, strings, and the null/bool/int/float scalars, which PyYAML's own constructors
turn into values) directly from the parsed nodes, rather than through PyYAML's general
constructor; any other document (merge keys, timestamps, other tags, a mapping key that is
not a scalar, a recursive alias) is handed to that constructor, so the result is always
what ``yaml.safe_load`` returns.
"""

from __future__ import annotations

from typing import Any

from ._exports import publish

_loader: Any = None
_dumper: Any = None

_STR = 'tag:yaml.org,2002:str'
_MAP = 'tag:yaml.org,2002:map'
_SEQ = 'tag:yaml.org,2002:seq'
_VALUE_TAGS = frozenset(
    f'tag:yaml.org,2002:{name}' for name in ('str', 'null', 'bool', 'int', 'float')
)


def _classes() -> tuple[Any, Any]:
    global _loader, _dumper
    if _loader is None:
        import yaml

        _loader = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)
        _dumper = getattr(yaml, 'CSafeDumper', yaml.SafeDumper)
    return _loader, _dumper


class _NotPlain(Exception):
    """The document needs PyYAML's general constructor."""


class _Builder:
    """Builds the objects of a plain document's nodes (see the module docstring)."""

    def __init__(self, loader: Any):
        self._loader = loader
        self._constructors: dict[str, Any] = type(loader).yaml_constructors
        # Objects built per node: an alias is the same node, and must be the same object.
        self._built: dict[int, Any] = {}
        self._building: set[int] = set()

    def build(self, node: Any) -> Any:
        tag = node.tag
        if tag == _STR and node.id == 'scalar':
            return node.value
        key = id(node)
        if key in self._built:
            return self._built[key]
        if key in self._building:
            raise _NotPlain  # a recursive structure
        kind = node.id
        if kind == 'scalar':
            if tag not in _VALUE_TAGS:
                raise _NotPlain
            value = self._constructors[tag](self._loader, node)
        elif kind == 'sequence' and tag == _SEQ:
            self._building.add(key)
            value = [self.build(child) for child in node.value]
            self._building.discard(key)
        elif kind == 'mapping' and tag == _MAP:
            self._building.add(key)
            mapping: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.id != 'scalar' or key_node.tag not in _VALUE_TAGS:
                    raise _NotPlain  # merge keys, '=' keys, complex keys
                mapping[self.build(key_node)] = self.build(value_node)
            self._building.discard(key)
            value = mapping
        else:
            raise _NotPlain
        self._built[key] = value
        return value


def safe_load(text: str) -> Any:
    """Parse ``text`` as YAML with the safe loader (plain data only), like ``yaml.safe_load``.

    Raises:
        yaml.YAMLError: if ``text`` is not valid YAML, or holds more than one document.
    """
    loader = _classes()[0](text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        try:
            return _Builder(loader).build(node)
        except _NotPlain:
            return loader.construct_document(node)
    finally:
        loader.dispose()


def safe_dump(data: Any, **kwargs: Any) -> str:
    """Return ``data`` as YAML text with the safe dumper; ``kwargs`` as for ``yaml.dump``."""
    import yaml

    text: str = yaml.dump(data, Dumper=_classes()[1], **kwargs)
    return text


publish(__name__)
