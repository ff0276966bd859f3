"""Receipt printers: chosen by URL, driven through python-escpos, with honest status.

Writes to a gone printer "succeed" (a socket buffer or a device file swallows them), so the
truth comes from status queries before and after each ticket, each with a short timeout.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import Literal, Protocol

from escpos.constants import RT_MASK_ONLINE, RT_STATUS_ONLINE
from escpos.escpos import Escpos
from escpos.exceptions import Error as EscposError
from escpos.printer import CupsPrinter

from kiosk.chinese import ChineseMode, TextWriter, text_writer
from kiosk.layout import Block, QrCode, Rule, TextLine
from kiosk.printer_url import URL_FORMS, AppendingFile, parse_printer_url, printer_from_url

__all__ = [
    "URL_FORMS",
    "AppendingFile",
    "EscposTicketPrinter",
    "PrintOutcome",
    "PrinterStatus",
    "RecordingPrinter",
    "TicketPrinter",
    "parse_printer_url",
    "printer_from_url",
]

PrinterState = Literal["online", "paper_low", "paper_out", "offline", "error"]


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
        # CUPS answers with its queue state only; its "paper" reply would always read as empty
        paper = 2 if isinstance(printer, CupsPrinter) else printer.paper_status()
        return status_from_replies(online_reply, paper)
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
    def from_url(
        cls, url: str, *, chinese_mode: ChineseMode = "gb18030", paper_width: int = 576
    ) -> EscposTicketPrinter:
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
    # a printer that vanished mid-job cannot be closed cleanly; the status already says so
    with suppress(OSError, EscposError):
        printer.close()


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
