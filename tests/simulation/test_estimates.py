"""``branchq simulate --estimates --json``: the forecast shown at each check-in next to the wait that happened."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from server.simulation.command import simulate

ROW_KEYS = {"arrival_s", "service", "cls", "people_ahead", "open_counters", "p10", "p50", "p90", "wait"}


def run(*args: str | Path) -> str:
    result = CliRunner().invoke(simulate, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_each_served_customer_gets_the_forecast_shown_at_check_in_and_the_real_wait(tmp_path: Path) -> None:
    trace, counters = tmp_path / "day.csv", tmp_path / "counters.toml"
    # One counter, three customers of 100 s each, ten seconds apart.
    trace.write_text(
        "arrival_s,service,cls,service_s,slot_s,showed\n0,A,regular,100,,1\n10,A,regular,100,,1\n20,A,regular,100,,1\n"
    )
    counters.write_text('[[counter]]\nnumber = 1\nservices = ["A"]\n')
    document = json.loads(run(trace, "--counters", counters, "--estimates", "--json", "--runs", "50"))
    rows = document["policies"]["apq"]["estimates"]
    assert [set(r) for r in rows] == [ROW_KEYS] * 3
    assert [(r["arrival_s"], r["cls"], r["people_ahead"], r["open_counters"], r["wait"]) for r in rows] == [
        (0.0, "regular", 0, 1, 0.0),
        (10.0, "regular", 0, 1, 90.0),
        (20.0, "regular", 1, 1, 180.0),
    ]
    # Nobody ahead and a free counter: called at once, and the forecast says so.
    assert (rows[0]["p10"], rows[0]["p50"], rows[0]["p90"]) == (0, 0, 0)
    # Behind the customer at the counter, then behind one more.
    assert 0 < rows[1]["p10"] <= rows[1]["p50"] <= rows[1]["p90"]
    assert rows[2]["p50"] > rows[1]["p50"]


def test_estimates_cover_every_served_customer_of_a_generated_day_and_repeat(tmp_path: Path) -> None:
    trace, counters = tmp_path / "day.csv", tmp_path / "counters.toml"
    run("--generate", "--seed", "3", "--hours", "2", "--out", trace, "--counters-out", counters, "--counters-count=3")
    args = (trace, "--counters", counters, "--estimates", "--json", "--runs", "30", "--policy", "apq,fifo")
    output = run(*args)
    document = json.loads(output)
    for name in ("apq", "fifo"):
        figures = document["policies"][name]
        rows = figures["estimates"]
        assert len(rows) == figures["served"]
        assert all(r["p10"] <= r["p50"] <= r["p90"] and r["wait"] >= 0 for r in rows)
    assert run(*args) == output
    assert "estimates" not in json.loads(run(trace, "--counters", counters, "--json"))["policies"]["apq"]


def test_text_report_with_estimates_has_the_accuracy_table(tmp_path: Path) -> None:
    trace, counters = tmp_path / "day.csv", tmp_path / "counters.toml"
    run("--generate", "--seed", "3", "--hours", "1", "--out", trace, "--counters-out", counters)
    output = run(trace, "--counters", counters, "--estimates", "--runs", "20")
    assert "wait forecast shown at check-in, policy apq" in output
    assert output.splitlines()[-1].startswith("| all | ")
