// Start-up shared by the device screens (kiosk, display): language, clock, pairing, branch.
import {
  $, api, clockText, deviceContext, deviceToken, forgetDevice, langToggle, loadI18n, onLangChange, pairDevice, pick,
  show, t,
} from "./common.js";

/** Resolves to {token, device, branch} once paired; shows the pairing screen (never an error page) otherwise. */
export async function startDevicePage(kind) {
  const langKey = `branchq.lang.${kind}`;
  await loadI18n(langKey);
  if ($("#lang")) langToggle($("#lang"), langKey); // a TV has none: the branch sets its languages
  const zone = { name: undefined };
  const drawClock = tickClock($("#clock"), () => zone.name);
  const token = await deviceToken(kind);
  const context = token ? await deviceContext(token).catch(() => null) : null;
  if (!context) {
    if (token) $("#pair-error").textContent = t("pair.invalid");
    show($("#pair-error"), Boolean(token));
    showPairing(kind);
    return null;
  }
  zone.name = context.branch.timezone; // the clock shows the branch's time, wherever the screen is set
  drawClock();
  const name = $("#branch-name");
  const drawName = () => (name.textContent = pick(context.branch.name));
  drawName();
  onLangChange(drawName);
  return { token, ...context };
}

function showPairing(kind) {
  show($("#pairing"), true);
  $("#pair-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const token = $("#pair-token").value.trim();
    if (!(await pairDevice(kind, token))) {
      $("#pair-error").textContent = t("pair.invalid");
      show($("#pair-error"), true);
      return;
    }
    location.reload();
  });
  forgetDevice(kind);
}

export function tickClock(node, timeZone = () => undefined) {
  const draw = () => (node.textContent = clockText(new Date(), timeZone()));
  draw();
  setInterval(draw, 1000);
  return draw;
}

/** Connection badge: hidden while online. */
export function connectionBadge(state) {
  const badge = $("#conn");
  show(badge, state !== "online");
  badge.classList.toggle("offline", state !== "online");
}

export async function fetchQueue(branchId, token) {
  const result = await api(`/api/v1/branches/${branchId}/queue`, { token });
  return result.status === 200 ? result.data : null;
}

/** Call ``fn`` once, ``delay`` ms after the last of a burst of calls. */
export function debounce(fn, delay) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), delay);
  };
}
