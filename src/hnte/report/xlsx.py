"""The XLSX report: one sheet per section, with native charts (score ranges, ratios, monthly staff)."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

SHEETS = {"zh": ("概览", "认定条件", "创新能力评价", "差距", "风险", "价值", "月度人数", "专项审计"),
          "en": ("Summary", "Criteria", "Score", "Gaps", "Risks", "Benefits", "Monthly staff", "Special audit")}


def write_xlsx(view: dict, out: Path) -> None:
    t = view["t"]
    names = SHEETS[view["lang"]]
    wb = xlsxwriter.Workbook(str(out))
    bold = wb.add_format({"bold": True})
    head = wb.add_format({"bold": True, "bg_color": "#EEEEEE", "border": 1})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    pct = wb.add_format({"num_format": "0.00%"})
    status_fmt = {"pass": wb.add_format({"font_color": "#2E7D32", "bold": True}), "fail": wb.add_format({"font_color": "#C62828", "bold": True}),
                  "unknown": wb.add_format({"font_color": "#EF8F00", "bold": True})}

    ws = wb.add_worksheet(names[0])
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 70)
    rows = [(t["title"], ""), (t["programme"], view["programme"]), (t["law"], view["law"]), (t["date"], view["application_date"]),
            (t["verdict"], view["verdict_text"]), (t["score"], f"{view['score']['min']}–{view['score']['max']} ({view['score']['mark']})"),
            (t["missing"], ", ".join(view["missing"])), (t["generated"], view["generated"]), ("", view["disclaimer"])]
    ws.write(0, 0, view["enterprise"], bold)
    for r, (k, v) in enumerate(rows, start=1):
        ws.write(r, 0, k, bold)
        ws.write(r, 1, v, wrap)
    r = len(rows) + 2
    ws.write_row(r, 0, [t["programme"], t["verdict"], t["reasons"]], head)
    for row in view["comparison"]:
        r += 1
        ws.write_row(r, 0, [row["label"], row["verdict_text"], "; ".join(x["text"] for x in row["reasons"])], wrap)

    ws = wb.add_worksheet(names[1])
    ws.set_column(0, 0, 36)
    ws.set_column(1, 4, 14)
    ws.set_column(5, 5, 60)
    ws.write_row(0, 0, [t["criterion"], t["status"], t["value"], t["threshold"], t["margin"], t["cite"]], head)
    for i, c in enumerate(view["criteria"], start=1):
        ws.write(i, 0, c["label"], wrap)
        ws.write(i, 1, c["status_text"], status_fmt[c["status"]])
        ws.write_row(i, 2, [c["value"], c["threshold"], c["margin"], "\n".join(f"{x['id']} {x['heading']}" for x in c["cites"])], wrap)
    ratio_rows = view["criteria_ratios"]
    if ratio_rows:
        base = len(view["criteria"]) + 3
        ws.write_row(base, 0, [t["criterion"], t["value"], t["threshold"]], head)
        for j, (label, value, threshold) in enumerate(ratio_rows, start=1):
            ws.write(base + j, 0, label)
            ws.write_number(base + j, 1, value, pct)
            ws.write_number(base + j, 2, threshold, pct)
        chart = wb.add_chart({"type": "bar"})
        chart.add_series({"name": t["value"], "categories": [names[1], base + 1, 0, base + len(ratio_rows), 0],
                          "values": [names[1], base + 1, 1, base + len(ratio_rows), 1]})
        chart.add_series({"name": t["threshold"], "categories": [names[1], base + 1, 0, base + len(ratio_rows), 0],
                          "values": [names[1], base + 1, 2, base + len(ratio_rows), 2]})
        chart.set_title({"name": t["ratios"]})
        ws.insert_chart(base + len(ratio_rows) + 2, 0, chart)

    ws = wb.add_worksheet(names[2])
    ws.set_column(0, 0, 50)
    ws.set_column(1, 4, 12)
    ws.write_row(0, 0, [t["item"], t["grade"], t["points"], t["basis"]], head)
    r = 0
    for g in view["score"]["groups"]:
        r += 1
        ws.write(r, 0, g["label"], bold)
        ws.write(r, 2, g["points"], bold)
        for i in g["items"]:
            r += 1
            ws.write_row(r, 0, ["  " + i["label"], i["grade"], i["points"], i["basis"]])
    base = r + 2
    ws.write_row(base, 0, [t["indicator"], "min", "max", "max possible"], head)
    for j, (label, low, high, top) in enumerate(view["score_rows"], start=1):
        ws.write(base + j, 0, label)
        ws.write_number(base + j, 1, low)
        ws.write_number(base + j, 2, high)
        ws.write_number(base + j, 3, top)
    n = len(view["score_rows"])
    chart = wb.add_chart({"type": "bar"})
    chart.add_series({"name": "min", "categories": [names[2], base + 1, 0, base + n, 0], "values": [names[2], base + 1, 1, base + n, 1]})
    chart.add_series({"name": "max", "categories": [names[2], base + 1, 0, base + n, 0], "values": [names[2], base + 1, 2, base + n, 2]})
    chart.set_title({"name": t["score_chart"]})
    ws.insert_chart(base + n + 2, 0, chart)

    ws = wb.add_worksheet(names[3])
    ws.set_column(0, 0, 30)
    ws.set_column(1, 1, 90)
    ws.set_column(2, 2, 18)
    ws.write_row(0, 0, [t["criterion"], t["gaps"], "amount", "unit"], head)
    r = 0
    for g in view["gaps"]:
        r += 1
        ws.write(r, 0, g["criterion"])
        ws.write(r, 1, g["text"], wrap)
        if g["amount"] is not None:
            ws.write_number(r, 2, g["amount"])
            ws.write(r, 3, g["unit"])
    if view["score_gap"]:
        r += 2
        ws.write(r, 0, t["score_options"], bold)
        ws.write(r, 1, view["score_gap"]["text"], wrap)
        r += 1
        ws.write_row(r, 0, [t["item"], t["evidence"], t["gain"], t["gain_max"]], head)
        for o in view["score_gap"]["options"]:
            r += 1
            ws.write(r, 0, o["item"])
            ws.write(r, 1, o["fact"], wrap)
            ws.write_number(r, 2, o["gain_to_min"])
            ws.write_number(r, 3, o["gain_to_max"])

    ws = wb.add_worksheet(names[4])
    ws.set_column(0, 1, 16)
    ws.set_column(2, 3, 60)
    ws.write_row(0, 0, [t["severity"], "id", t["reasons"], t["evidence"]], head)
    for i, risk in enumerate(view["risks"], start=1):
        ws.write_row(i, 0, [risk["severity_text"], risk["id"], f"{risk['title']}：{risk['reason']}", "; ".join(risk["evidence"])], wrap)

    ws = wb.add_worksheet(names[5])
    ws.set_column(0, 0, 24)
    ws.set_column(1, 1, 80)
    b = view["benefits"]
    rows = [(t["tax_saved"], b["saving_text"]), (t["years"], ", ".join(str(y) for y in b["years"]))]
    if "saving_per_year" in b:
        rows += [(t["per_year"], b["saving_per_year"]), (t["total"], b["saving_total"])]
    if b.get("loss_text"):
        rows.append((t["loss"], b["loss_text"]))
    if b.get("trap_text"):
        rows.append((t["trap"], b["trap_text"]))
    for rw in b["local_rewards"]:
        rows.append((t["rewards"], f"{rw['region']}: {rw['amount']:,.0f}"))
    for i, (k, v) in enumerate(rows):
        ws.write(i, 0, k, bold)
        ws.write(i, 1, v, wrap)

    if view["staff_series"]:
        ws = wb.add_worksheet(names[6])
        ws.write(0, 0, t["month"], head)
        for j, (name, _) in enumerate(view["staff_series"], start=1):
            ws.write(0, j, name, head)
        months = max(len(v) for _, v in view["staff_series"])
        for m in range(months):
            ws.write_number(m + 1, 0, m + 1)
            for j, (_, values) in enumerate(view["staff_series"], start=1):
                if m < len(values):
                    ws.write_number(m + 1, j, values[m])
        chart = wb.add_chart({"type": "line"})
        for j, (name, _) in enumerate(view["staff_series"], start=1):
            chart.add_series({"name": name, "categories": [names[6], 1, 0, months, 0], "values": [names[6], 1, j, months, j]})
        chart.set_title({"name": t["staff"]})
        ws.insert_chart(1, len(view["staff_series"]) + 2, chart)

    audit = view.get("audit")
    if audit:  # only when the file has an intermediary or a special audit report
        ws = wb.add_worksheet(names[7])
        ws.set_column(0, 0, 40)
        ws.set_column(1, 3, 18)
        ws.set_column(4, 4, 40)
        money = wb.add_format({"num_format": "#,##0.00"})
        ws.write(0, 0, t["audit"], bold)
        ws.write(1, 0, audit["blocked_text"], status_fmt["fail" if audit["blocked"] else "pass"])
        r = 2
        if audit["report_number"]:
            ws.write_row(r, 0, [t["report_number"], audit["report_number"]])
            r += 1
        q = audit["intermediary"]
        r += 1
        if q:
            ws.write_row(r, 0, [t["intermediary"], q["name"], q["credit_code"], q["status_text"]], head)
            for rule in q["rules"]:
                r += 1
                ws.write(r, 0, rule["text"], wrap)
                ws.write(r, 1, rule["status_text"], status_fmt[rule["status"]])
                ws.write(r, 4, "; ".join(rule["cites"]), wrap)
        else:
            ws.write(r, 0, t["no_intermediary"])
        r += 2
        ws.write(r, 0, t["differences"], bold)
        r += 1
        ws.write_row(r, 0, [t["item"], t["application_figure"], t["report_figure"], t["difference"], t["cite"]], head)
        for d in audit["differences"]:
            r += 1
            ws.write(r, 0, f"{d['label']} ({d['path']})", wrap)
            for j, key in enumerate(("application", "report", "difference"), start=1):
                ws.write_number(r, j, d[key], money)
            ws.write(r, 4, "; ".join(d["cites"]), wrap)
        if not audit["differences"]:
            r += 1
            ws.write(r, 0, t["no_differences"])
        if audit["findings"]:
            r += 2
            ws.write_row(r, 0, [t["findings"], t["severity"], "", "", t["cite"]], head)
            for f in audit["findings"]:
                r += 1
                ws.write(r, 0, f["message"], wrap)
                ws.write(r, 1, f["severity_text"], status_fmt["fail" if f["severity"] == "blocking" else "unknown"])
                ws.write(r, 4, "; ".join(f["cites"]), wrap)
    wb.close()
