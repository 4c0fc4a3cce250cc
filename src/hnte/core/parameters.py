"""Dated legal parameters, loaded from ``parameters/**/*.yaml``.

A parameter file::

    description: 科技人员占企业当年职工总数的比例下限
    description_en: Minimum share of S&T staff in total employees
    unit: ratio
    values:
      2008-01-01: {expired: true, cites: measures_2008#art10-3}
      2016-01-01: {value: 0.10, cites: measures_2016#art11-4}

The folder path is the parameter path (``staff/science_tech_ratio_min.yaml`` →
``staff.science_tech_ratio_min``). A programme overlay lives under ``variants/<programme>/`` with
the same relative path and only the values that differ. Every value carries ``cites``; decimal
literals are read as :class:`~decimal.Decimal`, never as binary floats.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from hnte.core.errors import ParameterError

PARAMETERS_DIR = Path(__file__).resolve().parent.parent / "parameters"
VARIANTS = "variants"


class _DecimalLoader(yaml.SafeLoader):
    """YAML loader: floats become Decimal from their literal text; duplicate keys are an error."""


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    text = loader.construct_scalar(node).replace("_", "")
    value = Decimal(text)
    if not value.is_finite():
        raise yaml.constructor.ConstructorError(None, None, f"non-finite number {text!r}", node.start_mark)
    return value


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    loader.flatten_mapping(node)
    result: dict = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in result:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping", node.start_mark, f"duplicate key {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=deep)
    return result


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
_DecimalLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


_FastDecimalLoader: type | None = None
if getattr(yaml, "__with_libyaml__", False):  # the same loader on libyaml's parser: ~10× faster on the built-in data

    class _FastDecimalLoader(yaml.CSafeLoader):  # type: ignore[no-redef]
        pass

    _FastDecimalLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
    _FastDecimalLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(text: str) -> Any:
    """Parse YAML exactly (Decimal floats, duplicate keys rejected)."""
    if _FastDecimalLoader is not None:
        try:
            return yaml.load(text, Loader=_FastDecimalLoader)  # noqa: S506 - CSafeLoader subclass
        except yaml.YAMLError:
            pass  # any error is reported as the pure-Python loader reports it (message and snippet)
    return yaml.load(text, Loader=_DecimalLoader)  # noqa: S506 - SafeLoader subclass


@dataclass(frozen=True)
class DatedValue:
    start: dt.date
    value: Any
    cites: tuple[str, ...]
    expired: bool = False
    note: str | None = None


@dataclass(frozen=True)
class Parameter:
    path: str
    description: str
    description_en: str
    unit: str | None
    values: tuple[DatedValue, ...]  # sorted by start
    source_file: str
    variant: str | None = None

    def at(self, when: dt.date) -> DatedValue | None:
        """The value in force on ``when`` (None if none has started or it has expired)."""
        found = None
        for v in self.values:
            if v.start <= when:
                found = v
        if found is None or found.expired:
            return None
        return found


@dataclass(frozen=True)
class ParamRef:
    """One parameter as read by a computation: what the trace records."""

    path: str
    value: Any
    effective_from: dt.date
    cites: tuple[str, ...]
    variant: str | None = None
    note: str | None = None

    def to_dict(self) -> dict:
        return {
            "path": self.path,
            "value": _jsonable(self.value),
            "effective_from": self.effective_from.isoformat(),
            "cites": list(self.cites),
            **({"variant": self.variant} if self.variant else {}),
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _as_cites(raw: Any, where: str) -> tuple[str, ...]:
    if isinstance(raw, str):
        return (raw,)
    if isinstance(raw, list) and raw and all(isinstance(c, str) for c in raw):
        return tuple(raw)
    raise ParameterError(f"{where}: 'cites' must be a citation or a list of citations")


def _parse_file(path: Path, param_path: str, variant: str | None) -> Parameter:
    where = str(path.relative_to(PARAMETERS_DIR))
    data = load_yaml(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or "values" not in data or "description" not in data:
        raise ParameterError(f"{where}: needs 'description' and 'values'")
    values = []
    for start, entry in data["values"].items():
        if not isinstance(start, dt.date):
            raise ParameterError(f"{where}: value key {start!r} is not a date")
        if not isinstance(entry, dict) or "cites" not in entry:
            raise ParameterError(f"{where}: value at {start} needs 'cites'")
        expired = bool(entry.get("expired", False))
        if not expired and "value" not in entry:
            raise ParameterError(f"{where}: value at {start} needs 'value' or 'expired: true'")
        values.append(
            DatedValue(start, entry.get("value"), _as_cites(entry["cites"], where), expired, entry.get("note"))
        )
    values.sort(key=lambda v: v.start)
    starts = [v.start for v in values]
    if len(set(starts)) != len(starts):
        raise ParameterError(f"{where}: two values start on the same date")
    return Parameter(
        path=param_path,
        description=data["description"],
        description_en=data.get("description_en", data["description"]),
        unit=data.get("unit"),
        values=tuple(values),
        source_file=where,
        variant=variant,
    )


@cache
def load_all() -> tuple[dict[str, Parameter], dict[str, dict[str, Parameter]]]:
    """Return (base parameters by path, {variant: overlay parameters by path})."""
    base: dict[str, Parameter] = {}
    variants: dict[str, dict[str, Parameter]] = {}
    for path in sorted(PARAMETERS_DIR.rglob("*.yaml")):
        rel = path.relative_to(PARAMETERS_DIR)
        if rel.name.startswith("_"):
            continue
        parts = rel.with_suffix("").parts
        if parts[0] == VARIANTS:
            variant, param_path = parts[1], ".".join(parts[2:])
            variants.setdefault(variant, {})[param_path] = _parse_file(path, param_path, variant)
        else:
            base[".".join(parts)] = _parse_file(path, ".".join(parts), None)
    return base, variants


@cache
def load_meta(name: str) -> Any:
    return load_yaml((PARAMETERS_DIR / f"_{name}.yaml").read_text(encoding="utf-8"))


class ParameterView:
    """The parameters in force on one date for one programme (overlay first, then base).

    ``overrides`` (policy simulation) maps a parameter path, optionally followed by a sub-path into its
    value (``rd_expense.ratio_min_by_sales[0].rate``, ``scoring.pass_mark.min``), to a replacement value.
    """

    def __init__(self, when: dt.date, variant: str | None = None, overrides: dict[str, Any] | None = None):
        self.when = when
        self.variant = variant
        self._base, variants = load_all()
        self._overlay = variants.get(variant, {}) if variant else {}
        self._overrides = split_overrides(overrides or {}, set(self._base) | set(self._overlay))

    def ref(self, path: str) -> ParamRef:
        ref = self._ref(path)
        if path not in self._overrides:
            return ref
        import copy

        value = copy.deepcopy(ref.value)
        for sub, new in self._overrides[path]:
            value = _set_sub(value, sub, new)
        return ParamRef(path, value, ref.effective_from, ref.cites, ref.variant, "override (simulation)")

    def check_overrides(self) -> None:
        """Apply every override once, so that a wrong path or sub-path fails here (ParameterError)."""
        for path in self._overrides:
            self.ref(path)

    def _ref(self, path: str) -> ParamRef:
        if path in self._overlay:
            v = self._overlay[path].at(self.when)
            if v is not None:
                return ParamRef(path, v.value, v.start, v.cites, self.variant, v.note)
        param = self._base.get(path)
        if param is None:
            raise ParameterError(f"unknown parameter {path!r} (programme variant {self.variant!r})")
        v = param.at(self.when)
        if v is None:
            raise ParameterError(f"parameter {path!r} has no value in force on {self.when.isoformat()}")
        return ParamRef(path, v.value, v.start, v.cites, None, v.note)

    def has(self, path: str) -> bool:
        """Whether the parameter has a value in force (rules that exist only in some law versions)."""
        try:
            self.ref(path)
        except ParameterError:
            return False
        return True

    def in_force(self) -> list[tuple[Parameter, ParamRef]]:
        """Every parameter with a value in force on this date (for ``hnte params``)."""
        out = []
        for path, param in sorted({**self._base, **self._overlay}.items()):
            try:
                ref = self.ref(path)
            except ParameterError:
                continue
            shown = self._overlay.get(path, param) if ref.variant else param
            out.append((shown, ref))
        return out


_SUB = __import__("re").compile(r"\.?([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")


def split_overrides(overrides: dict[str, Any], known: set[str]) -> dict[str, list[tuple[list, Any]]]:
    """Group ``path.sub[0].key = value`` overrides by parameter path (the longest known prefix)."""
    out: dict[str, list[tuple[list, Any]]] = {}
    for full, value in overrides.items():
        head = full.split("[", 1)[0]
        parts = head.split(".")
        for i in range(len(parts), 0, -1):
            candidate = ".".join(parts[:i])
            if candidate in known:
                rest = full[len(candidate):]
                sub = [int(m.group(2)) if m.group(2) is not None else m.group(1) for m in _SUB.finditer(rest)]
                out.setdefault(candidate, []).append((sub, value))
                break
        else:
            raise ParameterError(f"unknown parameter in override {full!r}")
    return out


def _set_sub(value: Any, sub: list, new: Any) -> Any:
    if not sub:
        return new
    key = sub[0]
    try:
        value[key] = _set_sub(value[key], sub[1:], new)
    except (KeyError, IndexError, TypeError):
        raise ParameterError(f"override path {sub!r} does not exist in the parameter value") from None
    return value
