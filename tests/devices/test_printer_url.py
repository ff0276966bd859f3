import pytest
from escpos.printer import Dummy, Network

from kiosk.printers import parse_printer_url, printer_from_url


@pytest.mark.parametrize(
    ("url", "kind", "target", "options"),
    [
        ("usb://04b8:0202", "usb", "04b8:0202", {}),
        ("usb://0416:5011?in_ep=0x81&out_ep=0x03", "usb", "0416:5011", {"in_ep": "0x81", "out_ep": "0x03"}),
        ("tcp://192.168.1.50:9100", "tcp", "192.168.1.50:9100", {}),
        ("tcp://printer.local", "tcp", "printer.local", {}),
        ("serial:///dev/ttyS0?baudrate=19200", "serial", "/dev/ttyS0", {"baudrate": "19200"}),
        ("file:///dev/usb/lp0", "file", "/dev/usb/lp0", {}),
        ("cups://TM-T20", "cups", "TM-T20", {}),
        ("dummy", "dummy", "", {}),
        (" DUMMY ", "dummy", "", {}),
    ],
)
def test_printer_urls_name_the_connection(url, kind, target, options):
    address = parse_printer_url(url)
    assert (address.kind, address.target, dict(address.options)) == (kind, target, options)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("lpt://1", "unknown printer kind 'lpt'"),
        ("", "unknown printer kind ''"),
        ("usb://", "needs a VID:PID"),
        ("usb://epson", "hexadecimal VID:PID"),
        ("usb://04b8:12345", "four hexadecimal digits"),
        ("tcp://", "needs a host"),
        ("tcp://printer:ninety", "port from 1 to 65535"),
        ("tcp://printer:70000", "port from 1 to 65535"),
        ("serial://dev/ttyS0", "absolute path after three slashes"),
        ("file://lp0", "absolute path after three slashes"),
        ("tcp://printer:9100?speed=fast", "unknown option(s) speed"),
        ("serial:///dev/ttyS0?baudrate=fast", "baudrate='fast' is not a number"),
    ],
)
def test_bad_printer_urls_say_what_is_wrong_and_what_is_accepted(url, reason):
    with pytest.raises(ValueError) as error:
        printer_from_url(url)
    assert reason in str(error.value)
    assert "usb://VID:PID" in str(error.value) and "dummy" in str(error.value)


def test_network_printer_gets_a_short_timeout():
    printer = printer_from_url("tcp://10.0.0.9")
    assert isinstance(printer, Network) and (printer.host, printer.port, printer.timeout) == ("10.0.0.9", 9100, 2.0)
    assert printer_from_url("tcp://10.0.0.9:9101?timeout=0.5").timeout == 0.5


def test_dummy_url_builds_a_dummy_printer():
    assert isinstance(printer_from_url("dummy"), Dummy)


def test_usb_printer_without_pyusb_says_which_package_to_install():
    from escpos.printer import Usb

    if Usb.is_usable():
        pytest.skip("pyusb is installed here")
    with pytest.raises(RuntimeError, match="pip install pyusb"):
        printer_from_url("usb://04b8:0202")
