"""JSON Schemas: the application file (from the model) and the assessment output."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from hnte.application.model import Application

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"


def application_schema() -> dict:
    schema = Application.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://hnte.dev/schemas/application-1.json"
    schema["title"] = "hnte/application@1 — 高新技术企业认定申请书数据"
    return schema


@cache
def assessment_schema() -> dict:
    return json.loads((SCHEMA_DIR / "assessment.schema.json").read_text(encoding="utf-8"))
