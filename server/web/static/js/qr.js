// A QR code drawn as SVG into a node, with the text it says kept on the node (vendored qrcode.js).
export function drawQr(node, text, cellSize = 6) {
  // eslint-disable-next-line no-undef -- vendored qrcode.js defines qrcode
  const qr = qrcode(0, "M");
  qr.addData(text);
  qr.make();
  node.innerHTML = qr.createSvgTag({ cellSize, margin: 2, scalable: true });
  node.dataset.text = text;
}
