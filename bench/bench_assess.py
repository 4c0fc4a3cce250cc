"""Benchmark: in-process assessment of one application (target ≤ 5 ms median; reported, not asserted).

Run: .venv/bin/python bench/bench_assess.py [--repeat N]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from pathlib import Path

from hnte.application import load_application, parse_application
from hnte.core.parameters import load_yaml
from hnte.engine import assess

EXAMPLES = Path(__file__).resolve().parent.parent / "src" / "hnte" / "examples"
TARGET_MS = 5.0


def measure(fn, repeat: int) -> list[float]:
    fn()  # warm-up: parameters and legal texts are loaded once per process
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}, repeat={args.repeat}")
    print(f"{'example':22} {'assess p50 ms':>14} {'p95 ms':>8} {'validate+assess p50':>20} {'p50 / target':>13}")
    medians = []
    for f in sorted(EXAMPLES.glob("*.yaml")):
        app = load_application(f)
        data = load_yaml(f.read_text(encoding="utf-8"))
        t_assess = measure(lambda app=app: assess(app), args.repeat)
        t_full = measure(lambda data=data, name=f.name: assess(parse_application(data, name)), args.repeat)
        p50 = statistics.median(t_assess)
        p95 = statistics.quantiles(t_assess, n=20)[18]
        medians.append(p50)
        print(f"{f.stem:22} {p50:14.3f} {p95:8.3f} {statistics.median(t_full):20.3f} {p50 / TARGET_MS:13.2f}")
    print(f"overall median {statistics.median(medians):.3f} ms; target {TARGET_MS} ms; ratio {statistics.median(medians) / TARGET_MS:.2f}")


if __name__ == "__main__":
    main()
