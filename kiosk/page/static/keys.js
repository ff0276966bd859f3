// On-screen keys for a touch-only kiosk: booking codes (letters and digits) and phone or card numbers.

const BACKSPACE = "⌫";

/**
 * Fill ``container`` with one button per character of ``keys`` plus delete and clear; each press
 * edits ``input`` (which may be read-only, so no system keyboard opens) and calls ``onChange``.
 */
export function attachKeys(container, input, keys, { maxLength = 24, clearLabel, deleteLabel, onChange = () => {} } = {}) {
  const press = (value) => {
    if (value === BACKSPACE) input.value = input.value.slice(0, -1);
    else if (value === "") input.value = "";
    else if (input.value.length < maxLength) input.value += value;
    onChange(input.value);
  };
  const key = (text, value, extra = {}) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = `key ${extra.class || ""}`.trim();
    button.textContent = text;
    if (extra.label) button.setAttribute("aria-label", extra.label);
    button.addEventListener("click", () => press(value));
    return button;
  };
  container.replaceChildren(
    ...[...keys].map((ch) => key(ch, ch)),
    key(BACKSPACE, BACKSPACE, { class: "fn", label: deleteLabel }),
    key(clearLabel || "C", "", { class: "fn" }),
  );
}
