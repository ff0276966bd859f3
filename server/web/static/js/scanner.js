// Booking code from a QR code, with the camera where the browser can read barcodes.

/** Show ``button`` only when a camera and BarcodeDetector exist; calls ``onCode`` with the code read. */
export function startScanner(button, video, onCode) {
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices?.getUserMedia) return;
  button.hidden = false;
  button.addEventListener("click", async () => {
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    } catch {
      button.hidden = true; // no camera or no permission: typing the code still works
      return;
    }
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    // eslint-disable-next-line no-undef -- a browser API, checked above
    const detector = new BarcodeDetector({ formats: ["qr_code"] });
    const stop = () => {
      stream.getTracks().forEach((track) => track.stop());
      video.hidden = true;
    };
    const look = async () => {
      if (video.hidden) return;
      const codes = await detector.detect(video).catch(() => []);
      if (codes.length) {
        stop();
        onCode(codeFrom(codes[0].rawValue));
      } else setTimeout(look, 300);
    };
    setTimeout(stop, 30000);
    look();
  });
}

/** A QR may hold the bare code or a link carrying ?code=. */
function codeFrom(raw) {
  try {
    return new URL(raw).searchParams.get("code") || raw;
  } catch {
    return raw.trim();
  }
}
