"""``branchq kiosk-agent``: run the print agent next to a kiosk (or next to a network printer)."""

from __future__ import annotations

import logging
from typing import cast

import click

from kiosk.agent import KioskAgent
from kiosk.chinese import CHINESE_MODES, ChineseMode
from kiosk.printers import URL_FORMS, EscposTicketPrinter


@click.command("kiosk-agent")
@click.option("--server", "server_url", required=True, help="BranchQ server URL, e.g. http://10.0.0.5:5000")
@click.option("--token", required=True, envvar="BRANCHQ_DEVICE_TOKEN", help="The kiosk's device token.")
@click.option("--printer", "printer_url", required=True, help=f"Printer URL: {URL_FORMS}.")
@click.option(
    "--chinese-mode",
    type=click.Choice(CHINESE_MODES),
    default="gb18030",
    show_default=True,
    help="gb18030 for Simplified Chinese firmware, big5 for Traditional, image for any printer (any script).",
)
@click.option(
    "--paper-width", type=int, default=576, show_default=True, help="Printable dots: 576 (80 mm), 384 (58 mm)."
)
@click.option("--status-interval", type=float, default=30.0, show_default=True, help="Seconds between status checks.")
def kiosk_agent(
    server_url: str, token: str, printer_url: str, chinese_mode: str, paper_width: int, status_interval: float
) -> None:
    """Receive print jobs for this kiosk over Socket.IO and print them."""
    # force: python-escpos calls logging.basicConfig() on import, which would hide INFO lines
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True)
    try:
        mode = cast(ChineseMode, chinese_mode)  # click.Choice has checked it
        printer = EscposTicketPrinter.from_url(printer_url, chinese_mode=mode, paper_width=paper_width)
    except (ValueError, RuntimeError, LookupError) as exc:
        raise click.BadParameter(str(exc), param_hint="--printer / --chinese-mode") from exc
    click.echo(f"kiosk agent: printer {printer_url} ({chinese_mode}), server {server_url}")
    KioskAgent(server_url, token, printer, status_interval=status_interval).run_forever()
