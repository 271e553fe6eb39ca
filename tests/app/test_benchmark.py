"""The benchmark's arithmetic, on canned wrk output: it runs too rarely to break unnoticed."""

from __future__ import annotations

import pytest

from benchmarks.service import FIGURES, Load, parse_wrk, table, to_ms

WRK_OUTPUT = """\
Running 5s test @ http://127.0.0.1:40001/health
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    11.52ms    2.10ms  40.01ms   90.12%
    Req/Sec     2.80k   210.33     3.10k    78.00%
  Latency Distribution
     50%   11.20ms
     75%   12.01ms
     90%   13.50ms
     99%    1.02s
  27890 requests in 5.01s, 4.12MB read
  Socket errors: connect 0, read 2, write 1, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:   5566.87
Transfer/sec:    841.22KB
"""


def test_wrk_output_is_read_into_figures() -> None:
    assert parse_wrk(WRK_OUTPUT) == Load(
        requests_per_second=5566.87, p50_ms=11.2, p99_ms=1020.0, errors=3, timeouts=3, non_2xx=7
    )


def test_a_clean_run_has_no_errors() -> None:
    clean = "\n".join(
        line for line in WRK_OUTPUT.splitlines() if not line.lstrip().startswith(("Socket", "Non"))
    )
    load = parse_wrk(clean)
    assert (load.errors, load.timeouts, load.non_2xx) == (0, 0, 0)


def test_output_without_figures_is_refused() -> None:
    with pytest.raises(RuntimeError, match="unexpected wrk output"):
        parse_wrk("unable to connect to 127.0.0.1:1 Connection refused")


@pytest.mark.parametrize(("figure", "ms"), [("850us", 0.85), ("12.5ms", 12.5), ("2s", 2000)])
def test_durations_are_converted_to_milliseconds(figure: str, ms: float) -> None:
    assert to_ms(figure) == pytest.approx(ms)


def load(requests_per_second: float, **failures: int) -> Load:
    return Load(requests_per_second, p50_ms=1.0, p99_ms=2.0, **{
        "errors": 0, "timeouts": 0, "non_2xx": 0, **failures
    })  # fmt: skip


def verdict(service_rps: float, reference_rps: float, **failures: int) -> bool:
    pairs = {
        figure.name: [
            (load(service_rps), load(reference_rps, **failures) if figure.reference else None)
        ]
        for figure in FIGURES
    }
    return table(pairs, start_to_ready=0.5, rss_mb=80)[1]


def test_targets_are_ratios_to_the_reference() -> None:
    assert verdict(900, 1000) is True  # 0.90: above every target
    assert verdict(500, 1000) is False  # 0.50: below the 0.60 and 0.85 targets


def test_a_reference_that_failed_requests_voids_the_ratio() -> None:
    assert verdict(900, 1000, non_2xx=1) is False
