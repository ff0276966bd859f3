"""A Cantonese ticket on paper in Traditional characters, read back from the ESC/POS bytes:
raster images (image mode) decoded into bitmaps, Big5 text (big5 mode) decoded into text."""

from __future__ import annotations

import re

from escpos.printer import Dummy

from kiosk.chinese import FS_CHINESE_OFF, FS_CHINESE_ON, ImageWriter
from kiosk.layout import TextLine, ticket_layout
from kiosk.printers import EscposTicketPrinter
from tests.devices.support import make_job

RASTER_IMAGE = b"\x1dv0"  # GS v 0 m xL xH yL yH d1…dk
WIDTH = 576
STYLE = re.compile(rb"\x1b[!Eat-].|\x1d!.")  # size, bold, alignment, code table: one parameter byte each


def printed(mode: str) -> tuple[list[TextLine], bytes]:
    job = make_job(language="yue", languages=("yue",), appointment_code="K7Q2")
    job["branch"]["name"] = {"yue": "中環分行"}
    job["service"]["name"] = {"yue": "個人銀行服務"}
    blocks = ticket_layout(job)
    dummy = Dummy()
    outcome = EscposTicketPrinter(lambda: dummy, chinese_mode=mode, paper_width=WIDTH).print_ticket(blocks)
    assert outcome.ok
    return [b for b in blocks if isinstance(b, TextLine)], dummy.output


def raster_images(output: bytes) -> list[bytes]:
    """Each GS v 0 image's bitmap, one bit a dot, 1 = black, as the printer receives it."""
    images, at = [], 0
    while (at := output.find(RASTER_IMAGE, at)) != -1:
        row_bytes, rows = output[at + 4] + 256 * output[at + 5], output[at + 6] + 256 * output[at + 7]
        images.append(output[at + 8 : at + 8 + row_bytes * rows])
        at += 8 + row_bytes * rows
    return images


def drawn(line: TextLine) -> bytes:
    """The bitmap a line should print as: rendered with the kiosk's CJK font, black as 1 bits."""
    image = ImageWriter(width=WIDTH).render(line.text, size=line.size, align=line.align, bold=line.bold)
    return bytes(byte ^ 0xFF for byte in image.tobytes())  # PIL's mode "1": a 1 bit is white


def big5_text(output: bytes) -> list[str]:
    """The lines sent as Big5 between FS & and FS ."""
    start = output.index(FS_CHINESE_ON) + len(FS_CHINESE_ON)
    body = output[start : output.index(FS_CHINESE_OFF, start)]
    lines = [STYLE.sub(b"", part) for part in body.split(b"\n") if RASTER_IMAGE not in part]
    return [line.decode("big5", errors="strict") for line in lines if line]


def test_image_mode_prints_every_traditional_line_as_the_bitmap_of_its_text():
    lines, output = printed("image")
    chinese = [line for line in lines if not line.text.isascii()]
    assert {"你嘅號碼", "中環分行", "個人銀行服務", "前面仲有 3 人", "預約號 K7Q2"} <= {line.text for line in chinese}
    images = raster_images(output)
    assert images == [drawn(line) for line in chinese]  # the paper shows exactly these texts, in order
    assert "號".encode("big5") not in output and "号".encode("gb18030") not in output  # no text bytes
    assert b"A017" in output  # the number stays sharp text


def test_big5_mode_sends_traditional_text_as_big5_and_draws_what_big5_lacks():
    lines, output = printed("big5")
    as_text = big5_text(output)
    assert "中環分行" in as_text and "預約號 K7Q2" in as_text and "前面仲有 3 人" in as_text
    assert "預計等候 約 4–15 分鐘" in as_text
    # 嘅 (Cantonese "of") is HKSCS, outside Big5: that line is an image of its text, never "?"
    lacking = [line for line in lines if not _in_big5(line.text)]
    assert "你嘅號碼" in [line.text for line in lacking]
    assert raster_images(output) == [drawn(line) for line in lacking]
    assert [line for line in as_text if "?" in line and "/track/" not in line] == []


def _in_big5(text: str) -> bool:
    try:
        text.encode("big5")
    except UnicodeEncodeError:
        return False
    return True
