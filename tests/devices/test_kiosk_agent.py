"""The kiosk agent against a real Socket.IO server on loopback."""

import pytest

from kiosk.agent import KioskAgent
from kiosk.printers import EscposTicketPrinter, PrinterStatus, RecordingPrinter
from tests.devices.support import KIOSK_TOKEN, DeviceServer, make_job, wait_for


@pytest.fixture
def start_agent():
    agents = []

    def start(server, printer, token=KIOSK_TOKEN, status_interval=30.0):
        agent = KioskAgent(server.url, token, printer, status_interval=status_interval, max_retry_delay=0.5)
        agent.start()
        agents.append(agent)
        return agent

    yield start
    for agent in agents:
        agent.stop()


def test_agent_prints_a_job_and_reports_the_result(device_server, start_agent, job):
    printer = RecordingPrinter()
    start_agent(device_server, printer)
    device_server.send_job(job)
    result = wait_for(device_server.results)[0]
    assert result == {"job_id": "job-1", "ok": True, "status": "online", "detail": ""}
    assert printer.numbers() == ["A017"]


def test_agent_reports_printer_status_on_connect(device_server, start_agent):
    start_agent(device_server, RecordingPrinter(PrinterStatus("paper_low", "paper is running low")))
    assert wait_for(device_server.statuses) == ["paper_low"]


def test_a_job_received_twice_prints_once_and_is_acknowledged_again(device_server, start_agent, job):
    printer = RecordingPrinter()
    start_agent(device_server, printer)
    device_server.send_job(job)
    wait_for(device_server.results)
    device_server.send_job(job)
    assert wait_for(lambda: len(device_server.results()) == 2)
    assert printer.numbers() == ["A017"]
    assert device_server.results()[1]["ok"] is True


def test_escpos_bytes_reach_a_file_printer(device_server, start_agent, job, tmp_path):
    path = tmp_path / "lp0"
    start_agent(device_server, EscposTicketPrinter.from_url(f"file://{path}"))
    device_server.send_job(job)
    assert wait_for(device_server.results)[0]["ok"]
    output = path.read_bytes()
    assert b"A017" in output and b"\x1d(k" in output and "请".encode("gb18030") in output
    assert f"{device_server.url}/track/17?token=secret".encode() in output


def test_offline_printer_fails_the_job_and_the_next_one_prints_once_it_is_back(device_server, start_agent, tmp_path):
    folder = tmp_path / "usb"  # the device file's folder is missing: the printer is unplugged
    start_agent(device_server, EscposTicketPrinter.from_url(f"file://{folder}/lp0"))
    device_server.send_job(make_job("job-1", "A017"))
    failed = wait_for(device_server.results)[0]
    assert (failed["ok"], failed["status"]) == (False, "offline")
    folder.mkdir()  # plugged back in
    device_server.send_job(make_job("job-2", "A018"))
    printed = wait_for(lambda: device_server.results()[1:])[0]
    assert (printed["job_id"], printed["ok"], printed["status"]) == ("job-2", True, "online")
    assert b"A018" in (folder / "lp0").read_bytes() and b"A017" not in (folder / "lp0").read_bytes()
    # the status report follows the result on its own thread: wait for it rather than race it
    assert wait_for(lambda: device_server.statuses()[-1:] == ["online"])
    assert "offline" in device_server.statuses()


def test_failed_job_sent_again_prints_once_the_printer_is_back(device_server, start_agent, job):
    printer = RecordingPrinter(PrinterStatus("paper_out", "out of paper"))
    start_agent(device_server, printer)
    device_server.send_job(job)
    assert wait_for(device_server.results)[0]["status"] == "paper_out"
    printer.current = PrinterStatus("online")
    device_server.send_job(job)
    assert wait_for(lambda: device_server.results()[1:])[0]["ok"]
    assert printer.numbers() == ["A017"]


def test_a_malformed_job_fails_alone_and_the_agent_keeps_printing(device_server, start_agent):
    printer = RecordingPrinter()
    start_agent(device_server, printer)
    device_server.send_job({"job_id": "broken", "ticket": {}})
    broken = wait_for(device_server.results)[0]
    assert (broken["ok"], broken["status"]) == (False, "error") and "KeyError" in broken["detail"]
    device_server.send_job(make_job("job-2", "A018"))
    assert wait_for(lambda: device_server.results()[1:])[0]["ok"]
    assert printer.numbers() == ["A018"]


def test_status_changes_are_reported_by_the_periodic_check(device_server, start_agent):
    printer = RecordingPrinter()
    start_agent(device_server, printer, status_interval=0.1)
    wait_for(device_server.statuses)
    printer.current = PrinterStatus("paper_out", "out of paper")
    assert wait_for(lambda: "paper_out" in device_server.statuses())


def test_agent_reconnects_after_a_server_restart_and_prints_again(device_server, start_agent, job):
    printer = RecordingPrinter()
    start_agent(device_server, printer)
    device_server.send_job(job)
    wait_for(device_server.results)
    port = device_server.port
    device_server.close()
    restarted = DeviceServer(port)
    try:
        restarted.send_job(make_job("job-2", "A018"))
        assert wait_for(restarted.results, timeout=10)[0]["ok"]
        assert printer.numbers() == ["A017", "A018"]
    finally:
        restarted.close()


def test_a_refused_token_keeps_retrying_without_crashing(device_server, start_agent):
    agent = start_agent(device_server, RecordingPrinter(), token="wrong")
    assert wait_for(lambda: device_server.refusals >= 2, timeout=10)
    assert agent.sio.connected is False and device_server.devices == []
