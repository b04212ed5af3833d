"""The charm's parsed metadata files, cached between hooks so that a hook need not load YAML.

Importing PyYAML and parsing ``metadata.yaml`` is the largest single cost of a trivial hook
(PyYAML compiles a few dozen regular expressions when imported). The files change only when
the charm is upgraded, so ``ops.main`` keeps their parsed documents in
``<charm dir>/.unit-metadata-cache.json`` next to the unit's state file:

- The cache holds the full text of every file it was made from, and is used only when each
  file's current text is exactly that text; anything else (a changed, added or removed
  file, a damaged or foreign cache file) is a miss, and the files are parsed again.
- It is JSON: plain data, never code. Documents that JSON cannot hold exactly (YAML dates,
  binary values, non-string keys, ...) are not cached; such a charm parses its YAML in
  every hook, as before.
- It is written to a temporary file in the same directory and renamed over the old one,
  so a reader sees the old cache or the new one, never part of one. A charm directory
  that cannot be written just means no cache.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any

from ._meta import _meta_from_documents, _metadata_sources, _parse_documents

if TYPE_CHECKING:
    from ._meta import CharmMeta

CACHE_FILE = '.unit-metadata-cache.json'
"""The cache's file name in the charm directory."""

_FORMAT = 1

_Sources = tuple[tuple[str, 'str | None'], ...]


def load_charm_meta(charm_dir: str | os.PathLike[str]) -> CharmMeta:
    """The charm's metadata, from the cache when the files are unchanged.

    Reads the metadata files as :meth:`CharmMeta.from_charm_root` does (each once); parses
    them only on a cache miss, then refreshes the cache.

    Raises:
        FileNotFoundError: if neither metadata.yaml nor charmcraft.yaml exists.
        MetadataError: if a file is malformed; the message names the file and field.
    """
    sources = _metadata_sources(charm_dir)
    path = os.path.join(charm_dir, CACHE_FILE)
    documents = _read(path, sources)
    if documents is not None:
        try:
            return _meta_from_documents(sources, documents)
        except Exception:
            pass  # a cache that does not build is a miss: parse the files again
    documents = _parse_documents(sources)
    meta = _meta_from_documents(sources, documents)
    if _exact_in_json(documents):
        _write(path, sources, documents)
    return meta


def _key(sources: _Sources) -> list[list[str | None]]:
    # File names, not paths: the cache stays valid if the charm directory moves.
    return [[os.path.basename(path), text] for path, text in sources]


def _read(path: str, sources: _Sources) -> list[Any] | None:
    try:
        with open(path, encoding='utf-8') as f:
            data = json.load(f)
    except (OSError, ValueError):
        return None
    if (
        type(data) is not dict
        or data.get('format') != _FORMAT
        or data.get('sources') != _key(sources)
    ):
        return None
    documents = data.get('documents')
    if type(documents) is not list or len(documents) != len(sources):
        return None
    return documents


def _write(path: str, sources: _Sources, documents: list[Any]) -> None:
    text = json.dumps({'format': _FORMAT, 'sources': _key(sources), 'documents': documents})
    temporary = f'{path}.{os.getpid()}.tmp'
    try:
        if os.path.lexists(temporary):  # left by a killed process that had our pid
            os.unlink(temporary)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with open(fd, 'w', encoding='utf-8') as f:
            f.write(text)
        os.replace(temporary, path)
    except OSError:
        try:
            os.unlink(temporary)
        except OSError:
            pass


def _exact_in_json(value: Any) -> bool:
    """Whether JSON gives back exactly ``value`` (same types, same values)."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return True
    if kind is float:
        return bool(value - value == 0.0)  # finite: JSON has no inf or nan
    if kind is list:
        return all(_exact_in_json(item) for item in value)
    if kind is dict:
        return all(type(k) is str and _exact_in_json(v) for k, v in value.items())
    return False
