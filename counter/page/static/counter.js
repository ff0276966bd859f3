// Counter: a teller calls, serves and hands on tickets; buttons and single-key shortcuts.
import {
  $,
  BranchFeed,
  api,
  drawMessage as drawMessageLine,
  el,
  onLangChange,
  pick,
  problemText,
  show,
  t,
  translate,
} from "/static/js/common.js";
import { askPauseReason, confirmStep, drawMyDay, drawWaitingList, redrawDesk } from "./counter-desk.js";
import { connectionBadge, debounce } from "/static/js/device.js";
import { loadBranches, startStaffPage } from "/static/js/staff.js";

const state = { session: null, branchId: null, counter: null, snapshot: null, ticket: null, message: null, busy: false };

async function main() {
  state.session = await startStaffPage("counter");
  const select = $("#branch");
  state.branches = await loadBranches(select, state.session.token, "branchq.counter.branch");
  select.addEventListener("change", () => chooseCounter(Number(select.value)));
  show($("#choose"), true);
  chooseCounter(Number(select.value));
  bindActions();
  onLangChange(() => {
    drawAll();
    redrawDesk();
  });
}

async function chooseCounter(branchId) {
  if (!branchId) return;
  const result = await api(`/api/v1/branches/${branchId}/counters`, { token: state.session.token });
  const counters = result.status === 200 ? result.data : [];
  const saved = Number(localStorage.getItem("branchq.counter.id"));
  $("#counters").replaceChildren(
    ...counters.map((c) => {
      // an unnamed counter is named by its number: say it once
      const name = pick(c.name);
      const own = name && name !== String(c.number) ? [el("br"), el("span", { class: "counter-name", text: name })] : [];
      return el("button", { type: "button", class: c.id === saved ? "primary" : "", onclick: () => openCounter(branchId, c) },
        t("counter.number_label", { n: c.number }), ...own);
    }),
  );
  $("#counters button")?.focus();
}

async function openCounter(branchId, counter) {
  localStorage.setItem("branchq.counter.id", counter.id);
  Object.assign(state, { branchId, counter });
  if (counter.status !== "open") await counterAction("open");
  show($("#choose"), false);
  show($("#work"), true);
  const refresh = debounce(async () => {
    const result = await api(`/api/v1/branches/${branchId}/queue`, { token: state.session.token });
    if (result.status === 200) drawSnapshot(result.data);
    drawMyDay(state.session, branchId);
  }, 250);
  drawMyDay(state.session, branchId);
  const feed = new BranchFeed({
    auth: { token: state.session.token },
    branchId,
    onSnapshot: drawSnapshot,
    onEvent: (name) => name !== "alert" && refresh(),
    onStatus: connectionBadge,
  }).start();
  // This page is the counter's terminal: its live socket is the counter's heartbeat (on every connect).
  feed.socket.on("connect", () => feed.emit("counter_terminal", { counter_id: counter.id }));
  setInterval(drawTicket, 30000); // the wait so far keeps growing
  $("#a-next").focus();
}

function drawSnapshot(snapshot) {
  state.snapshot = snapshot;
  const mine = snapshot.counters.find((c) => c.id === state.counter.id);
  if (mine) {
    state.counter = { ...state.counter, ...mine };
    const same = mine.ticket && state.ticket?.id === mine.ticket.id;
    state.ticket = mine.ticket ? { ...(same ? state.ticket : {}), ...mine.ticket } : null;
  }
  drawAll();
  drawWaitingList(state.session, { ...state.counter, ticket: state.ticket }, snapshot, callRow);
}

function drawAll() {
  if (!state.counter) return;
  $("#counter-label").textContent = t("counter.number_label", { n: state.counter.number });
  drawTicket();
  drawButtons();
  drawMessage();
  const services = (state.snapshot?.services || []).filter((s) => state.counter.service_ids.includes(s.id));
  $("#c-waiting").replaceChildren(
    ...services.map((s) => el("li", {}, el("span", { text: pick(s.name) }), el("strong", { text: s.waiting }))),
  );
  drawState();
}

/** Open, or paused and why, or closed: next to the counter's number. */
function drawState() {
  const { status, pause_reason: reason } = state.counter;
  const badge = $("#c-state");
  show(badge, true);
  badge.className = `state-badge ${status}`;
  badge.textContent = t(`counter.state_${status}`) + (status === "paused" && reason ? ` · ${t(`counter.reason_${reason}`)}` : "");
}

function drawTicket() {
  const ticket = state.ticket;
  show($("#c-empty"), !ticket);
  show($("#c-ticket"), Boolean(ticket));
  if (!ticket) return;
  const service = state.snapshot?.services.find((s) => s.id === ticket.service_id);
  $("#c-number").textContent = ticket.number;
  $("#c-service").textContent = pick(service?.name);
  $("#c-class").textContent = t(`class.${ticket.customer_class}`);
  $("#c-status").textContent = t(`status.${ticket.status}`);
  const waited = (Date.parse(ticket.called_at || new Date()) - Date.parse(ticket.issued_at)) / 60000;
  $("#c-wait").textContent = t("counter.waited", { min: Math.max(0, Math.round(waited)) });
  $("#c-reason").textContent = pick(ticket.call_reason?.text);
  show($("#c-recalls"), ticket.recall_count > 0);
  $("#c-recalls").textContent = t("counter.recalled_of", { n: ticket.recall_count || 0, limit: recallLimit() });
}

/** The branch's recall limit (settings.recall_limit, default 3); the server enforces it too. */
function recallLimit() {
  const limit = state.branches?.find((b) => b.id === state.branchId)?.settings?.recall_limit;
  return Number.isInteger(limit) && limit >= 0 && limit <= 20 ? limit : 3;
}

function drawButtons() {
  const status = state.ticket?.status;
  const open = state.counter.status === "open";
  const enable = {
    "a-next": open && !status,
    "a-call": open && !status,
    "a-recall": status === "called" && (state.ticket.recall_count || 0) < recallLimit(),
    "a-start": status === "called",
    "a-noshow": status === "called",
    "a-finish": status === "serving",
    "a-transfer": status === "called" || status === "serving",
    "a-pause": state.counter.status !== "closed",
    "a-close": !status,
    "a-reprint": true,
  };
  Object.entries(enable).forEach(([id, on]) => ($(`#${id}`).disabled = !on || state.busy));
  $("#a-pause").textContent = t(state.counter.status === "paused" ? "counter.resume" : "counter.pause");
}

// --- actions -------------------------------------------------------------------------------

const ACTIONS = {
  "a-next": () => post(`/api/v1/counters/${state.counter.id}/call-next`),
  "a-recall": () => ticketAction("recall"),
  "a-start": () => ticketAction("start"),
  "a-finish": () => ticketAction("finish"),
  "a-noshow": async () => {
    const ok = await confirmStep(t("counter.confirm_no_show", { number: state.ticket.number }), t("counter.no_show"));
    if (ok) await ticketAction("no-show");
  },
  "a-transfer": openTransfer,
  "a-call": openCall,
  "a-pause": pauseOrResume,
  "a-close": async () => {
    if (await confirmStep(t("counter.confirm_close", { n: state.counter.number }), t("counter.close"))) await counterAction("close");
  },
  "a-reprint": openReprint,
};

async function pauseOrResume() {
  if (state.counter.status === "paused") return counterAction("open");
  const reason = await askPauseReason();
  if (reason) await counterAction("pause", { reason });
}

/** A row of the waiting list: serve that ticket now (out of order, audited by the server). */
function callRow(row) {
  return post(`/api/v1/counters/${state.counter.id}/call`, { ticket_id: row.id });
}

// Shortcuts by physical key (event.code): with a Chinese IME on, event.key is "Process".
const KEY_CODES = Object.fromEntries("abcdefghijklmnopqrstuvwxyz".split("").map((k) => [`Key${k.toUpperCase()}`, k]));

function bindActions() {
  Object.entries(ACTIONS).forEach(([id, run]) => $(`#${id}`).addEventListener("click", run));
  document.addEventListener("keydown", (event) => {
    const typing = event.target.closest("input, select, textarea, dialog") || document.querySelector("dialog[open]");
    if (typing || event.ctrlKey || event.metaKey || event.altKey || $("#work").hidden) return;
    const key = KEY_CODES[event.code];
    const button = key && document.querySelector(`.actions [data-key="${key}"]`);
    if (button && !button.disabled) {
      event.preventDefault();
      button.click();
    }
  });
}

async function ticketAction(action) {
  const id = state.ticket.id;
  const result = await post(`/api/v1/tickets/${id}/${action}`);
  if (result?.status === 200 && (action === "finish" || action === "no-show")) drawMyDay(state.session, state.branchId);
}

async function counterAction(action, body) {
  const result = await api(`/api/v1/counters/${state.counter.id}/${action}`, { method: "POST", body, token: state.session.token });
  if (result.status === 200) {
    state.counter = { ...state.counter, ...result.data };
    say(() => t(`counter.now_${result.data.status}`), "info");
  } else say(() => problemText(result, "counter.err_"), "warn");
  drawAll();
  return result;
}

/** POST and show the outcome: the ticket, "nobody waiting" (204) or who got there first (409).
 * One request at a time: a double click sends one call, and the "called" message stays. */
async function post(path, body) {
  if (state.busy) return null;
  state.busy = true;
  drawButtons();
  const result = await api(path, { method: "POST", body, token: state.session.token })
    .catch(() => ({ status: 0 }))
    .finally(() => (state.busy = false));
  const code = result.data?.error?.code;
  if (code === "counter_busy" && state.ticket && state.message?.kind === "ok") {
    drawAll(); // a second call that found our own ticket still called: keep "called A003"
    return result;
  }
  if (result.status === 200) {
    const ticket = result.data;
    state.ticket = ["waiting", "done", "no_show", "cancelled"].includes(ticket.status) ? null : ticket;
    const vars = { number: ticket.number, counter: state.counter.number };
    say(() => t(`counter.did_${ticket.status}`, vars), "ok");
  } else if (result.status === 204) say(() => t("counter.nothing_waiting"), "info");
  else say(() => problemText(result, "counter.err_"), result.status === 409 ? "warn" : "bad");
  drawAll();
  return result;
}

/** Show a message; ``text`` is a function so that it follows a change of language. */
function say(text, kind) {
  state.message = { text, kind };
  drawMessage();
}

function drawMessage() {
  drawMessageLine($("#c-message"), state.message);
}

// --- dialogs -------------------------------------------------------------------------------

/** Another service, or an open counter that serves this ticket's service (a closed one would keep it forever). */
function openTransfer() {
  const serviceId = state.ticket.service_id;
  const services = (state.snapshot?.services || []).filter((s) => s.active && s.id !== serviceId);
  const counters = (state.snapshot?.counters || []).filter(
    (c) => c.id !== state.counter.id && c.status === "open" && c.service_ids.includes(serviceId),
  );
  $("#transfer-target").replaceChildren(
    el("optgroup", { label: t("counter.to_service") },
      ...services.map((s) => el("option", { value: `service_id:${s.id}`, text: pick(s.name) }))),
    el("optgroup", { label: t("counter.to_counter") },
      ...counters.map((c) => el("option", { value: `counter_id:${c.id}`, text: t("counter.number_label", { n: c.number }) }))),
  );
  dialog("#transfer-dialog", async () => {
    const [key, value] = $("#transfer-target").value.split(":");
    await post(`/api/v1/tickets/${state.ticket.id}/transfer`, { [key]: Number(value) });
  });
}

function openCall() {
  askTicket("counter.call_number", "counter.call", "", (id) =>
    post(`/api/v1/counters/${state.counter.id}/call`, { ticket_id: id }));
}

/** Print a ticket again on the kiosk that issued it (the one being served, or any number of today). */
function openReprint() {
  askTicket("counter.reprint", "counter.reprint", state.ticket?.number || "", async (id, number) => {
    const result = await api(`/api/v1/tickets/${id}/reprint`, { method: "POST", token: state.session.token })
      .catch(() => ({ status: 0 }));
    if (result.status === 202) say(() => t("counter.reprinted", { number }), "ok");
    else say(() => problemText(result, "counter.err_"), "bad");
  });
}

/** Ask for a ticket number and look it up among today's tickets, whatever their state. */
function askTicket(titleKey, okKey, number, onTicket) {
  $("#number-title").dataset.i18n = titleKey;
  $("#number-ok").dataset.i18n = okKey;
  translate($("#number-dialog"));
  $("#ticket-number").value = number;
  dialog("#number-dialog", async () => {
    const typed = $("#ticket-number").value.trim().toUpperCase();
    const query = new URLSearchParams({ number: typed, limit: 1 });
    const found = /^[A-Z]{1,3}\d{3,5}$/.test(typed)
      ? await api(`/api/v1/branches/${state.branchId}/tickets?${query}`, { token: state.session.token }).catch(() => null)
      : null;
    const id = found?.status === 200 ? found.data[0]?.id : null;
    if (!id) return say(() => t("counter.unknown_number", { number: typed }), "warn");
    await onTicket(id, typed);
  });
}

function dialog(selector, onOk) {
  const node = $(selector);
  node.addEventListener("close", () => node.returnValue === "ok" && onOk(), { once: true });
  node.showModal();
}

main();
