"""``typing.get_type_hints`` on the public API, as pydantic, cattrs or a docs tool call it.

Private modules import some names only for type checking (import time, import cycles);
``publish`` binds them in the module once the module defining each is loaded (see
``tools/exports.py``), without importing anything itself.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

# Walks every public class, function and method of ops, ops.pebble and ops.testing (the
# classes and functions once their modules are loaded) and prints those whose hints fail.
_WALK = textwrap.dedent(
    """
    import inspect, json, sys, typing
    import ops, ops.pebble, ops.testing

    def objects():
        modules = {'ops': ops, 'ops.pebble': ops.pebble, 'ops.testing': ops.testing}
        for label, module in modules.items():
            for name in module.__all__:
                obj = getattr(module, name)
                if inspect.isclass(obj):
                    yield f'{label}.{name}', obj
                    for attr, member in vars(obj).items():
                        if attr.startswith('_') and attr != '__init__':
                            continue
                        member = getattr(member, '__func__', member)
                        member = getattr(member, 'fget', member)
                        if inspect.isfunction(member):
                            yield f'{label}.{name}.{attr}', member
                elif inspect.isfunction(obj):
                    yield f'{label}.{name}', obj

    found = list(objects())
    failed = {}
    for qualname, obj in found:
        try:
            typing.get_type_hints(obj)
        except Exception as e:
            failed[qualname] = f'{type(e).__name__}: {e}'
    print(json.dumps({'count': len(found), 'failed': failed}))
    """
)

# ops_core._pebble_client's Protocol is only ever imported for type checking: the "one
# Pebble simulation" work types Container against ops_pebble.Client instead, and removes it.
# ops 3.9's Harness has the same unresolvable 'Context'.
_KNOWN = {
    'ops.Container.__init__',
    'ops.Container.pebble',
    'ops.ContainerMapping.__init__',
    'ops.Model.__init__',
    'ops.testing.Harness',
}


def _run(code: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, '-c', code], capture_output=True, text=True, check=True, timeout=120
    )
    return json.loads(out.stdout.splitlines()[-1])


def test_the_public_api_hints_resolve_once_its_modules_are_loaded() -> None:
    result = _run(_WALK)
    assert isinstance(result['count'], int) and result['count'] > 500
    failed = result['failed']
    assert isinstance(failed, dict)
    assert set(failed) <= _KNOWN, {k: v for k, v in failed.items() if k not in _KNOWN}


def test_binding_the_hints_imports_nothing() -> None:
    code = textwrap.dedent(
        """
        import json, sys, typing
        import ops_core.charm
        ops_core.charm.CharmBase  # loads ops_core._charm._charm, whose hints name Framework
        framework_loaded_by_charm = 'ops_core._framework._framework' in sys.modules
        try:
            typing.get_type_hints(ops_core.charm.CharmBase.__init__)
            early = 'resolved'
        except NameError as e:
            early = str(e)
        import ops_core.framework
        ops_core.framework.Framework
        hints = typing.get_type_hints(ops_core.charm.CharmBase.__init__)
        print(json.dumps({
            'framework_loaded_by_charm': framework_loaded_by_charm,
            'early': early,
            'framework': hints['framework'] is ops_core.framework.Framework,
        }))
        """
    )
    result = _run(code)
    assert result['framework'] is True
    if not result['framework_loaded_by_charm']:
        # Nothing imported the defining module, and publish did not either.
        assert result['early'] == "name 'Framework' is not defined"
