"""Lazily built dataclasses: records that are dataclasses without importing :mod:`dataclasses` up front.

``import dataclasses`` imports :mod:`inspect`, and with it ``ast``, ``dis``, ``tokenize``
and more: a large share of the start-up cost of a hook process. The ``record`` decorator
here generates the same ``__init__``, ``__repr__``, ``__eq__``, ``__hash__``,
``__setattr__``/``__delattr__`` (frozen) and ``__match_args__`` that
``dataclasses.dataclass`` would, from the class annotations (and calls ``__post_init__``
as it does); each generated method is compiled (one ``exec``) only when it is first
looked up.

The classes stay dataclasses for everything that asks: ``__dataclass_fields__`` and
``__dataclass_params__`` are computed on first access (importing :mod:`dataclasses` only
then), so :func:`dataclasses.is_dataclass`, :func:`dataclasses.fields`,
:func:`dataclasses.replace`, :func:`dataclasses.asdict` and subclassing with
``@dataclass`` work unchanged. Assigning to a field of a frozen record raises
:class:`dataclasses.FrozenInstanceError`, as a frozen dataclass does.

Type checkers see ``record`` and ``field`` as :func:`dataclasses.dataclass` and
:func:`dataclasses.field`, so they understand these classes exactly as dataclasses.

Supported: ``init``, ``repr``, ``eq``, ``frozen``, ``kw_only``;
``field(default=..., default_factory=..., init=..., repr=..., compare=..., kw_only=...)``;
``ClassVar`` annotations (skipped); ``__post_init__``; inheritance from another record;
methods the class body defines itself are kept, as ``dataclasses`` keeps them. Not
supported (not used by this project; passing them is a ``TypeError``): ``InitVar``,
``KW_ONLY``, ``order``, ``unsafe_hash``, ``slots``, ``field(hash=..., metadata=...)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from ._exports import publish

__all__ = ['field', 'record']

_T = TypeVar('_T')


class _Missing:
    def __repr__(self) -> str:
        return '<missing>'


_MISSING: Any = _Missing()


class _Factory:
    """The default shown for a field built by a factory (as ``dataclasses`` shows it)."""

    def __repr__(self) -> str:
        return '<factory>'


_HAS_FACTORY: Any = _Factory()


class _Spec:
    """One field of a record: what ``dataclasses.field`` would have recorded."""

    __slots__ = (
        'compare',
        'default',
        'default_factory',
        'init',
        'kw_only',
        'name',
        'repr',
        'type',
    )

    def __init__(
        self,
        *,
        default: Any = _MISSING,
        default_factory: Any = _MISSING,
        init: bool = True,
        repr: bool = True,
        compare: bool = True,
        kw_only: Any = _MISSING,
    ) -> None:
        if default is not _MISSING and default_factory is not _MISSING:
            raise ValueError('cannot specify both default and default_factory')
        self.name = ''
        self.type: Any = None
        self.default = default
        self.default_factory = default_factory
        self.init = init
        self.repr = repr
        self.compare = compare
        # _MISSING until the class decorator applies its own kw_only to the field.
        self.kw_only: Any = kw_only

    @property
    def has_default(self) -> bool:
        return self.default is not _MISSING or self.default_factory is not _MISSING


def _is_classvar(annotation: object) -> bool:
    if isinstance(annotation, str):
        return annotation.startswith(('ClassVar', 'typing.ClassVar'))
    import typing

    return annotation is typing.ClassVar or getattr(annotation, '__origin__', None) is (
        typing.ClassVar
    )


class _LazyDataclassAttr:
    """``__dataclass_fields__``/``__dataclass_params__``, built by :mod:`dataclasses` on demand."""

    def __init__(self, cls: type, attr: str) -> None:
        self._cls = cls
        self._attr = attr
        # The defining module, kept before the class's __module__ becomes its public home
        # (which need not be imported yet): dataclasses reads the module's namespace.
        self._module = cls.__module__

    def __get__(self, obj: object, owner: type | None = None) -> Any:
        cls = self._cls
        shadow = _shadow_dataclass(cls, self._module)
        # Replace both descriptors by the real values: later lookups are plain attributes.
        for attr in ('__dataclass_fields__', '__dataclass_params__'):
            setattr(cls, attr, getattr(shadow, attr))
        return getattr(shadow, self._attr)


def _shadow_dataclass(cls: type, module: str) -> type:
    """A real dataclass with the same fields as record ``cls`` (defined in ``module``)."""
    import dataclasses

    specs: list[_Spec] = cls.__dict__['__record_fields__']
    namespace: dict[str, Any] = {
        '__module__': module,
        '__qualname__': cls.__qualname__,
        '__annotations__': {spec.name: spec.type for spec in specs},
    }
    for spec in specs:
        namespace[spec.name] = dataclasses.field(
            default=spec.default if spec.default is not _MISSING else dataclasses.MISSING,
            default_factory=(
                spec.default_factory
                if spec.default_factory is not _MISSING
                else dataclasses.MISSING
            ),
            init=spec.init,
            repr=spec.repr,
            compare=spec.compare,
            kw_only=spec.kw_only,
        )
    params: _Params = cls.__dict__['__record_params__']
    return dataclasses.dataclass(
        init=params.init, repr=params.repr, eq=params.eq, frozen=params.frozen
    )(type(cls.__name__, (), namespace))


def _frozen_error(name: str) -> Exception:
    import dataclasses

    return dataclasses.FrozenInstanceError(f'cannot assign to field {name!r}')


class _Params:
    """The class-level options of one record (``dataclasses``' ``__dataclass_params__``)."""

    __slots__ = ('eq', 'frozen', 'init', 'kw_only', 'post_init', 'repr')

    def __init__(self, init: bool, repr: bool, eq: bool, frozen: bool, kw_only: bool) -> None:
        self.init = init
        self.repr = repr
        self.eq = eq
        self.frozen = frozen
        self.kw_only = kw_only
        self.post_init = False


def _process(cls: type[_T], params: _Params) -> type[_T]:
    specs: dict[str, _Spec] = {}
    for base in reversed(cls.__mro__[1:]):
        for spec in base.__dict__.get('__record_fields__', ()):
            specs[spec.name] = spec
    for name, annotation in cls.__dict__.get('__annotations__', {}).items():
        if _is_classvar(annotation):
            continue
        value = cls.__dict__.get(name, _MISSING)
        spec = value if isinstance(value, _Spec) else _Spec(default=value)
        spec.name = name
        spec.type = annotation
        if spec.kw_only is _MISSING:
            spec.kw_only = params.kw_only
        if spec.default.__class__.__hash__ is None:  # a list, dict, set, ...: as dataclasses
            raise ValueError(
                f'mutable default {type(spec.default)} for field {name} is not allowed: '
                'use default_factory'
            )
        if spec.default is _MISSING:
            if name in cls.__dict__:
                delattr(cls, name)
        else:
            setattr(cls, name, spec.default)
        specs[name] = spec

    fields = list(specs.values())
    _check_field_order(fields)
    params.post_init = hasattr(cls, '__post_init__')
    klass: Any = cls  # the generated attributes are not part of the class's static type
    own = cls.__dict__
    # As dataclasses decides: a __hash__ the body set (other than the None Python sets
    # for a body that defines __eq__ alone) is kept.
    explicit_hash = '__hash__' in own and not (own['__hash__'] is None and '__eq__' in own)
    methods = [
        name
        for name, wanted in (
            ('__init__', params.init),
            ('__repr__', params.repr),
            ('__eq__', params.eq),
        )
        if wanted and name not in own
    ]
    for name in methods:
        setattr(cls, name, _LazyMethod(cls, name, fields, params))
    if params.eq and not explicit_hash:
        if params.frozen:
            klass.__hash__ = _LazyMethod(cls, '__hash__', fields, params)
        else:
            klass.__hash__ = None
    if params.frozen:
        field_names = frozenset(spec.name for spec in fields)
        for name, function in _frozen_methods(cls, field_names).items():
            if name in own:
                raise TypeError(f'cannot overwrite attribute {name} in class {cls.__name__}')
            function.__qualname__ = f'{cls.__qualname__}.{name}'
            setattr(cls, name, function)
    if '__match_args__' not in own:
        match_args = tuple(spec.name for spec in fields if spec.init and not spec.kw_only)
        type.__setattr__(cls, '__match_args__', match_args)
    klass.__record_fields__ = fields
    klass.__record_params__ = params
    for attr in ('__dataclass_fields__', '__dataclass_params__'):
        setattr(cls, attr, _LazyDataclassAttr(cls, attr))
    return cls


def _check_field_order(fields: list[_Spec]) -> None:
    seen_default = False
    for spec in fields:
        if spec.kw_only or not spec.init:
            continue
        if spec.has_default:
            seen_default = True
        elif seen_default:
            raise TypeError(f'non-default argument {spec.name!r} follows default argument')


def _frozen_methods(cls: type[Any], field_names: frozenset[str]) -> dict[str, Any]:
    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in field_names:
            raise _frozen_error(name)
        super(cls, self).__setattr__(name, value)

    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in field_names:
            raise _frozen_error(name)
        super(cls, self).__delattr__(name)

    return {'__setattr__': __setattr__, '__delattr__': __delattr__}


class _LazyMethod:
    """A generated method, compiled the first time it is looked up, then put in its place.

    Compiling source costs far more than running it once, and a hook process uses few of
    the methods of few records: most are never compiled. Any lookup (a call, or
    :func:`inspect.signature` reading ``__init__``) gets the real function.
    """

    def __init__(self, cls: type, name: str, fields: list[_Spec], params: _Params) -> None:
        self._cls = cls
        self._name = name
        self._fields = fields
        self._params = params

    def __get__(self, obj: object, owner: type | None = None) -> Any:
        function = self._compile()
        setattr(self._cls, self._name, function)
        return function if obj is None else function.__get__(obj, owner)

    def _compile(self) -> Any:
        fields = self._fields
        namespace: dict[str, Any] = {'_MISSING': _MISSING, '_HAS_FACTORY': _HAS_FACTORY}
        if self._name == '__init__':
            source = _init_source(fields, self._params, namespace)
        elif self._name == '__repr__':
            shown = [spec.name for spec in fields if spec.repr]
            parts = ', '.join(f'{name}={{self.{name}!r}}' for name in shown)
            source = (
                'def __repr__(self) -> str:\n'
                f"    return f'{{self.__class__.__qualname__}}({parts})'\n"
            )
        elif self._name == '__eq__':
            compared = [spec.name for spec in fields if spec.compare]
            values = ''.join(f'self.{name}, ' for name in compared)
            others = ''.join(f'other.{name}, ' for name in compared)
            source = (
                'def __eq__(self, other):\n'
                '    if other.__class__ is self.__class__:\n'
                f'        return ({values}) == ({others})\n'
                '    return NotImplemented\n'
            )
        else:
            values = ''.join(f'self.{spec.name}, ' for spec in fields if spec.compare)
            source = f'def __hash__(self) -> int:\n    return hash(({values}))\n'
        exec(source, namespace)  # the source is built from field names only
        function = namespace[self._name]
        function.__qualname__ = f'{self._cls.__qualname__}.{self._name}'
        if self._name == '__init__':
            annotations = {spec.name: spec.type for spec in fields if spec.init}
            function.__annotations__ = {**annotations, 'return': None}
        return function


def _init_source(fields: list[_Spec], params: _Params, namespace: dict[str, Any]) -> str:
    positional: list[str] = []
    keyword: list[str] = []
    body: list[str] = []
    setter = '_setattr(self, {0!r}, {1})' if params.frozen else 'self.{0} = {1}'
    namespace['_setattr'] = object.__setattr__
    for spec in fields:
        param = spec.name
        if spec.default_factory is not _MISSING:
            namespace[f'_factory_{spec.name}'] = spec.default_factory
            if spec.init:
                param += '=_HAS_FACTORY'
                value = f'_factory_{spec.name}() if {spec.name} is _HAS_FACTORY else {spec.name}'
            else:
                value = f'_factory_{spec.name}()'
        elif spec.default is not _MISSING:
            namespace[f'_default_{spec.name}'] = spec.default
            param += f'=_default_{spec.name}'
            value = spec.name if spec.init else f'_default_{spec.name}'
        elif not spec.init:
            continue  # as in dataclasses: left unset, for __post_init__ to fill
        else:
            value = spec.name
        if spec.init:
            (keyword if spec.kw_only else positional).append(param)
        body.append('    ' + setter.format(spec.name, value))
    if params.post_init:
        body.append('    self.__post_init__()')
    params_list = ['self', *positional, *(['*', *keyword] if keyword else [])]
    lines = [f'def __init__({", ".join(params_list)}) -> None:', *(body or ['    pass'])]
    return '\n'.join(lines) + '\n'


def _record(
    cls: type[_T] | None = None,
    /,
    *,
    init: bool = True,
    repr: bool = True,
    eq: bool = True,
    frozen: bool = False,
    kw_only: bool = False,
) -> Any:
    def wrap(cls: type[_T]) -> type[_T]:
        return _process(cls, _Params(init, repr, eq, frozen, kw_only))

    return wrap if cls is None else wrap(cls)


if TYPE_CHECKING:
    from dataclasses import dataclass as record
    from dataclasses import field
else:
    record = _record
    field = _Spec


publish(__name__)
