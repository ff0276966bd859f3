// On the tracking page of a remote ticket: held until "I'm here", and when to be back.
import { $, api, onLangChange, show, t } from "./common.js";
import { drawQr } from "./qr.js";

const ticketId = Number(document.body.dataset.ticketId);
const token = new URLSearchParams(location.search).get("token") || "";
const state = { remote: null, timezone: undefined };

async function catalogueLoaded() {
  // track.js loads the catalogues; the first draw waits for them
  for (let i = 0; i < 50 && t("remote.im_here") === "remote.im_here"; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function refresh() {
  await catalogueLoaded();
  const result = await api(`/api/v1/tickets/${ticketId}/remote`, { method: "POST", body: { token } }).catch(() => null);
  if (result?.status !== 200 || !result.data.remote) return show($("#remote"), false);
  state.remote = result.data;
  const ticket = await api(`/api/v1/tickets/${ticketId}?token=${encodeURIComponent(token)}`).catch(() => null);
  state.timezone = ticket?.data?.branch?.timezone;
  draw();
}

function draw() {
  const r = state.remote;
  show($("#remote"), true);
  show($("#remote-held"), r.held);
  show($("#remote-arrived"), r.arrived);
  show($("#remote-stepped"), r.held && r.stepped_back);
  show($("#remote-here"), r.held);
  show($("#remote-wifi"), r.held && r.wifi_only);
  show($("#remote-kiosk"), r.held && Boolean(r.arrival_code));
  if (r.arrival_code && $("#remote-qr").dataset.text !== r.arrival_code) drawQr($("#remote-qr"), r.arrival_code);
  $("#remote-code").textContent = r.arrival_code || "";
  const back = r.come_back_by ? new Date(r.come_back_by) : null;
  show($("#remote-back"), Boolean(back) && r.held);
  if (back) $("#remote-back").textContent = t("remote.come_back_by", { time: timeText(back) });
}

function timeText(date) {
  const language = document.documentElement.lang.startsWith("en") ? "en-GB" : "zh-CN";
  return date.toLocaleTimeString(language, { hour: "2-digit", minute: "2-digit", timeZone: state.timezone });
}

async function here() {
  const result = await api(`/api/v1/tickets/${ticketId}/arrived`, { method: "POST", body: { token } });
  if (result.status === 200) {
    state.remote = { ...state.remote, ...result.data };
    show($("#remote-problem"), false);
    return draw();
  }
  const key = `remote.error.${result.data?.error?.code}`;
  $("#remote-problem").textContent = t(key) !== key ? t(key) : t("error.generic", { status: result.status });
  show($("#remote-problem"), true);
}

$("#remote-here").addEventListener("click", here);
onLangChange(() => state.remote && draw());
refresh();
setInterval(refresh, 30_000);
