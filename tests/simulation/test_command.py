"""``branchq simulate`` through click's runner: JSON shape, generation, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from server.simulation.command import simulate


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(simulate, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def day(tmp_path: Path) -> tuple[Path, Path]:
    trace, counters = tmp_path / "day.csv", tmp_path / "counters.toml"
    result = invoke("--generate", "--seed", "4", "--out", trace, "--counters-out", counters, "--counters-count", "3")
    assert result.exit_code == 0, result.output
    return trace, counters


def test_json_has_the_documented_shape_for_each_policy(day: tuple[Path, Path]) -> None:
    trace, counters = day
    result = invoke(trace, "--counters", counters, "--policy", "apq,fifo", "--policy", "strict", "--json")
    document = json.loads(result.output)
    assert list(document["policies"]) == ["apq", "fifo", "strict"]
    for figures in document["policies"].values():
        assert set(figures["classes"]) == {"regular", "vip", "priority", "appointment"}
        for summary in [*figures["classes"].values(), *figures["services"].values()]:
            assert set(summary) == {"n", "mean", "p50", "p90", "p95", "within_target"}
            assert summary["p50"] <= summary["p90"] <= summary["p95"]
            assert 0 <= summary["within_target"] <= 1
        assert set(figures["utilisation"]) == {"1", "2", "3"}
        assert all(0 < share <= 1 for share in figures["utilisation"].values())
    fifo, strict = document["policies"]["fifo"]["classes"], document["policies"]["strict"]["classes"]
    assert strict["priority"]["mean"] < fifo["priority"]["mean"]


def test_same_seed_gives_the_same_report_to_the_byte(tmp_path: Path, day: tuple[Path, Path]) -> None:
    trace, counters = day
    again = tmp_path / "again.csv"
    invoke("--generate", "--seed", "4", "--out", again, "--counters-count", "3")
    assert again.read_bytes() == trace.read_bytes()
    first = invoke(trace, "--counters", counters, "--policy", "apq,fifo,strict", "--json").output
    assert invoke(again, "--counters", counters, "--policy", "apq,fifo,strict", "--json").output == first


def test_text_report_has_a_side_by_side_table_for_several_policies(day: tuple[Path, Path]) -> None:
    trace, counters = day
    output = invoke(trace, "--counters", counters, "--policy", "apq,fifo").output
    assert "policy apq: served" in output and "policy fifo: served" in output
    assert output.splitlines()[-5].split() == ["mean", "/", "p90", "min,", "within", "apq", "fifo"]


def test_weights_file_sets_the_default_policy_and_its_targets(tmp_path: Path, day: tuple[Path, Path]) -> None:
    trace, counters = day
    weights = tmp_path / "weights.toml"
    weights.write_text('kind = "strict"\n[classes.regular]\ntarget = 60\n')
    document = json.loads(invoke(trace, "--counters", counters, "--weights", weights, "--json").output)
    assert list(document["policies"]) == ["strict"]
    loose = json.loads(invoke(trace, "--counters", counters, "--policy", "strict", "--json").output)
    tight, default = document["policies"]["strict"]["classes"], loose["policies"]["strict"]["classes"]
    assert tight["regular"]["within_target"] < default["regular"]["within_target"]


def test_plot_is_written_as_a_png(tmp_path: Path, day: tuple[Path, Path]) -> None:
    trace, counters = day
    out = tmp_path / "waits.png"
    invoke(trace, "--counters", counters, "--policy", "apq,fifo", "--plot", out)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_bad_input_exits_with_a_message_not_a_traceback(tmp_path: Path, day: tuple[Path, Path]) -> None:
    trace, _ = day
    counters = tmp_path / "bad.toml"
    counters.write_text("[[counter]]\nnumber = 1\n")
    result = invoke(trace, "--counters", counters)
    assert result.exit_code == 1
    assert "bad.toml: [[counter]] #1: services must be a non-empty list" in result.output


def test_simulating_without_counters_is_a_usage_error(day: tuple[Path, Path]) -> None:
    result = invoke(day[0])
    assert result.exit_code == 2
    assert "--counters" in result.output
