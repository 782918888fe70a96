"""Frozen dataclasses read from and written to plain JSON, checked against their annotations.

A ``Record`` subclass declares its fields with types built from ``str``, ``int``, ``float``,
``bool``, ``None``, other records, ``tuple[X, ...]`` (a JSON list) and ``dict[str, X]``.
``from_dict`` checks every value against its field's type and names the path of the first one
that does not fit; ``to_dict`` gives back JSON (lists, not tuples). A field with a default may be
absent from the JSON; one without is required. Keys the record does not declare are ignored when
reading what is stored (``strict=False``) and refused when building something new (``strict``),
so a new key cannot be dropped silently on its way into a snapshot.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Self

Convert = Callable[[Any, str, bool], Any]


class RecordError(ValueError):
    """Stored or built JSON that does not have the shape its record declares."""


@dataclasses.dataclass(frozen=True)
class Record:
    """Base of the snapshot's frozen dataclasses (decorate subclasses with
    ``@dataclass(frozen=True)`` too)."""

    # Fields written by ``to_dict`` only when this returns True for them (default: always).
    _written: ClassVar[Callable[[Any, str], bool] | None] = None

    @classmethod
    def from_dict(cls, data: Any, *, path: str = "", strict: bool = False) -> Self:
        if not isinstance(data, Mapping):
            raise RecordError(f"{path or cls.__name__}: expected an object, found {_kind(data)}")
        if strict:
            unknown = set(data) - {name for name, _c, _r in _fields(cls)}
            if unknown:
                raise RecordError(
                    f"{path or cls.__name__}: keys {sorted(unknown)} are not in {cls.__name__}"
                )
        values = {}
        for name, convert, required in _fields(cls):
            if name in data:
                values[name] = convert(data[name], f"{path}.{name}" if path else name, strict)
            elif required:
                raise RecordError(f"{path or cls.__name__}: missing {name!r}")
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        written = type(self)._written
        return {
            f.name: _dump(getattr(self, f.name))
            for f in dataclasses.fields(self)
            if written is None or written(self, f.name)
        }


def _dump(value: Any) -> Any:
    if isinstance(value, Record):
        return value.to_dict()
    if isinstance(value, tuple | list):
        return [_dump(v) for v in value]
    if isinstance(value, dict):
        return {k: _dump(v) for k, v in value.items()}
    return value


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__


@functools.cache
def _fields(cls: type[Record]) -> list[tuple[str, Convert, bool]]:
    hints = typing.get_type_hints(cls)
    return [
        (
            f.name,
            _converter(hints[f.name]),
            f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING,
        )
        for f in dataclasses.fields(cls)
    ]


def _converter(tp: Any) -> Convert:
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if isinstance(tp, type) and issubclass(tp, Record):
        record: type[Record] = tp
        return lambda v, path, strict: record.from_dict(v, path=path, strict=strict)
    if origin is tuple:
        item = _converter(args[0])

        def seq(v: Any, path: str, strict: bool) -> tuple[Any, ...]:
            if not isinstance(v, list | tuple):
                raise RecordError(f"{path}: expected a list, found {_kind(v)}")
            return tuple(item(x, f"{path}[{i}]", strict) for i, x in enumerate(v))

        return seq
    if origin is dict:
        value = _converter(args[1])

        def mapping(v: Any, path: str, strict: bool) -> dict[str, Any]:
            if not isinstance(v, Mapping):
                raise RecordError(f"{path}: expected an object, found {_kind(v)}")
            return {str(k): value(x, f"{path}.{k}", strict) for k, x in v.items()}

        return mapping
    if origin in (typing.Union, types.UnionType):
        scalars = tuple(a for a in args if a is type(None) or a in _SCALARS)
        others = [_converter(a) for a in args if a not in scalars]
        if len(others) > 1:
            raise TypeError(f"{tp}: a union may hold one record or container besides scalars")
        accepted, fallback = _accepted(scalars), others[0] if others else _scalar(scalars)

        def union(v: Any, path: str, strict: bool) -> Any:
            return v if type(v) in accepted else fallback(v, path, strict)

        return union
    if tp in _SCALARS:
        return _scalar((tp,))
    raise TypeError(f"{tp} is not a JSON type a record can hold")


_SCALARS = (str, int, float, bool)


def _accepted(types_: tuple[Any, ...]) -> set[type]:
    accepted = set(types_)
    if float in accepted:  # JSON writes 2.0 as 2 in some stores: an int is a float's value
        accepted.add(int)
    return accepted


def _scalar(types_: tuple[Any, ...]) -> Convert:
    accepted = _accepted(types_)
    names = " or ".join("null" if t is type(None) else t.__name__ for t in types_)

    def check(v: Any, path: str, strict: bool) -> Any:
        if type(v) not in accepted:  # type(), not isinstance: True is not a number here
            raise RecordError(f"{path}: expected {names}, found {_kind(v)} {v!r:.40}")
        return v

    return check
