"""The benchmark's arithmetic, on canned wrk output: it runs too rarely to break unnoticed."""

from __future__ import annotations

import pytest

from benchmarks.service import (
    CLOCK_TICKS_PER_SECOND,
    FIGURES,
    Load,
    cpu_seconds,
    parse_wrk,
    table,
    to_ms,
)

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
        requests=27890,
        requests_per_second=5566.87,
        p50_ms=11.2,
        p99_ms=1020.0,
        errors=3,
        timeouts=3,
        non_2xx=7,
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


def test_cpu_time_is_read_from_proc_stat_whatever_the_command_name() -> None:
    # pid (comm) state ppid ... utime stime: the name may hold spaces and parentheses.
    stat = "4242 (uvicorn (w) 1) S 1 4242 4242 0 -1 4194560 9 0 0 0 250 50 0 0 20 0 3"
    assert cpu_seconds(stat) == pytest.approx(300 / CLOCK_TICKS_PER_SECOND)


def load(requests_per_second: float, cpu_us: float = 100.0, **failures: int) -> Load:
    return Load(1000, requests_per_second, p50_ms=1.0, p99_ms=2.0, cpu_us_per_request=cpu_us,
                **{"errors": 0, "timeouts": 0, "non_2xx": 0, **failures})  # fmt: skip


def verdict(service: Load, reference: Load) -> bool:
    pairs = {
        figure.name: [(service, reference if figure.reference else None)] for figure in FIGURES
    }
    return table(pairs, start_to_ready=0.5, rss_mb=80)[1]


def test_targets_compare_the_service_with_its_reference() -> None:
    assert verdict(load(1100, cpu_us=90), load(1000)) is True
    assert verdict(load(1000, cpu_us=90), load(1000)) is False  # not 1.05x the req/s
    assert verdict(load(1100, cpu_us=96), load(1000)) is False  # not 0.95x the CPU


def test_a_reference_that_failed_requests_voids_the_comparison() -> None:
    assert verdict(load(1100, cpu_us=90), load(1000, non_2xx=1)) is False


def test_failed_requests_fail_the_figure() -> None:
    assert verdict(load(1100, cpu_us=90, timeouts=1), load(1000)) is False
