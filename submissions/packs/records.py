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
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Self

Convert = Callable[[Any, bool], Any]


class RecordError(ValueError):
    """Stored or built JSON that does not have the shape its record declares."""

    def __init__(self, problem: str, steps: tuple[str, ...] = (), root: str = "") -> None:
        self.problem, self.steps, self.root = problem, steps, root
        super().__init__(f"{root}{''.join(steps)}: {problem}" if root or steps else problem)

    def at(self, step: str) -> RecordError:
        """The same error, one step further from the value (the path is built on the way out,
        so reading a valid snapshot builds none)."""
        return RecordError(self.problem, (step, *self.steps))


@dataclasses.dataclass(frozen=True)
class Record:
    """Base of the snapshot's frozen dataclasses (decorate subclasses with
    ``@dataclass(frozen=True)`` too)."""

    # Fields written by ``to_dict`` only when this returns True for them (default: always).
    _written: ClassVar[Callable[[Any, str], bool] | None] = None

    @classmethod
    def from_dict(cls, data: Any, *, path: str = "", strict: bool = False) -> Self:
        """The record of ``data``; ``path`` names it in errors (default: the class name)."""
        try:
            return cls._read(data, strict)
        except RecordError as exc:
            raise RecordError(exc.problem, exc.steps, path or cls.__name__) from None

    @classmethod
    def _read(cls, data: Any, strict: bool) -> Self:
        if type(data) is not dict and not isinstance(data, Mapping):  # the ABC check is slow
            raise RecordError(f"expected an object, found {_kind(data)}")
        fields = _fields(cls)
        if strict:
            unknown = set(data) - {f[0] for f in fields}
            if unknown:
                raise RecordError(f"keys {sorted(unknown)} are not in {cls.__name__}")
        values = {}
        for name, plain, convert, required in fields:
            if name in data:
                value = data[name]
                if type(value) in plain:  # a scalar of the field's type: nothing to convert
                    values[name] = value
                    continue
                try:
                    values[name] = convert(value, strict)
                except RecordError as exc:
                    raise exc.at(f".{name}") from None
            elif required:
                raise RecordError(f"missing {name!r}")
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


Field = tuple[str, set[type], Convert, bool]
_FIELDS: dict[type[Record], list[Field]] = {}


def _fields(cls: type[Record]) -> list[Field]:
    """Each field's name, the scalar types taken as they are, its converter, and whether the
    JSON must hold it (worked out once per class)."""
    known = _FIELDS.get(cls)
    if known is None:
        known = _FIELDS[cls] = _field_specs(cls)
    return known


def _field_specs(cls: type[Record]) -> list[Field]:
    hints = typing.get_type_hints(cls)
    return [
        (
            f.name,
            _plain(hints[f.name]),
            _converter(hints[f.name]),
            f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING,
        )
        for f in dataclasses.fields(cls)
    ]


def _plain(tp: Any) -> set[type]:
    if tp in _SCALARS:
        return _accepted((tp,))
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return _accepted(tuple(a for a in typing.get_args(tp) if a is type(None) or a in _SCALARS))
    return set()


def _converter(tp: Any) -> Convert:
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if isinstance(tp, type) and issubclass(tp, Record):
        return tp._read
    if origin is tuple:
        item = _converter(args[0])

        def seq(v: Any, strict: bool) -> tuple[Any, ...]:
            if not isinstance(v, list | tuple):
                raise RecordError(f"expected a list, found {_kind(v)}")
            out = []
            for i, x in enumerate(v):
                try:
                    out.append(item(x, strict))
                except RecordError as exc:
                    raise exc.at(f"[{i}]") from None
            return tuple(out)

        return seq
    if origin is dict:
        value = _converter(args[1])

        def mapping(v: Any, strict: bool) -> dict[str, Any]:
            if not isinstance(v, Mapping):
                raise RecordError(f"expected an object, found {_kind(v)}")
            out = {}
            for k, x in v.items():
                try:
                    out[str(k)] = value(x, strict)
                except RecordError as exc:
                    raise exc.at(f".{k}") from None
            return out

        return mapping
    if origin in (typing.Union, types.UnionType):
        scalars = tuple(a for a in args if a is type(None) or a in _SCALARS)
        others = [_converter(a) for a in args if a not in scalars]
        if len(others) > 1:
            raise TypeError(f"{tp}: a union may hold one record or container besides scalars")
        accepted, fallback = _accepted(scalars), others[0] if others else _scalar(scalars)

        def union(v: Any, strict: bool) -> Any:
            return v if type(v) in accepted else fallback(v, strict)

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

    def check(v: Any, strict: bool) -> Any:
        if type(v) not in accepted:  # type(), not isinstance: True is not a number here
            raise RecordError(f"expected {names}, found {_kind(v)} {v!r:.40}")
        return v

    return check
