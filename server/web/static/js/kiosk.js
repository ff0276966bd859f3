// Kiosk: choose a service (and class), get a ticket on screen and on paper; or check in an appointment.
import { $, BranchFeed, api, el, errorText, getLang, onLangChange, pick, show, t, waitRange } from "./common.js";
import { connectionBadge, debounce, fetchQueue, startDevicePage } from "./device.js";
import { startScanner } from "./scanner.js";
import { Voice } from "./voice.js";

const SHOW_TICKET_MS = 12000;
const BAD_PRINTER_ALERTS = /^(printer_(paper_out|offline|error)|print_result_)/;

const state = { ctx: null, snapshot: null, ticket: null, jobs: {}, printerBad: false, agentDown: false, timer: null };

// Optional spoken prompts (accessibility), in the customer's language; off until someone turns them on.
const PROMPTS_KEY = "branchq.kiosk.prompts";
const voice = new Voice({ onSpeech: () => {}, needGesture: () => Promise.resolve() });

function prompt(key, extra = "") {
  if (localStorage.getItem(PROMPTS_KEY) !== "1") return;
  voice.announce(`/api/v1/prompts/audio.wav?key=${key}&lang=${getLang()}${extra}`);
}

function setupPrompts() {
  const button = $("#prompts");
  const draw = () => button.setAttribute("aria-pressed", String(localStorage.getItem(PROMPTS_KEY) === "1"));
  button.addEventListener("click", () => {
    localStorage.setItem(PROMPTS_KEY, localStorage.getItem(PROMPTS_KEY) === "1" ? "0" : "1");
    draw();
    prompt("choose_service");
  });
  draw();
}

async function main() {
  state.ctx = await startDevicePage("kiosk");
  if (!state.ctx) return;
  state.printerBad = localStorage.getItem("branchq.kiosk.printer_bad") === "1";
  const { token, branch } = state.ctx;
  const refresh = debounce(async () => draw(await fetchQueue(branch.id, token)), 300);
  const feed = new BranchFeed({
    auth: { token },
    branchId: branch.id,
    onSnapshot: draw,
    onEvent: (name, data) => (name === "alert" ? onAlert(data) : refresh()),
    onStatus: connectionBadge,
    extra: { print_ticket: onPrintJob, agent_status: (data) => markAgent(data?.online) },
  }).start();
  const askAgent = async () => feed.socket.connected && markAgent((await feed.request("agent_status", {}))?.online);
  feed.socket.on("connect", askAgent);
  setInterval(askAgent, 30000); // with several server processes a pushed change can arrive out of order
  setInterval(refresh, 30000); // opening hours turn over without an event
  onLangChange(() => {
    draw(state.snapshot);
    if (state.ticket) drawTicket();
  });
  setupPrompts();
  $("#appointment").addEventListener("click", () => switchTo("checkin"));
  $("#checkin-back").addEventListener("click", () => switchTo("start"));
  $("#checkin-form").addEventListener("submit", checkIn);
  $("#t-done").addEventListener("click", () => switchTo("start"));
  startScanner($("#scan"), $("#camera"), (code) => {
    $("#code").value = code;
    $("#checkin-form").requestSubmit();
  });
  switchTo("start");
}

function switchTo(screen) {
  ["start", "checkin", "ticket"].forEach((id) => show($(`#${id}`), id === screen));
  clearTimeout(state.timer);
  if (screen !== "ticket") state.ticket = null;
  if (screen === "checkin") {
    prompt("enter_code");
    $("#code").value = "";
    show($("#checkin-error"), false);
    $("#code").focus();
  }
  if (screen === "start") $("#services button:not(:disabled)")?.focus();
}

function draw(snapshot) {
  if (!snapshot) return;
  state.snapshot = snapshot;
  const open = snapshot.branch?.open_now !== false;
  show($("#closed"), !open);
  const buttons = snapshot.services.filter((s) => s.active).map((s) => serviceButton(s, open));
  $("#services").replaceChildren(...buttons);
}

function serviceButton(service, branchOpen) {
  const estimate = service.open_counters > 0 ? waitRange(service.estimated_wait) : t("kiosk.no_counter_yet");
  const status = branchOpen ? `${t("kiosk.waiting", { n: service.waiting })} · ${estimate}` : t("kiosk.branch_closed_short");
  const available = branchOpen;
  return el(
    "button",
    { type: "button", class: "service", disabled: !available, "data-service": service.id, onclick: () => issue(service) },
    el("span", { class: "name", text: pick(service.name) }),
    el("span", { class: "status", text: status }),
  );
}

async function issue(service) {
  const customerClass = document.querySelector("input[name=class]:checked").value;
  const body = { service_id: service.id, customer_class: customerClass, language: getLang() };
  await request(`/api/v1/branches/${state.ctx.branch.id}/tickets`, body, $("#issue-error"));
}

async function checkIn(event) {
  event.preventDefault();
  const body = { code: $("#code").value.trim() };
  await request(`/api/v1/branches/${state.ctx.branch.id}/check-in`, body, $("#checkin-error"));
}

async function request(path, body, errorNode) {
  show(errorNode, false);
  const result = await api(path, { method: "POST", body, token: state.ctx.token }).catch(() => ({ status: 0 }));
  if (result.status === 201) return showTicket(result.data);
  errorNode.textContent = result.status === 0 ? t("error.network") : errorText(result);
  show(errorNode, true);
}

function showTicket(ticket) {
  switchTo("ticket");
  state.ticket = ticket;
  state.ticket.printFailed = false;
  drawTicket();
  prompt("your_number", `&number=${encodeURIComponent(ticket.number)}&ahead=${ticket.people_ahead}`);
  $("#t-done").focus();
  state.timer = setTimeout(() => {
    if (!state.printerBad && !ticket.printFailed && !state.agentDown) switchTo("start");
  }, SHOW_TICKET_MS);
}

function drawTicket() {
  const ticket = state.ticket;
  const service = state.snapshot?.services.find((s) => s.id === ticket.service_id);
  $("#t-number").textContent = ticket.number;
  $("#t-service").textContent = pick(ticket.service?.name || service?.name);
  $("#t-ahead").textContent = t("ticket.people_ahead", { n: ticket.people_ahead });
  $("#t-wait").textContent = ticket.estimated_wait ? t("ticket.estimate", { range: waitRange(ticket.estimated_wait) }) : "";
  drawQr($("#t-qr"), new URL(ticket.track_url || "/", location.origin).href);
  const problem = state.printerBad || ticket.printFailed || state.agentDown;
  show($("#t-printer"), problem);
  show($("#t-printing"), !problem);
}

function drawQr(node, text) {
  // eslint-disable-next-line no-undef -- vendored qrcode.js defines qrcode
  const qr = qrcode(0, "M");
  qr.addData(text);
  qr.make();
  node.innerHTML = qr.createSvgTag({ cellSize: 6, margin: 2, scalable: true });
  node.dataset.text = text;
}

function onPrintJob(job) {
  if (job?.ticket?.id) state.jobs[job.job_id] = job.ticket.id;
}

function onAlert(alert) {
  if (alert.device_id !== state.ctx.device.id) return;
  if (alert.kind === "printer_online") return markPrinter(false); // the agent says the printer is back
  if (!BAD_PRINTER_ALERTS.test(alert.kind || "")) return;
  const ticketId = state.jobs[alert.job_id];
  if (state.ticket && (ticketId === undefined || ticketId === state.ticket.id)) {
    state.ticket.printFailed = true;
    clearTimeout(state.timer); // keep the ticket and its QR on screen until dismissed
  }
  markPrinter(true);
}

/** Whether the printer agent is connected; when it is not, tickets stay on screen with their QR code. */
function markAgent(online) {
  if (typeof online !== "boolean") return; // no answer (a lost ack) says nothing
  state.agentDown = !online;
  let notice = $("#agent-down");
  if (!notice) {
    // made here rather than in kiosk.html: a notice over the services, whatever the layout
    notice = el("p", { id: "agent-down", class: "message warn", role: "status", "data-i18n": "presence.kiosk_no_printer" });
    $("#start").prepend(notice);
  }
  notice.textContent = t("presence.kiosk_no_printer");
  show(notice, state.agentDown);
  if (state.ticket) drawTicket();
}

function markPrinter(bad) {
  state.printerBad = bad;
  localStorage.setItem("branchq.kiosk.printer_bad", bad ? "1" : "0");
  if (state.ticket) drawTicket();
}

main();
