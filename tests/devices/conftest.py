"""Fixtures for device tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.devices.support import DeviceServer, FakeNetworkPrinter, make_job


@pytest.fixture
def device_server() -> Iterator[DeviceServer]:
    server = DeviceServer()
    yield server
    server.close()


@pytest.fixture
def job() -> dict[str, Any]:
    return make_job()


@pytest.fixture(autouse=True)
def no_real_printers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any test that tries to open a real USB, serial or CUPS printer."""
    from escpos.printer import CupsPrinter, Serial, Usb

    def refuse(self: Any, *args: Any, **kwargs: Any) -> None:
        raise AssertionError(f"a test tried to open a real printer: {type(self).__name__}")

    for printer_class in (Usb, Serial, CupsPrinter):
        monkeypatch.setattr(printer_class, "open", refuse)


@pytest.fixture
def network_printer() -> Iterator[FakeNetworkPrinter]:
    printer = FakeNetworkPrinter()
    yield printer
    printer.close()
