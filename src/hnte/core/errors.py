"""Input errors: every problem names the file, the field path and what was expected (zh/en)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class InputIssue:
    path: str  # e.g. "years[2].rd_expenses.other"; "" for the whole file
    message_zh: str
    message_en: str

    def message(self, lang: str = "zh") -> str:
        return self.message_en if lang == "en" else self.message_zh


@dataclass
class InputError(Exception):
    """Bad input. ``source`` is the file name (or "<stdin>", "<api>")."""

    source: str
    issues: list[InputIssue] = field(default_factory=list)

    def __str__(self) -> str:  # pragma: no cover - convenience
        return self.render("en")

    def render(self, lang: str = "zh") -> str:
        head = f"{self.source}: " if self.source else ""
        lines = []
        for issue in self.issues:
            where = f"{issue.path}: " if issue.path else ""
            lines.append(f"{head}{where}{issue.message(lang)}")
        return "\n".join(lines)

    def to_dict(self, lang: str = "zh") -> dict:
        return {
            "error": "invalid_input",
            "file": self.source,
            "issues": [
                {"path": i.path, "message": i.message(lang), "message_zh": i.message_zh, "message_en": i.message_en}
                for i in self.issues
            ],
        }


class LawVersionError(Exception):
    """No law version (or programme) is in force on the requested date — never a fallback."""

    def __init__(self, message_zh: str, message_en: str, path: str = "application_date"):
        super().__init__(message_en)
        self.message_zh = message_zh
        self.message_en = message_en
        self.path = path

    def as_input_error(self, source: str) -> InputError:
        return InputError(source, [InputIssue(self.path, self.message_zh, self.message_en)])


class ParameterError(Exception):
    """A parameter file is malformed or two values are in force at once (a defect in the law data)."""
