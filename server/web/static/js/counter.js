// Counter: a teller calls, serves and hands on tickets; buttons and single-key shortcuts.
import { $, BranchFeed, api, el, errorText, onLangChange, pick, show, t, translate } from "./common.js";
import { connectionBadge, debounce } from "./device.js";
import { loadBranches, startStaffPage } from "./staff.js";

const state = { session: null, branchId: null, counter: null, snapshot: null, ticket: null, lastDone: null, message: null };

async function main() {
  state.session = await startStaffPage("counter");
  const select = $("#branch");
  await loadBranches(select, state.session.token, "branchq.counter.branch");
  select.addEventListener("change", () => chooseCounter(Number(select.value)));
  show($("#choose"), true);
  chooseCounter(Number(select.value));
  bindActions();
  onLangChange(drawAll);
}

async function chooseCounter(branchId) {
  if (!branchId) return;
  const result = await api(`/api/v1/branches/${branchId}/counters`, { token: state.session.token });
  const counters = result.status === 200 ? result.data : [];
  const saved = Number(localStorage.getItem("branchq.counter.id"));
  $("#counters").replaceChildren(
    ...counters.map((c) =>
      el("button", { type: "button", class: c.id === saved ? "primary" : "", onclick: () => openCounter(branchId, c) },
        t("counter.number_label", { n: c.number }) + (c.name ? ` · ${c.name}` : "")),
    ),
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
  }, 250);
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
  const today = todayFigures();
  $("#c-today").textContent = t("counter.today_figures", today);
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
}

function drawButtons() {
  const status = state.ticket?.status;
  const open = state.counter.status === "open";
  const enable = {
    "a-next": open && !status,
    "a-call": open && !status,
    "a-recall": status === "called",
    "a-start": status === "called",
    "a-noshow": status === "called",
    "a-finish": status === "serving",
    "a-transfer": status === "called" || status === "serving",
    "a-pause": state.counter.status !== "closed",
    "a-close": !status,
    "a-pad": Boolean(state.lastDone),
    "a-reprint": true,
  };
  Object.entries(enable).forEach(([id, on]) => ($(`#${id}`).disabled = !on));
  $("#a-pause").textContent = t(state.counter.status === "paused" ? "counter.resume" : "counter.pause");
}

// --- actions -------------------------------------------------------------------------------

const ACTIONS = {
  "a-next": () => post(`/api/v1/counters/${state.counter.id}/call-next`),
  "a-recall": () => ticketAction("recall"),
  "a-start": () => ticketAction("start"),
  "a-finish": () => ticketAction("finish"),
  "a-noshow": () => ticketAction("no-show"),
  "a-transfer": openTransfer,
  "a-call": openCall,
  "a-pause": () => counterAction(state.counter.status === "paused" ? "open" : "pause"),
  "a-close": () => counterAction("close"),
  "a-pad": openPad,
  "a-reprint": openReprint,
};

function bindActions() {
  Object.entries(ACTIONS).forEach(([id, run]) => $(`#${id}`).addEventListener("click", run));
  document.addEventListener("keydown", (event) => {
    const typing = event.target.closest("input, select, textarea, dialog") || !$("#pad").hidden;
    if (typing || event.ctrlKey || event.metaKey || event.altKey || $("#work").hidden) return;
    const button = document.querySelector(`.actions [data-key="${event.key.toLowerCase()}"]`);
    if (button && !button.disabled) {
      event.preventDefault();
      button.click();
    }
  });
}

async function ticketAction(action) {
  const id = state.ticket.id;
  const result = await post(`/api/v1/tickets/${id}/${action}`);
  if (result?.status !== 200) return;
  if (action === "finish") countToday("served", result.data);
  if (action === "no-show") countToday("no_show", result.data);
  if (action === "finish") state.lastDone = id;
}

async function counterAction(action) {
  const result = await api(`/api/v1/counters/${state.counter.id}/${action}`, { method: "POST", token: state.session.token });
  if (result.status === 200) {
    state.counter = { ...state.counter, ...result.data };
    say(() => t(`counter.now_${result.data.status}`), "info");
  } else say(() => problemText(result), "warn");
  drawAll();
  return result;
}

/** POST and show the outcome: the ticket, "nobody waiting" (204) or who got there first (409). */
async function post(path, body) {
  const result = await api(path, { method: "POST", body, token: state.session.token }).catch(() => ({ status: 0 }));
  if (result.status === 200) {
    const ticket = result.data;
    state.ticket = ["waiting", "done", "no_show", "cancelled"].includes(ticket.status) ? null : ticket;
    const vars = { number: ticket.number, counter: state.counter.number };
    say(() => t(`counter.did_${ticket.status}`, vars), "ok");
  } else if (result.status === 204) say(() => t("counter.nothing_waiting"), "info");
  else say(() => problemText(result), result.status === 409 ? "warn" : "bad");
  drawAll();
  return result;
}

function problemText(result) {
  if (result.status === 0) return t("error.network");
  const code = result.data?.error?.code;
  const known = code && t(`error.${code}`);
  return known && known !== `error.${code}` ? known : errorText(result);
}

/** Show a message; ``text`` is a function so that it follows a change of language. */
function say(text, kind) {
  state.message = { text, kind };
  drawMessage();
}

function drawMessage() {
  const node = $("#c-message");
  show(node, Boolean(state.message));
  if (!state.message) return;
  node.textContent = state.message.text();
  node.className = `message ${state.message.kind}`;
}

// --- dialogs -------------------------------------------------------------------------------

function openTransfer() {
  const services = (state.snapshot?.services || []).filter((s) => s.active);
  const counters = (state.snapshot?.counters || []).filter((c) => c.id !== state.counter.id);
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
    else say(() => problemText(result), "bad");
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

// --- feedback pad and today's figures ------------------------------------------------------

function openPad() {
  const ticketId = state.lastDone;
  show($("#pad"), true);
  show($("#pad-thanks"), false);
  $("#scores").replaceChildren(
    ...[1, 2, 3, 4, 5].map((score) =>
      el("button", { type: "button", class: "score", "aria-label": t("pad.score", { n: score }), onclick: () => rate(ticketId, score) },
        "★".repeat(score)),
    ),
  );
  $("#pad-close").onclick = () => show($("#pad"), false);
  $("#scores button").focus();
}

async function rate(ticketId, score) {
  await api(`/api/v1/tickets/${ticketId}/feedback`, { method: "POST", body: { score }, token: state.session.token });
  show($("#pad-thanks"), true);
  state.lastDone = null;
  setTimeout(() => show($("#pad"), false), 2000);
  drawAll();
}

function todayKey() {
  return `branchq.counter.today.${state.session.user.id}.${new Date().toDateString()}`;
}

function todayFigures() {
  const figures = JSON.parse(localStorage.getItem(todayKey()) || '{"served":0,"no_show":0,"seconds":0}');
  return { ...figures, avg: figures.served ? Math.round(figures.seconds / figures.served / 60) : 0 };
}

function countToday(kind, ticket) {
  const figures = todayFigures();
  figures[kind] += 1;
  if (kind === "served" && ticket.started_at && ticket.finished_at) {
    figures.seconds += (Date.parse(ticket.finished_at) - Date.parse(ticket.started_at)) / 1000;
  }
  localStorage.setItem(todayKey(), JSON.stringify(figures));
}

main();
