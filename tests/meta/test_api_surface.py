"""The public API must never fall below the conformance recorded in tests/data/api-floor.txt."""

from __future__ import annotations

from tests.meta.api_surface import compare, recorded_floor


def test_api_conformance_does_not_fall_below_the_recorded_floor() -> None:
    report = compare()
    per_module = ', '.join(f'{m} {ok}/{total}' for m, (ok, total) in report.per_module.items())
    print(f'api-conformance: {report.ok}/{report.total} ({report.percent:.1f}%): {per_module}')
    floor = recorded_floor()
    assert report.ok >= floor, (
        f'API conformance fell to {report.ok}/{report.total}, below the floor of {floor}; '
        'first problems:\n' + '\n'.join(report.problems[:40])
    )


def test_the_ops_names_that_exist_are_the_underlying_objects() -> None:
    import ops
    import ops_core

    for name in ops_core.__all__:
        assert getattr(ops, name) is getattr(ops_core, name), name


def test_the_core_top_level_lists_every_public_name_of_its_modules() -> None:
    import ops_core
    from ops_core import charm, framework, jujucontext, jujuversion, model

    expected = {'StatusName'}
    for module in (charm, framework, jujucontext, jujuversion, model):
        expected.update(module.__all__)
    assert len(ops_core.__all__) == len(set(ops_core.__all__)), 'a name is listed twice'
    assert set(ops_core.__all__) == expected
