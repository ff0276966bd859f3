// A USB barcode or card reader types like a keyboard ("keyboard wedge"): a burst of characters
// far faster than a person types, ended by Enter. Only such bursts are taken.

const MAX_GAP_MS = 150; // a reader types a character every few ms; a person, every few hundred
const MIN_LENGTH = 6;

/** Calls ``onRead(text)`` for each burst while ``active()`` is true. */
export function listenForWedge(onRead, active) {
  let buffer = "";
  let last = 0;
  document.addEventListener("keydown", (event) => {
    if (!active()) return;
    const now = event.timeStamp || performance.now();
    if (now - last > MAX_GAP_MS) buffer = "";
    last = now;
    if (event.key === "Enter") {
      if (buffer.length >= MIN_LENGTH) {
        event.preventDefault();
        onRead(buffer);
      }
      buffer = "";
      return;
    }
    if (event.key.length === 1) buffer += event.key;
  });
}
