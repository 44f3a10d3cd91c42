"""The evaluation as the operator's text: results and the definitions table, in JSON or CSV."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict

from domain.evaluation import CentreResult
from domain.indicators import DEFINITIONS

MARK_FIELDS = ("value", "done", "current")


def results_out(results: list[CentreResult], fmt: str) -> str:
    """JSON: a list of rows (centre_code, indicators, group, stars, why); CSV: one line per centre."""
    if fmt == "json":
        return json.dumps([r.as_dict() for r in results], ensure_ascii=False, indent=1) + "\n"
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["centre_code", "month", "group", "stars"]
                    + [f"{d.code}_{f}" for d in DEFINITIONS for f in MARK_FIELDS] + ["why"])
    for r in results:
        marks = [getattr(r.marks[d.code], f) for d in DEFINITIONS for f in MARK_FIELDS]
        writer.writerow([r.centre_code, r.month, r.group, r.stars] + ["" if v is None else v for v in marks]
                        + [r.why()])
    return out.getvalue()


def definitions_out(fmt: str) -> str:
    """The indicators table: code, name, formula, period, source, standard item, target, fresh_days."""
    rows = [asdict(d) for d in DEFINITIONS]
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=1) + "\n"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
