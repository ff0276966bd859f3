"""Branch alerts on a fake clock: each kind raised once per subject, cleared when its cause ends,
listed, acknowledged, and pushed as the `alert` branch event."""

from __future__ import annotations

from typing import Any

from server import protocol
from server.scheduler import INTERVALS_S, BookingJobs, LeaderLock
from server.services import alerts, auth, devices
from server.services.notifications import Sender
from tests.support.databases import ON_BOTH_DATABASES
from tests.support.languages import in_languages

pytestmark = ON_BOTH_DATABASES


def issue(client: Any, branch: Any, prefix: str = "A") -> dict[str, Any]:
    body = {"service_id": branch.services[prefix]}
    response = client.post(f"/api/v1/branches/{branch.id}/tickets", json=body, headers=branch.headers("kiosk"))
    assert response.status_code == 201
    return dict(response.json)


def counter(client: Any, branch: Any, number: int, action: str) -> None:
    response = client.post(f"/api/v1/counters/{branch.counters[number]}/{action}", headers=branch.headers())
    assert response.status_code == 200, response.json


def open_alerts(client: Any, branch: Any, state: str = "open") -> list[tuple[str, dict[str, int], bool]]:
    """(kind, subject, cleared) of the branch's alerts, oldest first."""
    response = client.get(f"/api/v1/branches/{branch.id}/alerts?state={state}", headers=branch.headers("manager"))
    assert response.status_code == 200, response.json
    return [(a["kind"], a["subject"], a["cleared_at"] is not None) for a in reversed(response.json)]


def test_past_target_is_raised_once_when_a_wait_passes_the_target_and_cleared_when_it_is_called(
    client, deps, branch, clock
):
    counter(client, branch, 1, "open")
    ticket = issue(client, branch)
    clock.advance(600)  # the target is 600 s: reached, not passed
    assert alerts.evaluate_branch(deps, branch.id) == []
    clock.advance(1)
    (raised,) = alerts.evaluate_branch(deps, branch.id)
    assert (raised["kind"], raised["severity"], raised["subject"]) == ("past_target", "warning", {"service_id": 1})
    assert in_languages(raised["message"], "zh", "en", "yue") == {
        "zh": "业务A：有顾客已等候 10 分钟，超过目标 10 分钟",
        "en": "Service A: a customer has waited 10 min, past the 10 min target",
        "yue": "Service A：有客戶已等候 10 分鐘，超過目標 10 分鐘",  # no Cantonese name: the English one
    }
    assert raised["raised_at"] == "2026-11-23T10:10:01+08:00" and raised["cleared_at"] is None
    clock.advance(120)
    assert alerts.evaluate_branch(deps, branch.id) == []  # once per subject
    assert open_alerts(client, branch) == [("past_target", {"service_id": 1}, False)]

    called = client.post(f"/api/v1/counters/{branch.counters[1]}/call-next", headers=branch.headers())
    assert called.json["id"] == ticket["id"]
    (cleared,) = alerts.evaluate_branch(deps, branch.id)
    assert (cleared["id"], cleared["cleared_at"]) == (raised["id"], "2026-11-23T10:12:01+08:00")
    assert open_alerts(client, branch) == []
    assert open_alerts(client, branch, "all") == [("past_target", {"service_id": 1}, True)]


def test_no_counter_open_while_people_wait_for_a_service_nobody_serves(client, deps, branch):
    counter(client, branch, 1, "open")  # serves A and B
    issue(client, branch, "B")
    assert alerts.evaluate_branch(deps, branch.id) == []
    counter(client, branch, 1, "pause")
    (raised,) = alerts.evaluate_branch(deps, branch.id)
    assert (raised["kind"], raised["severity"], raised["subject"]) == ("no_counter_open", "critical", {"service_id": 2})
    assert raised["message"]["en"] == "Service B: 1 waiting and no open counter serves it"
    counter(client, branch, 2, "open")  # serves B too
    (cleared,) = alerts.evaluate_branch(deps, branch.id)
    assert (cleared["kind"], cleared["cleared_at"] is not None) == ("no_counter_open", True)


def test_a_counter_paused_past_the_limit_raises_and_reopening_clears(client, deps, branch, clock):
    counter(client, branch, 1, "open")
    counter(client, branch, 1, "pause")
    clock.advance(15 * 60 - 1)
    assert alerts.evaluate_branch(deps, branch.id) == []
    counter(client, branch, 1, "pause")  # pausing again does not restart the pause
    clock.advance(1)
    (raised,) = alerts.evaluate_branch(deps, branch.id)
    assert (raised["kind"], raised["subject"]) == ("counter_paused_long", {"counter_id": branch.counters[1]})
    assert in_languages(raised["message"], "zh", "en", "yue") == {
        "zh": "1号窗口已暂停 15 分钟",
        "en": "Counter 1 paused for 15 min",
        "yue": "1 號櫃檯已暫停 15 分鐘",
    }
    counter(client, branch, 1, "open")
    (cleared,) = alerts.evaluate_branch(deps, branch.id)
    assert (cleared["id"], cleared["cleared_at"] is not None) == (raised["id"], True)


def test_the_pause_limit_is_a_branch_setting(client, deps, branch, clock):
    settings = {"alerts": {"counter_paused_long_s": 120}}
    client.patch(f"/api/v1/branches/{branch.id}", json={"settings": settings}, headers=branch.headers("manager"))
    counter(client, branch, 1, "pause")
    clock.advance(121)
    assert [a["kind"] for a in alerts.evaluate_branch(deps, branch.id)] == ["counter_paused_long"]


def devices_seen(client: Any, branch: Any) -> dict[str, tuple[bool, str | None]]:
    listed = client.get(f"/api/v1/branches/{branch.id}/devices", headers=branch.headers("manager")).json
    return {d["kind"]: (d["online"], d["last_seen"]) for d in listed}


def test_a_device_silent_past_its_heartbeat_is_offline_until_it_is_heard_again(client, deps, branch, clock):
    assert devices_seen(client, branch) == {"kiosk": (False, None), "display": (False, None)}
    assert alerts.evaluate_branch(deps, branch.id) == []  # never heard from: not set up yet, not silent
    kiosk = auth.authenticate(deps, branch.tokens["kiosk"])
    devices.report_status(deps, kiosk, "printer", {"status": "online"})
    assert devices_seen(client, branch)["kiosk"] == (True, "2026-11-23T10:00:00+08:00")
    clock.advance(60)
    assert alerts.evaluate_branch(deps, branch.id) == []
    clock.advance(1)
    (raised,) = alerts.evaluate_branch(deps, branch.id)
    assert (raised["kind"], raised["severity"], raised["subject"]) == (
        "device_offline",
        "critical",
        {"device_id": branch.devices["kiosk"]},
    )
    assert raised["message"]["en"] == "kiosk 1 (kiosk): silent for 61 s"
    assert devices_seen(client, branch)["kiosk"] == (False, "2026-11-23T10:00:00+08:00")
    devices.seen(deps, [kiosk.id])  # its socket is connected again
    (cleared,) = alerts.evaluate_branch(deps, branch.id)
    assert (cleared["id"], cleared["cleared_at"]) == (raised["id"], "2026-11-23T10:01:01+08:00")
    assert devices_seen(client, branch)["kiosk"] == (True, "2026-11-23T10:01:01+08:00")


def test_a_printer_fault_is_raised_once_and_cleared_when_the_printer_is_back(deps, branch, clock):
    kiosk = auth.authenticate(deps, branch.tokens["kiosk"])
    devices.report_status(deps, kiosk, "printer", {"status": "paper_out", "detail": "no paper"})
    (raised,) = alerts.evaluate_branch(deps, branch.id)
    assert (raised["kind"], raised["subject"]) == ("printer_fault", {"device_id": kiosk.id})
    assert in_languages(raised["message"], "zh", "en", "yue") == {
        "zh": "kiosk 1：打印机故障（缺纸）",
        "en": "kiosk 1: printer paper out",
        "yue": "kiosk 1：打印機故障（缺紙）",
    }
    devices.report_status(deps, kiosk, "printer", {"status": "offline"})
    assert alerts.evaluate_branch(deps, branch.id) == []  # still the same fault of the same printer
    devices.report_status(deps, kiosk, "printer", {"status": "online"})
    (cleared,) = alerts.evaluate_branch(deps, branch.id)
    assert (cleared["id"], cleared["kind"], cleared["cleared_at"] is not None) == (raised["id"], "printer_fault", True)


def test_a_manager_acknowledges_an_alert_and_who_and_when_are_kept(client, deps, branch, clock):
    issue(client, branch)
    (raised,) = alerts.evaluate_branch(deps, branch.id)  # nothing open: no_counter_open
    assert client.post(f"/api/v1/alerts/{raised['id']}/ack", headers=branch.headers()).status_code == 403  # teller
    clock.advance(30)
    acked = client.post(f"/api/v1/alerts/{raised['id']}/ack", headers=branch.headers("manager"))
    assert acked.status_code == 200
    assert (acked.json["acknowledged_by"], acked.json["acknowledged_at"], acked.json["cleared_at"]) == (
        "manager-b1",
        "2026-11-23T10:00:30+08:00",
        None,
    )
    clock.advance(30)
    again = client.post(f"/api/v1/alerts/{raised['id']}/ack", headers=branch.headers("manager")).json
    assert again["acknowledged_at"] == "2026-11-23T10:00:30+08:00"  # the first acknowledgement stays
    missing = client.post("/api/v1/alerts/999/ack", headers=branch.headers("manager"))
    assert (missing.status_code, missing.json["error"]["code"]) == (404, "alert_not_found")
    bad = client.get(f"/api/v1/branches/{branch.id}/alerts?state=closed", headers=branch.headers("manager"))
    assert bad.status_code == 422 and "state" in str(bad.json)
    teller = client.get(f"/api/v1/branches/{branch.id}/alerts", headers=branch.headers())
    assert teller.status_code == 403


def test_alerts_go_out_as_branch_events_through_the_outbox(client, deps, branch):
    issue(client, branch)
    with deps.store.read() as uow:
        before = uow.branches.seq(branch.id)
    (raised,) = alerts.evaluate_branch(deps, branch.id)
    acked = alerts.acknowledge(deps, auth.authenticate(deps, branch.tokens["manager"]), raised["id"])
    with deps.store.read() as uow:
        events = uow.events.after(branch.id, before)
    sent = [(name, {k: v for k, v in payload.items() if k != "seq"}) for _seq, name, payload in events]
    assert sent == [(protocol.ALERT, raised), (protocol.ALERT, acked)]


def test_the_scheduler_runs_the_alert_rules_every_few_seconds(client, deps, branch):
    assert INTERVALS_S["alerts"] == 5
    issue(client, branch)

    class Silent(Sender):
        def send(self, message: Any) -> None:
            raise AssertionError("no message is due")

    jobs = BookingJobs(deps, Silent(), LeaderLock(deps.store.engine))
    assert jobs.run("alerts") == 1
    assert jobs.run("alerts") == 0
    assert open_alerts(client, branch) == [("no_counter_open", {"service_id": branch.services["A"]}, False)]


def test_a_breach_the_forecast_predicts_is_raised_before_anyone_waits_past_target_and_names_a_counter_to_open(
    client, deps, branch, clock
):
    counter(client, branch, 1, "open")  # counter 2 also serves A, but it is closed
    waiting = []
    for _ in range(6):  # 6 x 5 min at one counter: a newcomer waits about half an hour
        waiting.append(issue(client, branch))
        clock.advance(5)
    # B has nobody waiting, but counter 1 serves it too: a newcomer for B would wait behind them
    by_service = {a["subject"]["service_id"]: a for a in alerts.evaluate_branch(deps, branch.id)}
    assert sorted(by_service) == sorted(branch.services.values())
    raised = by_service[branch.services["A"]]
    assert (raised["kind"], raised["severity"]) == ("predicted_breach", "warning")
    message = in_languages(raised["message"], "zh", "en")
    assert message["en"].startswith("Service A: a customer arriving now is expected to wait about ")
    assert message["en"].endswith("past the 10 min target: open counter 2")
    assert message["zh"].endswith("请开 2 号窗口")
    assert {kind for kind, _, cleared in open_alerts(client, branch) if not cleared} == {"predicted_breach"}

    for ticket in waiting[1:]:  # the line shrinks to one: a newcomer is called within the target
        cancelled = client.post(f"/api/v1/tickets/{ticket['id']}/cancel", json={}, headers=branch.headers())
        assert cancelled.status_code == 200, cancelled.json
    clock.advance(31)  # a forecast of the shorter line
    cleared = {a["id"]: a for a in alerts.evaluate_branch(deps, branch.id)}
    assert set(cleared) == {a["id"] for a in by_service.values()}
    assert all(a["cleared_at"] for a in cleared.values())
