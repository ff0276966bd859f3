"""Three ways to get Chinese onto thermal paper.

``gb18030``: printers with (Simplified) Chinese firmware take GB18030 bytes after FS &
(Chinese character mode). python-escpos's magic encoder knows no GB18030 code page, so the
bytes are sent raw.
``big5``: printers with Traditional Chinese firmware (Taiwan, Hong Kong models) take Big5
after FS & the same way. Big5 lacks many Cantonese characters (嘅, 冇, 咗 are HKSCS, not
Big5), so a line it cannot encode is drawn as an image instead: nothing prints as "?".
``image``: any printer prints raster images (GS v 0), so lines with characters outside ASCII
are drawn with a CJK font and sent as bitmaps; ASCII still goes as text, which is sharper.
WenQuanYi draws Simplified and Traditional characters alike, so a Cantonese ticket prints
whole on any printer in this mode, and GB18030 (which encodes every Unicode character but
needs firmware with the glyphs) is not the way for Traditional ones.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Protocol

from PIL import Image, ImageDraw, ImageFont

from kiosk.layout import Size

ChineseMode = Literal["gb18030", "big5", "image"]
CHINESE_MODES: tuple[ChineseMode, ...] = ("gb18030", "big5", "image")

FS_CHINESE_ON = b"\x1c&"  # FS &: enter Chinese character mode
FS_CHINESE_OFF = b"\x1c."  # FS .: back to single-byte characters

_CJK_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)
# Font A is 12 x 24 dots; ESC/POS sizes multiply it.
_PIXEL_HEIGHT: dict[Size, int] = {"normal": 24, "large": 48, "huge": 96}


class TextWriter(Protocol):
    def start(self, printer: Any) -> None: ...

    def line(self, printer: Any, text: str, *, size: Size, align: str, bold: bool) -> None: ...

    def finish(self, printer: Any) -> None: ...


class Gb18030Writer:
    """Raw GB18030 text for printers with Chinese firmware."""

    def start(self, printer: Any) -> None:
        printer._raw(FS_CHINESE_ON)  # escpos has no public raw write; _raw is its documented hook

    def line(self, printer: Any, text: str, *, size: Size, align: str, bold: bool) -> None:
        printer._raw(text.encode("gb18030") + b"\n")

    def finish(self, printer: Any) -> None:
        printer._raw(FS_CHINESE_OFF)


class Big5Writer:
    """Raw Big5 text for printers with Traditional Chinese firmware; lines Big5 cannot hold as images."""

    def __init__(self, images: ImageWriter) -> None:
        self.images = images

    def start(self, printer: Any) -> None:
        printer._raw(FS_CHINESE_ON)

    def line(self, printer: Any, text: str, *, size: Size, align: str, bold: bool) -> None:
        try:
            encoded = text.encode("big5")
        except UnicodeEncodeError:
            self.images.line(printer, text, size=size, align=align, bold=bold)
            return
        printer._raw(encoded + b"\n")

    def finish(self, printer: Any) -> None:
        printer._raw(FS_CHINESE_OFF)


class ImageWriter:
    """Chinese lines drawn as raster images; ``width`` is the printable width in dots."""

    def __init__(self, width: int = 576, font_path: str | Path | None = None) -> None:
        self.width = width
        self.font_path = Path(font_path) if font_path else find_cjk_font()

    def start(self, printer: Any) -> None:
        pass

    def line(self, printer: Any, text: str, *, size: Size, align: str, bold: bool) -> None:
        if text.isascii():
            printer.textln(text)
            return
        for row in self.wrap(text, size):
            printer.image(self.render(row, size=size, align=align, bold=bold), impl="bitImageRaster")

    def finish(self, printer: Any) -> None:
        pass

    def wrap(self, text: str, size: Size) -> Iterator[str]:
        """Break a line by characters where it would run off the paper (Chinese has no spaces)."""
        font = _font(str(self.font_path), _PIXEL_HEIGHT[size])
        row = ""
        for char in text:
            if row and font.getlength(row + char) > self.width:
                yield row
                row = char.lstrip()
            else:
                row += char
        yield row

    def render(self, text: str, *, size: Size, align: str = "left", bold: bool = False) -> Image.Image:
        height = _PIXEL_HEIGHT[size]
        font = _font(str(self.font_path), height)
        image = Image.new("1", (self.width, height + height // 4), color=1)
        draw = ImageDraw.Draw(image)
        text_width = font.getlength(text)
        x = max(0, (self.width - text_width) // 2) if align == "center" else 0
        draw.text((x, 0), text, font=font, fill=0, stroke_width=1 if bold else 0, stroke_fill=0)
        return image


def text_writer(mode: ChineseMode, *, width: int = 576, font_path: str | Path | None = None) -> TextWriter:
    if mode == "gb18030":
        return Gb18030Writer()
    if mode == "image":
        return ImageWriter(width, font_path)
    if mode == "big5":
        return Big5Writer(ImageWriter(width, font_path))
    raise ValueError(f"chinese mode {mode!r}: expected one of {', '.join(CHINESE_MODES)}")


def find_cjk_font() -> Path:
    """WenQuanYi first (fonts-wqy-microhei), then other packaged CJK fonts, then fontconfig."""
    for candidate in _CJK_FONTS:
        if Path(candidate).is_file():
            return Path(candidate)
    found = _fontconfig_cjk_font()
    if found:
        return found
    raise LookupError("no CJK font found for printing Chinese as images: install fonts-wqy-microhei")


def _fontconfig_cjk_font() -> Path | None:
    if not shutil.which("fc-match"):
        return None
    try:
        done = subprocess.run(
            ["fc-match", "-f", "%{file}", ":lang=zh-cn"], capture_output=True, text=True, timeout=5, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    path = Path(done.stdout.strip())
    # fontconfig always answers with some font; only trust one whose name says it covers CJK.
    looks_cjk = any(mark in path.name.lower() for mark in ("cjk", "wqy", "droidsansfallback", "uming", "ukai"))
    return path if looks_cjk and path.is_file() else None


@lru_cache(maxsize=8)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)
