import socket
import time

import pytest
from escpos.printer import Dummy, Network

from kiosk.chinese import FS_CHINESE_ON, ImageWriter, find_cjk_font
from kiosk.layout import ticket_layout
from kiosk.printers import (
    AppendingFile,
    EscposTicketPrinter,
    PrinterStatus,
    PrintOutcome,
    RecordingPrinter,
    printer_from_url,
)
from tests.devices.support import make_job

QR_COMMAND = b"\x1d(k"  # GS ( k
RASTER_IMAGE = b"\x1dv0"  # GS v 0
CUT = b"\x1dV"
QUAD_SIZE = b"\x1d!\x33"  # GS ! with width 4 and height 4


def print_on_dummy(job, chinese_mode):
    dummy = Dummy()
    outcome = EscposTicketPrinter(lambda: dummy, chinese_mode=chinese_mode).print_ticket(ticket_layout(job))
    return outcome, dummy.output


def test_gb18030_mode_sends_chinese_as_gb18030_bytes_after_fs_ampersand(job):
    outcome, output = print_on_dummy(job, "gb18030")
    assert outcome.ok
    assert output.index(FS_CHINESE_ON) < output.index("请".encode("gb18030"))
    assert "中山路支行".encode("gb18030") in output
    assert RASTER_IMAGE not in output


def test_ticket_bytes_carry_the_big_number_a_native_qr_code_and_a_cut(job):
    _, output = print_on_dummy(job, "gb18030")
    assert output.index(QUAD_SIZE) < output.index(b"A017")
    assert QR_COMMAND in output and b"/track/17?token=secret" in output
    assert output.rfind(CUT) > output.find(QR_COMMAND)


def test_image_mode_draws_chinese_as_raster_images_and_keeps_ascii_as_text(job):
    outcome, output = print_on_dummy(job, "image")
    assert outcome.ok
    assert output.count(RASTER_IMAGE) >= 5  # branch, label, service, details, footer
    assert "请".encode("gb18030") not in output and "个人".encode("gb18030") not in output
    assert b"A017" in output and b"Personal banking" in output and QR_COMMAND in output


def test_image_rendering_puts_ink_on_the_paper():
    image = ImageWriter(width=384).render("请 A017 号到 3 号窗口", size="normal")
    assert image.size[0] == 384
    assert 0 < image.histogram()[0] < 384 * image.size[1] // 2  # some black, mostly white


def test_a_line_wider_than_the_paper_wraps_by_characters():
    rows = list(ImageWriter(width=240).wrap("请留意叫号，过号请与工作人员联系", "normal"))
    assert len(rows) == 2 and "".join(rows) == "请留意叫号，过号请与工作人员联系"


def test_the_wenquanyi_font_is_found_first():
    assert find_cjk_font().name == "wqy-microhei.ttc"


def test_network_printer_answering_status_prints_and_reports_online(job, network_printer):
    printer = EscposTicketPrinter.from_url(network_printer.url)
    outcome = printer.print_ticket(ticket_layout(job))
    assert outcome == PrintOutcome(True, PrinterStatus("online"))
    assert b"A017" in network_printer.received and QR_COMMAND in network_printer.received


@pytest.mark.parametrize(
    ("online", "paper", "expected"),
    [
        (b"\x12", b"\x12", "online"),
        (b"\x12", b"\x1e", "paper_low"),
        (b"\x1a", b"\x72", "paper_out"),
        (b"\x1a", b"\x12", "error"),
        (None, b"\x12", "offline"),
    ],
)
def test_status_replies_map_to_printer_states(network_printer, online, paper, expected):
    network_printer.online_reply, network_printer.paper_reply = online, paper
    assert EscposTicketPrinter.from_url(network_printer.url).status().status == expected


def test_paper_out_prints_nothing_and_says_why(job, network_printer):
    network_printer.paper_reply = b"\x72"
    outcome = EscposTicketPrinter.from_url(network_printer.url).print_ticket(ticket_layout(job))
    assert (outcome.ok, outcome.status.status) == (False, "paper_out")
    assert b"A017" not in network_printer.received


def test_printer_that_goes_quiet_after_printing_fails_the_job(job, network_printer):
    """Writes succeed into the socket even when the printer is gone: only the status after tells."""
    printer = EscposTicketPrinter.from_url(network_printer.url)
    replies = iter([b"\x12", None])  # answers before the ticket, silent after

    class Fading(Network):
        def query_status(self, mode):
            network_printer.online_reply = next(replies, None)
            return super().query_status(mode)

    printer.connect = lambda: Fading("127.0.0.1", network_printer.port, timeout=0.3)
    outcome = printer.print_ticket(ticket_layout(job))
    assert (outcome.ok, outcome.status.status) == (False, "offline")


def test_closed_port_is_offline_quickly(job):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    printer = EscposTicketPrinter.from_url(f"tcp://127.0.0.1:{port}")
    started = time.monotonic()
    outcome = printer.print_ticket(ticket_layout(job))
    assert (outcome.ok, outcome.status.status) == (False, "offline")
    assert "cannot reach the printer" in outcome.status.detail
    assert time.monotonic() - started < 2


def test_file_printer_in_a_missing_folder_is_offline(job, tmp_path):
    printer = EscposTicketPrinter.from_url(f"file://{tmp_path}/missing/lp0")
    assert printer.status().status == "offline"
    assert not printer.print_ticket(ticket_layout(job)).ok


def test_file_printer_keeps_every_ticket(tmp_path):
    path = tmp_path / "lp0"
    printer = EscposTicketPrinter.from_url(f"file://{path}")
    for number in ("A017", "A018"):
        assert printer.print_ticket(ticket_layout(make_job(number=number))).ok
    assert isinstance(printer_from_url(f"file://{path}"), AppendingFile)
    assert b"A017" in path.read_bytes() and b"A018" in path.read_bytes()


def test_recording_printer_refuses_while_its_status_says_so(job):
    printer = RecordingPrinter(PrinterStatus("paper_out", "out of paper"))
    assert not printer.print_ticket(ticket_layout(job)).ok and printer.printed == []
    printer.current = PrinterStatus("online")
    assert printer.print_ticket(ticket_layout(job)).ok and printer.numbers() == ["A017"]
