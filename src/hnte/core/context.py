"""The evaluation context: one application, one law version, one programme, one trace."""

from __future__ import annotations

from typing import Any

from hnte.application.model import Application
from hnte.core.parameters import ParameterView
from hnte.core.registry import INDICATORS, LawVersion, Programme, load_rules
from hnte.core.trace import Figure, Input, Trace


class Context:
    def __init__(self, app: Application, law: LawVersion, programme: Programme, overrides: dict | None = None):
        load_rules()
        self.app = app
        self.law = law
        self.programme = programme
        self.params = ParameterView(app.application_date, programme.variant, overrides)
        self.trace = Trace()

    def get(self, indicator_id: str) -> Figure:
        """The indicator's figure, computed once and recorded in the trace."""
        if indicator_id in self.trace:
            return self.trace.get(indicator_id)
        d = INDICATORS[indicator_id]
        fig = Figure(indicator_id, "indicator", d.label_zh, d.label_en, d.unit, cites=list(d.cites))
        fig.value = d.fn(self, fig)
        return self.trace.add(fig)

    def use(self, fig: Figure, indicator_id: str) -> Figure:
        """Read another indicator from within ``fig``: records the dependency and its missing fields."""
        dep = self.get(indicator_id)
        if indicator_id not in fig.depends:
            fig.depends.append(indicator_id)
        for m in dep.missing:
            if m not in fig.missing:
                fig.missing.append(m)
        return dep

    def param(self, fig: Figure, path: str) -> Any:
        ref = self.params.ref(path)
        if all(p.path != path for p in fig.params):
            fig.params.append(ref)
        return ref.value

    @staticmethod
    def input(fig: Figure, path: str, value: Any, unit: str | None = None) -> Any:
        fig.inputs.append(Input(path, value, unit))
        return value

    @staticmethod
    def missing(fig: Figure, path: str) -> None:
        if path not in fig.missing:
            fig.missing.append(path)
