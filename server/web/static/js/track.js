// Ticket tracking on the holder's phone: live position, "your turn is near", "go to counter N".
import { $, api, browserLanguage, el, errorText, langToggle, loadI18n, onLangChange, pick, setLang, show, t, waitRange } from "./common.js";

const LANG_KEY = "branchq.lang.track";
const ticketId = Number(document.body.dataset.ticketId);
const token = new URLSearchParams(location.search).get("token") || "";
const state = { ticket: null, notified: new Set(), score: 0 };

async function main() {
  const chosen = localStorage.getItem(LANG_KEY);
  await loadI18n(LANG_KEY);
  if (!chosen) setLang(phoneLanguage(), null); // even an error reads in the phone's language
  langToggle($("#lang"), LANG_KEY);
  onLangChange(() => state.ticket && draw(state.ticket));
  const result = await api(`/api/v1/tickets/${ticketId}?token=${encodeURIComponent(token)}`).catch(() => ({ status: 0 }));
  if (result.status !== 200) return problem(result.status === 0 ? t("error.network") : t("track.not_found"));
  if (!chosen && result.data.language) setLang(result.data.language, null); // the language chosen at the kiosk
  draw(result.data);
  follow();
  $("#cancel").addEventListener("click", cancel);
  $("#rate").addEventListener("submit", rate);
  setupNotifications();
  drawStars();
}

function follow() {
  // eslint-disable-next-line no-undef -- vendored socket.io.min.js defines io
  const socket = io({ auth: { ticket: ticketId, token }, reconnectionDelay: 1000, reconnectionDelayMax: 10000 });
  socket.on("ticket_updated", (data) => data?.ticket && draw({ ...state.ticket, ...data.ticket }));
  socket.on("connect", async () => {
    show($("#conn"), false);
    const fresh = await api(`/api/v1/tickets/${ticketId}?token=${encodeURIComponent(token)}`).catch(() => null);
    if (fresh?.status === 200) draw(fresh.data);
  });
  socket.on("disconnect", () => show($("#conn"), true));
}

function draw(ticket) {
  state.ticket = ticket;
  show($("#card"), true);
  if (ticket.branch) $("#branch-name").textContent = pick(ticket.branch.name);
  $("#number").textContent = ticket.number;
  $("#service").textContent = pick(ticket.service?.name);
  $("#status").textContent = t(`status.${ticket.status}`);
  const waiting = ticket.status === "waiting";
  [$("#ahead"), $("#ahead-label"), $("#estimate"), $("#estimate-label")].forEach((n) => show(n, waiting));
  $("#ahead").textContent = t("track.people", { n: ticket.people_ahead });
  $("#estimate").textContent = waitRange(ticket.estimated_wait) || "—";
  // The forecast says "likely called within 5 minutes"; never while no open counter serves the ticket.
  const near = waiting && ticket.turn_near === true && ticket.estimated_wait != null;
  show($("#banner-near"), near);
  const called = ticket.status === "called" || ticket.status === "serving";
  show($("#banner-called"), called);
  $("#banner-called").textContent = called ? t(`track.go_to_${ticket.status}`, { counter: ticket.counter_number }) : "";
  show($("#cancel"), waiting); // once called, the customer goes to the counter instead
  show($("#notify"), canAskToNotify() && (waiting || called));
  show($("#rate"), ticket.status === "done" && !state.rated);
  if (near) notify("near", t("track.turn_near"));
  if (ticket.status === "called") notify(`called:${ticket.recall_count}`, $("#banner-called").textContent);
}

function problem(text) {
  $("#problem").textContent = text;
  show($("#problem"), true);
}

const phoneLanguage = browserLanguage;

const canAskToNotify = () => "Notification" in window && Notification.permission === "default";

function setupNotifications() {
  if (!canAskToNotify()) return;
  show($("#notify"), ["waiting", "called", "serving"].includes(state.ticket?.status));
  $("#notify").addEventListener("click", async () => {
    await Notification.requestPermission();
    show($("#notify"), false);
  });
}

/** A phone notification (and a buzz) once per moment worth it, when the holder allowed them. */
function notify(key, text) {
  if (state.notified.has(key)) return;
  state.notified.add(key);
  // A buzz needs a tap on the page first: before one the browser refuses it with a console error.
  if (navigator.userActivation?.hasBeenActive) navigator.vibrate?.([300, 150, 300]);
  if ("Notification" in window && Notification.permission === "granted") {
    new Notification(state.ticket.number, { body: text, tag: `branchq-${ticketId}` });
  }
}

async function cancel() {
  if (!confirm(t("track.cancel_confirm"))) return;
  const result = await api(`/api/v1/tickets/${ticketId}/cancel`, { method: "POST", body: { token } });
  if (result.status === 200) draw({ ...state.ticket, ...result.data });
  else problem(result.data?.error?.code === "ticket_called" ? t("track.err_called") : errorText(result));
}

function drawStars() {
  $("#stars").replaceChildren(
    ...[1, 2, 3, 4, 5].map((n) =>
      el("button", { type: "button", role: "radio", "aria-checked": "false", "aria-label": t("pad.score", { n }),
        onclick: () => pickScore(n) }, "★"),
    ),
  );
}

function pickScore(score) {
  state.score = score;
  document.querySelectorAll("#stars button").forEach((b, i) => {
    b.setAttribute("aria-checked", String(i + 1 === score));
    b.classList.toggle("on", i < score);
  });
}

async function rate(event) {
  event.preventDefault();
  if (!state.score) return problem(t("track.pick_score"));
  const body = { score: state.score, comment: $("#comment").value, token };
  const result = await api(`/api/v1/tickets/${ticketId}/feedback`, { method: "POST", body });
  if (result.status !== 201 && result.status !== 409) return problem(errorText(result));
  state.rated = true;
  show($("#rate"), false);
  show($("#thanks"), true);
}

main();
