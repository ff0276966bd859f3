"""Printer URLs: ``usb://VID:PID``, ``tcp://host:9100``, ``serial:///dev/ttyS0``, ``file:///path``,
``cups://name``, ``dummy`` -> a python-escpos printer with short timeouts, or a ValueError that
says what is wrong and which forms are accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from escpos.escpos import Escpos
from escpos.exceptions import DeviceNotFoundError
from escpos.printer import CupsPrinter, Dummy, File, Network, Serial, Usb

DEFAULT_TIMEOUT = 2.0  # seconds; escpos waits 60 s by default and the kiosk would freeze
URL_FORMS = "usb://VID:PID, tcp://host[:9100], serial:///dev/ttyS0[?baudrate=9600], file:///path, cups://name, dummy"
_OPTIONS = {
    "usb": {"timeout", "profile", "in_ep", "out_ep"},
    "tcp": {"timeout", "profile"},
    "serial": {"timeout", "profile", "baudrate"},
    "file": {"profile"},
    "cups": {"profile"},
    "dummy": {"profile"},
}
_TARGET_NAMES = {"usb": "VID:PID", "tcp": "host", "cups": "name"}


@dataclass(frozen=True, slots=True)
class PrinterAddress:
    kind: str
    target: str = ""
    options: tuple[tuple[str, str], ...] = ()

    def option(self, name: str, default: str | None = None) -> str | None:
        return dict(self.options).get(name, default)


def parse_printer_url(url: str) -> PrinterAddress:
    """Validate a printer URL; the error names what is wrong and the accepted forms."""
    text = url.strip()
    parts = urlsplit(text)
    kind = parts.scheme.lower() or text.lower()
    if kind not in _OPTIONS:
        raise _bad_url(url, f"unknown printer kind {kind!r}")
    options = tuple(parse_qsl(parts.query, keep_blank_values=True))
    unknown = sorted({name for name, _ in options} - _OPTIONS[kind])
    if unknown:
        raise _bad_url(url, f"unknown option(s) {', '.join(unknown)}")
    return PrinterAddress(kind, _target(url, kind, parts.netloc, parts.path), options)


def _target(url: str, kind: str, netloc: str, path: str) -> str:
    if kind == "dummy":
        return ""
    if kind in ("usb", "tcp", "cups"):
        if not netloc:
            raise _bad_url(
                url, f"{kind}:// needs a {'VID:PID' if kind == 'usb' else 'host' if kind == 'tcp' else 'name'}"
            )
        if kind == "usb":
            _usb_ids(url, netloc)
        if kind == "tcp":
            _host_port(url, netloc)
        return netloc
    if netloc or not path.startswith("/"):
        raise _bad_url(url, f"{kind}:// needs an absolute path after three slashes, e.g. {kind}:///dev/ttyS0")
    return path


def _usb_ids(url: str, netloc: str) -> tuple[int, int]:
    vendor, _, product = netloc.partition(":")
    try:
        ids = int(vendor, 16), int(product, 16)
    except ValueError:
        raise _bad_url(url, "usb:// needs hexadecimal VID:PID, e.g. usb://04b8:0202") from None
    if not all(0 < value <= 0xFFFF for value in ids):
        raise _bad_url(url, "USB ids are four hexadecimal digits")
    return ids


def _host_port(url: str, netloc: str) -> tuple[str, int]:
    host, _, port = netloc.rpartition(":") if ":" in netloc else (netloc, "", "9100")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise _bad_url(url, "tcp:// needs host[:port] with a port from 1 to 65535")
    return host, int(port)


def _number(url: str, address: PrinterAddress, name: str, default: str) -> float:
    value = address.option(name, default) or default
    try:
        return float(int(value, 0)) if name in ("in_ep", "out_ep") else float(value)
    except ValueError:
        raise _bad_url(url, f"option {name}={value!r} is not a number") from None


def _bad_url(url: str, reason: str) -> ValueError:
    return ValueError(f"printer URL {url!r}: {reason}; expected one of {URL_FORMS}")


class AppendingFile(File):  # type: ignore[misc]  # escpos ships no type hints
    """A file printer that appends: escpos opens with "wb", which would erase earlier tickets."""

    def open(self, raise_not_found: bool = True) -> None:
        if self._device:
            self.close()
        try:
            handle = open(self.devfile, "ab")  # noqa: SIM115  # escpos closes it in close()
        except OSError as exc:
            raise DeviceNotFoundError(f"Could not open the file {self.devfile}: {exc}") from exc
        self.device = handle


def printer_from_url(url: str, *, timeout: float = DEFAULT_TIMEOUT) -> Escpos:
    """Build (not open) the python-escpos printer a URL names, with short timeouts."""
    address = parse_printer_url(url)
    timeout = _number(url, address, "timeout", str(timeout))
    profile = {"profile": address.option("profile")} if address.option("profile") else {}
    if address.kind == "usb":
        vendor, product = _usb_ids(url, address.target)
        in_ep, out_ep = _number(url, address, "in_ep", "0x82"), _number(url, address, "out_ep", "0x01")
        printer = _usable(Usb, "usb", "pyusb")
        return printer(vendor, product, timeout=int(timeout * 1000), in_ep=int(in_ep), out_ep=int(out_ep), **profile)
    if address.kind == "tcp":
        host, port = _host_port(url, address.target)
        return Network(host, port, timeout=timeout, **profile)
    if address.kind == "serial":
        baudrate = int(_number(url, address, "baudrate", "9600"))
        return _usable(Serial, "serial", "pyserial")(address.target, baudrate=baudrate, timeout=timeout, **profile)
    if address.kind == "file":
        return AppendingFile(address.target, **profile)
    if address.kind == "cups":
        return _usable(CupsPrinter, "cups", "pycups")(address.target, **profile)
    return Dummy(**profile)


def _usable(printer_class: Any, kind: str, package: str) -> Any:
    if not printer_class.is_usable():
        raise RuntimeError(f"{kind}:// printers need the {package} package: pip install {package}")
    return printer_class
