"""Trace CSV, counters TOML and policy TOML: round trips and clear messages for bad input."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from server.domain.classes import CustomerClass
from server.simulation.counters import Counter, counters_toml, load_counters, parse_counters
from server.simulation.trace import Arrival, SimulationInputError, load_trace, parse_trace, write_trace
from server.simulation.weights import parse_weights, with_kind

HEADER = "arrival_s,service,cls,service_s,slot_s,showed\n"


def test_trace_written_and_read_back_is_the_same() -> None:
    arrivals = [
        Arrival(0.5, "A", CustomerClass.REGULAR, 301.25),
        Arrival(12.0, "B", CustomerClass.APPOINTMENT, 60.0, 900.0, showed=False),
    ]
    out = io.StringIO()
    write_trace(arrivals, out)
    assert out.getvalue() == HEADER + "0.5,A,regular,301.25,,1\n12,B,appointment,60,900,0\n"
    assert parse_trace(out.getvalue()) == arrivals


def test_trace_columns_may_come_in_any_order() -> None:
    text = "cls,arrival_s,service,service_s,showed,slot_s\nvip,3,A,60,1,\n"
    assert parse_trace(text) == [Arrival(3.0, "A", CustomerClass.VIP, 60.0)]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("x,A,regular,60,,1", "day.csv line 2: arrival_s must be a number of seconds, not 'x'"),
        ("-1,A,regular,60,,1", "day.csv line 2: arrival_s must be zero or more seconds, not '-1'"),
        ("0,A,gold,60,,1", "day.csv line 2: cls must be one of regular, vip, priority, appointment, not 'gold'"),
        ("0,,regular,60,,1", "day.csv line 2: service is empty"),
        ("0,A,appointment,60,,1", "day.csv line 2: an appointment needs slot_s"),
        ("0,A,vip,60,300,1", "day.csv line 2: slot_s is only for cls appointment"),
        ("0,A,regular,60,,yes", "day.csv line 2: showed must be 1 or 0, not 'yes'"),
        ("0,A,regular", "day.csv line 2: 3 fields, expected 6"),
    ],
)
def test_bad_trace_rows_say_which_line_and_why(row: str, message: str) -> None:
    with pytest.raises(SimulationInputError, match="^" + message.replace("(", r"\(")):
        parse_trace(HEADER + row + "\n", "day.csv")


def test_trace_without_the_header_names_the_missing_columns() -> None:
    with pytest.raises(SimulationInputError, match="line 1: missing column\\(s\\) slot_s, showed"):
        parse_trace("arrival_s,service,cls,service_s\n0,A,regular,60\n", "day.csv")


def test_missing_trace_file_is_reported_not_raised_as_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(SimulationInputError, match="cannot read the trace"):
        load_trace(tmp_path / "nope.csv")


def test_counters_toml_round_trips(tmp_path: Path) -> None:
    counters = [Counter(1, ("A", "B")), Counter(2, ("B",), open_s=1800, close_s=30000)]
    path = tmp_path / "counters.toml"
    path.write_text(counters_toml(counters))
    assert load_counters(path) == counters


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "expected at least one \\[\\[counter\\]\\] table"),
        ({"counter": [{"number": 0, "services": ["A"]}]}, "#1: number must be a whole number from 1"),
        ({"counter": [{"number": 1, "services": []}]}, "#1: services must be a non-empty list"),
        ({"counter": [{"number": 1, "services": ["A", "A"]}]}, "#1: services must be a non-empty list"),
        ({"counter": [{"number": 1, "services": ["A"], "open_s": -5}]}, "#1: open_s must be zero or more seconds"),
        (
            {"counter": [{"number": 1, "services": ["A"], "open_s": 50, "close_s": 50}]},
            "close_s \\(50\\) must be after",
        ),
        ({"counter": [{"number": 2, "services": ["A"]}, {"number": 2, "services": ["B"]}]}, "number 2 is listed twice"),
    ],
)
def test_bad_counters_say_which_table_and_why(data: dict[str, object], message: str) -> None:
    with pytest.raises(SimulationInputError, match="counters.toml: .*" + message):
        parse_counters(data, "counters.toml")


def test_counters_file_that_is_not_toml_says_so(tmp_path: Path) -> None:
    path = tmp_path / "counters.toml"
    path.write_text("[[counter]\nnumber = 1\n")
    with pytest.raises(SimulationInputError, match="not valid TOML"):
        load_counters(path)


def test_policy_toml_takes_the_branch_policy_shape() -> None:
    policy = parse_weights(
        {"kind": "strict", "classes": {"vip": {"target": 600, "head_start": 30, "hard_limit": "none"}}}
    )
    assert policy.to_dict()["kind"] == "strict"
    assert policy.to_dict()["classes"]["vip"] == {"target": 600, "head_start": 30, "hard_limit": None}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "lottery"}, "kind must be one of apq, apq_plain, fifo, strict, not 'lottery'"),
        ({"classes": {"gold": {"target": 60}}}, "unknown customer class 'gold'"),
        ({"classes": {"vip": {"target": 0}}}, "classes.vip.target must be above 0"),
        ({"classes": {"vip": {"target": "soon"}}}, "classes.vip.target must be whole seconds"),
    ],
)
def test_bad_policy_weights_say_which_value(data: dict[str, object], message: str) -> None:
    with pytest.raises(SimulationInputError, match="^weights.toml: " + message):
        parse_weights(data, "weights.toml")


def test_unknown_policy_name_lists_the_choices() -> None:
    with pytest.raises(SimulationInputError, match="unknown policy 'lifo'; choose from apq, apq_plain, fifo, strict"):
        with_kind(parse_weights({}), "lifo")
