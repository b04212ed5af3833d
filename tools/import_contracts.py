"""import-linter contract types of this repository (see ``.importlinter``).

``sister_seams``: no distribution imports a private module of another. Each root package of
the graph is one distribution (``ops_core``, ``ops_pebble``, ...); a module is private when
any part of its name after the root starts with an underscore (``ops_core._dispatch._dispatcher``,
``ops_testing._pebble.client``). Across distributions only public modules may be imported,
and among them the one seam module each lower distribution declares for its sisters
(``ops_hookcmds.sister``, ``ops_pebble.sister``, ``ops_core.sister``), so a private module's
name can change without breaking another distribution. Inside one distribution anything goes: the package
layout is that distribution's own business.

The stock ``private_modules`` contract is stricter than this (a private module only from
inside its parent package, so ``ops_testing._harness`` could not import
``ops_testing._pebble._client``), and ``forbidden`` contracts cannot name "every private
module of a package" (a wildcard replaces whole module names only).
"""

from __future__ import annotations

from typing import Any

from importlinter import Contract, ContractCheck, fields, output
from importlinter.application import contract_utils


def is_private(module: str) -> bool:
    """Whether a part of ``module`` after its root starts with ``_`` (dunders excepted)."""
    return any(
        part.startswith('_') and not (part.startswith('__') and part.endswith('__'))
        for part in module.split('.')[1:]
    )


def illegal_imports(graph: Any) -> list[tuple[str, str, tuple[int, ...]]]:
    """Every (importer, imported, line numbers) that reaches a private module of another root."""
    found = []
    for importer in sorted(graph.modules):
        root = importer.split('.', 1)[0]
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            if imported.split('.', 1)[0] == root or not is_private(imported):
                continue
            if imported.split('.', 1)[0] not in _roots(graph):
                continue  # a third-party module (only seen with include_external_packages)
            details = graph.get_import_details(importer=importer, imported=imported)
            found.append((importer, imported, tuple(d['line_number'] for d in details)))
    return found


def _roots(graph: Any) -> set[str]:
    return {module for module in graph.modules if '.' not in module}


class SisterSeamsContract(Contract):
    """No cross-distribution import of a private module (see the module docstring).

    Configuration options:
        - ignore_imports: import expressions to leave out, each with a comment in
          ``.importlinter`` naming the work that removes it. (Optional.)
        - unmatched_ignore_imports_alerting: ``none``, ``warn`` or ``error`` (the default)
          when an ignored import is no longer in the graph.
    """

    type_name = 'sister_seams'

    ignore_imports = fields.SetField(subfield=fields.ImportExpressionField(), required=False)
    unmatched_ignore_imports_alerting = fields.EnumField(
        contract_utils.AlertLevel, default=contract_utils.AlertLevel.ERROR
    )

    def check(self, graph: Any, verbose: bool) -> ContractCheck:
        removal = contract_utils.remove_ignored_imports_and_report(
            graph=graph,
            ignore_imports=self.ignore_imports,  # type: ignore[arg-type]
            unmatched_alerting=self.unmatched_ignore_imports_alerting,  # type: ignore[arg-type]
        )
        found = illegal_imports(graph)
        return ContractCheck(
            kept=not found,
            warnings=list(removal.warnings),
            ignored_import_count=removal.ignored_import_count,
            metadata={'illegal_imports': found},
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        output.print_error(
            'Private modules imported from another distribution (use its seam module, '
            'e.g. ops_core.sister, or make the name public):',
            bold=False,
        )
        output.new_line()
        for importer, imported, lines in check.metadata['illegal_imports']:
            where = ', '.join(map(str, lines))
            output.print_error(f'- {importer} -> {imported} (l.{where})', bold=False)
        output.new_line()
