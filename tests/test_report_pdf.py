"""The PDF report: it opens, its text extracts with the Chinese intact, and every page renders."""

from __future__ import annotations

from pathlib import Path

import pypdfium2
from pypdf import PdfReader

from conftest import audited_example
from hnte.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "src" / "hnte" / "examples"


def _report(tmp_path: Path, example: str, *extra: str) -> Path:
    out = tmp_path / f"{example}.pdf"
    assert main(["report", str(EXAMPLES / f"{example}.yaml"), "-o", str(out), "--taxable-income", "5000000", *extra]) == 0
    assert out.exists() and not out.with_name(out.name + ".part").exists()
    return out


def test_pdf_opens_text_extracts_in_chinese_and_pages_render(tmp_path):
    out = _report(tmp_path, "fail_2016")
    reader = PdfReader(str(out))
    assert len(reader.pages) >= 2
    text = "".join(p.extract_text() for p in reader.pages)
    for phrase in ("高新技术企业认定自评报告", "北京示例制造有限公司", "不符合认定条件", "研究开发费用占销售收入比例", "962,000.00"):
        assert phrase in text, phrase
    assert not [ch for ch in text if "\u2f00" <= ch <= "\u2fdf"], "ideographs must not extract as Kangxi radicals"
    fonts = {str(f) for page in reader.pages for f in (page.get("/Resources", {}).get("/Font", {}) or {}).values()}
    assert fonts  # fonts are embedded in the file
    pdf = pypdfium2.PdfDocument(str(out))
    for i in range(len(pdf)):
        image = pdf[i].render(scale=0.5).to_pil().convert("L")
        dark = sum(1 for px in image.get_flattened_data() if px < 128)
        assert dark > 500, f"page {i + 1} renders blank"


def test_pdf_in_english(tmp_path):
    out = _report(tmp_path, "case_2008", "--lang", "en")
    text = "".join(p.extract_text() for p in PdfReader(str(out)).pages)
    assert "HNTE identification self-assessment report" in text and "深圳示例电子有限公司" in text


def test_pdf_carries_the_special_audit_section(tmp_path):
    src = audited_example(tmp_path, share_ok=False)
    out = src.with_suffix(".pdf")
    assert main(["report", str(src), "-o", str(out)]) == 0
    text = "".join(p.extract_text() for p in PdfReader(str(out)).pages)
    for phrase in ("专项审计报告与中介机构", "京审专字〔2024〕第001号", "申请书与专项审计报告不一致之处", "存在阻止提交的问题"):
        assert phrase in text, phrase
