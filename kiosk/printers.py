"""Receipt printers: chosen by URL, driven through python-escpos, with honest status.

Writes to a gone printer "succeed" (a socket buffer or a device file swallows them), so the
truth comes from status queries before and after each ticket, each with a short timeout.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol
from urllib.parse import parse_qsl, urlsplit

from escpos.constants import RT_MASK_ONLINE, RT_STATUS_ONLINE
from escpos.escpos import Escpos
from escpos.exceptions import Error as EscposError
from escpos.printer import CupsPrinter, Dummy, File, Network, Serial, Usb

from kiosk.chinese import ChineseMode, TextWriter, text_writer
from kiosk.layout import Block, QrCode, Rule, TextLine

PrinterState = Literal["online", "paper_low", "paper_out", "offline", "error"]
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
            raise _bad_url(url, f"{kind}:// needs a {'VID:PID' if kind == 'usb' else 'host' if kind == 'tcp' else 'name'}")
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
            self.device = open(self.devfile, "ab")  # noqa: SIM115  # escpos closes it in close()
        except OSError as exc:
            self.device = None
            from escpos.exceptions import DeviceNotFoundError

            raise DeviceNotFoundError(f"Could not open the file {self.devfile}: {exc}") from exc


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


@dataclass(frozen=True, slots=True)
class PrinterStatus:
    status: PrinterState
    detail: str = ""

    @property
    def can_print(self) -> bool:
        return self.status in ("online", "paper_low")

    def to_dict(self) -> dict[str, str]:
        return {"status": self.status, "detail": self.detail}


def status_from_replies(online_reply: bytes, paper: int) -> PrinterStatus:
    """Map DLE EOT replies: paper first (no paper also sets off-line), then the off-line bit."""
    if not online_reply:
        return PrinterStatus("offline", "the printer did not answer the status query")
    if paper == 0:
        return PrinterStatus("paper_out", "out of paper")
    if online_reply[0] & RT_MASK_ONLINE:
        return PrinterStatus("error", "the printer reports off-line: cover open or a fault")
    if paper == 1:
        return PrinterStatus("paper_low", "paper is running low")
    return PrinterStatus("online", "")


def probe(printer: Escpos) -> PrinterStatus:
    """Ask an open printer for its status; connections that cannot answer count as online."""
    try:
        online_reply = printer.query_status(RT_STATUS_ONLINE)
        return status_from_replies(online_reply, printer.paper_status())
    except NotImplementedError:
        return PrinterStatus("online", "this connection reports no status")
    except TimeoutError:
        return PrinterStatus("offline", "no answer to the status query in time")
    except (OSError, EscposError) as exc:
        return PrinterStatus("offline", f"status query failed: {exc}")


@dataclass(frozen=True, slots=True)
class PrintOutcome:
    ok: bool
    status: PrinterStatus


class TicketPrinter(Protocol):
    def print_ticket(self, blocks: list[Block]) -> PrintOutcome: ...

    def status(self) -> PrinterStatus: ...


class EscposTicketPrinter:
    """Prints ticket layouts on an ESC/POS printer, one connection per ticket or status check."""

    def __init__(
        self, connect: Callable[[], Escpos], *, chinese_mode: ChineseMode = "gb18030", paper_width: int = 576
    ) -> None:
        self.connect = connect
        self.paper_width = paper_width
        self.writer: TextWriter = text_writer(chinese_mode, width=paper_width)

    @classmethod
    def from_url(cls, url: str, *, chinese_mode: ChineseMode = "gb18030", paper_width: int = 576) -> EscposTicketPrinter:
        printer_from_url(url)  # fail at start-up on a bad URL or a missing driver, not on the first ticket
        return cls(lambda: printer_from_url(url), chinese_mode=chinese_mode, paper_width=paper_width)

    def status(self) -> PrinterStatus:
        printer, failure = self._open()
        if printer is None:
            return failure
        try:
            return probe(printer)
        finally:
            _close(printer)

    def print_ticket(self, blocks: list[Block]) -> PrintOutcome:
        printer, failure = self._open()
        if printer is None:
            return PrintOutcome(False, failure)
        try:
            before = probe(printer)
            if not before.can_print:
                return PrintOutcome(False, before)
            self.write(printer, blocks)
            after = probe(printer)
            return PrintOutcome(after.can_print, after)
        except (OSError, EscposError, ValueError) as exc:
            return PrintOutcome(False, PrinterStatus("error", f"printing failed: {exc}"))
        finally:
            _close(printer)

    def write(self, printer: Escpos, blocks: list[Block]) -> None:
        """Send one ticket's ESC/POS: text through the Chinese writer, native QR, then a cut."""
        _know_paper_width(printer, self.paper_width)
        printer.hw("INIT")
        self.writer.start(printer)
        for block in blocks:
            if isinstance(block, TextLine):
                _text_style(printer, block)
                self.writer.line(printer, block.text, size=block.size, align=block.align, bold=block.bold)
            elif isinstance(block, QrCode):
                printer.set(align="center", normal_textsize=True)
                printer.qr(block.data, native=True, size=6)
                printer.ln()
            elif isinstance(block, Rule):
                printer.set(align="left", normal_textsize=True, bold=False)
                printer.textln("-" * (self.paper_width // 12))
        self.writer.finish(printer)
        printer.set(align="left", normal_textsize=True, bold=False)
        printer.cut()
        if isinstance(printer, CupsPrinter):
            printer.send()  # CUPS spools to a temp file until told to send

    def _open(self) -> tuple[Escpos | None, PrinterStatus]:
        try:
            printer = self.connect()
            printer.open()
        except (OSError, EscposError, RuntimeError) as exc:
            return None, PrinterStatus("offline", f"cannot reach the printer: {exc}")
        return printer, PrinterStatus("online")


def _know_paper_width(printer: Escpos, dots: int) -> None:
    """Tell a profile of unknown width the paper's width (escpos prints a warning per image otherwise)."""
    data = printer.profile.profile_data
    media = data.get("media", {})
    if media.get("width", {}).get("pixels", "Unknown") == "Unknown":
        # an instance copy: profile data is shared by every printer of that profile
        width = {**media.get("width", {}), "pixels": dots}
        printer.profile.profile_data = {**data, "media": {**media, "width": width}}


def _text_style(printer: Escpos, line: TextLine) -> None:
    if line.size == "huge":
        printer.set(align=line.align, bold=line.bold, custom_size=True, width=4, height=4)
    elif line.size == "large":
        printer.set(align=line.align, bold=line.bold, double_width=True, double_height=True)
    else:
        printer.set(align=line.align, bold=line.bold, normal_textsize=True)


def _close(printer: Escpos) -> None:
    try:
        printer.close()
    except (OSError, EscposError):
        pass  # a printer that vanished mid-job cannot be closed cleanly; the status already says so


class RecordingPrinter:
    """A fake printer for agent tests: records layouts, status set by the test."""

    def __init__(self, status: PrinterStatus | None = None) -> None:
        self.current = status or PrinterStatus("online")
        self.printed: list[list[Block]] = []

    def status(self) -> PrinterStatus:
        return self.current

    def print_ticket(self, blocks: list[Block]) -> PrintOutcome:
        if not self.current.can_print:
            return PrintOutcome(False, self.current)
        self.printed.append(blocks)
        return PrintOutcome(True, self.current)

    def numbers(self) -> list[str]:
        """The big numbers printed so far, in order."""
        return [b.text for blocks in self.printed for b in blocks if isinstance(b, TextLine) and b.size == "huge"]
