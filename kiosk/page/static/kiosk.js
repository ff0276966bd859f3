// Kiosk: choose a service (and class), get a ticket on screen and on paper; or check in an appointment.
// Every customer starts afresh: class, language, spoken prompts and typed numbers reset after the
// ticket screen and after a minute untouched (then the attract screen shows).
import { $, BranchFeed, api, el, getLang, getLanguages, onLangChange, otherLanguage, pick, setLang, show, t, waitRange } from "/static/js/common.js";
import { connectionBadge, debounce, fetchQueue, startDevicePage } from "/static/js/device.js";
import { attachKeys } from "./keys.js";
import { kioskErrorText, localTime } from "./kiosk-errors.js";
import { startScanner } from "/static/js/scanner.js";
import { Voice } from "/static/js/voice.js";
import { listenForWedge } from "./wedge.js";

const SHOW_TICKET_MS = 12000;
const IDLE_MS = 60000;
const BAD_PRINTER_ALERTS = /^(printer_(paper_out|offline|error)|print_result_)/;
const LANG_KEY = "branchq.lang.kiosk";
const CODE_KEYS = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"; // the booking codes' alphabet (server/domain/booking_codes.py)
const SCREENS = ["attract", "closed", "start", "checkin", "ticket"];

const state = {
  ctx: null,
  snapshot: null,
  ticket: null,
  jobs: {},
  printerBad: false,
  agentDown: false, // the printer agent is not there: tickets stay on screen with their QR
  timer: null,
  screen: null,
  customerClass: "regular",
  prompts: false,
  lastTouch: Date.now(),
};

// Optional spoken prompts (accessibility), in the customer's language; off for every new customer.
const voice = new Voice({ onSpeech: () => {}, needGesture: () => Promise.resolve() });

function prompt(key, extra = "") {
  if (!state.prompts) return;
  voice.announce(`/api/v1/prompts/audio.wav?key=${key}&lang=${getLang()}${extra}`);
}

function setupPrompts() {
  $("#prompts").addEventListener("click", () => {
    state.prompts = !state.prompts;
    drawPrompts();
    prompt("choose_service");
  });
  drawPrompts();
}

function drawPrompts() {
  $("#prompts").setAttribute("aria-pressed", String(state.prompts));
}

const timeZone = () => state.ctx?.branch.timezone || "UTC";
const branchSettings = () => state.snapshot?.branch?.settings || state.ctx?.branch.settings || {};
// The branch's kiosk language, else its first screen language: every customer starts there.
const defaultLang = () => {
  const known = new Set(getLanguages().map((l) => l.code));
  const wanted = [branchSettings().kiosk_language, state.ctx?.branch?.languages?.screen?.[0]];
  return wanted.find((code) => known.has(code)) || "zh";
};

/** The branch's rule for a class: "anyone" (offered here), "staff" (not here) or "verified" (needs a number). */
function ruleFor(cls) {
  if (cls === "regular") return "anyone";
  return branchSettings().eligibility?.[cls] || "anyone";
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
  setupKeys();
  $("#classes").addEventListener("click", (event) => {
    const choice = event.target.closest("[data-class]");
    if (choice) chooseClass(choice.dataset.class);
  });
  $("#green").addEventListener("click", () => chooseClass(state.customerClass === "priority" ? "regular" : "priority"));
  $("#appointment").addEventListener("click", () => switchTo("checkin"));
  $("#checkin-back").addEventListener("click", () => switchTo("start"));
  $("#checkin-form").addEventListener("submit", checkIn);
  $("#t-done").addEventListener("click", nextCustomer);
  $("#attract-start").addEventListener("click", () => switchTo("start"));
  startScanner($("#scan"), $("#camera"), (code) => {
    $("#code").value = code;
    $("#checkin-form").requestSubmit();
  });
  listenForWedge(onCardRead, () => state.screen === "start");
  ["pointerdown", "keydown"].forEach((name) => document.addEventListener(name, () => (state.lastTouch = Date.now()), true));
  setInterval(checkIdle, 1000);
  resetCustomer();
  switchTo("start");
}

function setupKeys() {
  const labels = () => ({ clearLabel: t("kiosk.key_clear"), deleteLabel: t("kiosk.key_delete") });
  const build = () => {
    attachKeys($("#code-keys"), $("#code"), CODE_KEYS, { maxLength: 12, ...labels() });
    attachKeys($("#verify-keys"), $("#verify-number"), "1234567890", { maxLength: 24, ...labels() });
  };
  build();
  onLangChange(build);
}

/** Everything one customer chose is forgotten before the next one walks up. */
function resetCustomer() {
  state.customerClass = "regular";
  state.prompts = false;
  drawPrompts();
  $("#verify-number").value = "";
  $("#code").value = "";
  show($("#issue-error"), false);
  show($("#checkin-error"), false);
  if (getLang() !== defaultLang()) setLang(defaultLang(), LANG_KEY);
  drawClasses();
}

function nextCustomer() {
  resetCustomer();
  switchTo("start");
}

function checkIdle() {
  if (!["start", "checkin"].includes(state.screen)) return;
  if (Date.now() - state.lastTouch < IDLE_MS) return;
  resetCustomer();
  switchTo("attract");
}

function switchTo(screen) {
  const open = state.snapshot?.branch?.open_now !== false;
  if (!open && screen !== "ticket") screen = "closed";
  state.screen = screen;
  SCREENS.forEach((id) => show($(`#${id}`), id === screen));
  document.body.dataset.screen = screen;
  clearTimeout(state.timer);
  if (screen !== "ticket") state.ticket = null;
  if (screen === "checkin") {
    prompt("enter_code");
    show($("#checkin-error"), false);
  }
  if (screen === "start") $("#services button:not(:disabled)")?.focus();
}

function draw(snapshot) {
  if (!snapshot) return;
  state.snapshot = snapshot;
  const open = snapshot.branch?.open_now !== false;
  if (!open && state.screen !== "ticket") switchTo("closed");
  else if (open && state.screen === "closed") switchTo("start");
  drawClosed(snapshot.branch);
  $("#attract-branch").textContent = pick(snapshot.branch?.name);
  $("#attract-other").textContent = t("kiosk.touch_to_start", {}, otherLanguage(snapshot.branch));
  const buttons = snapshot.services.filter((s) => s.active).map((s) => serviceButton(s));
  $("#services").replaceChildren(...buttons);
  const columns = buttons.length > 4 ? 2 : 1; // few services: one wide row each, many: two columns
  $("#services").classList.toggle("one-column", columns === 1);
  $("#services").style.setProperty("--rows", String(Math.max(1, Math.ceil(buttons.length / columns))));
  drawClasses();
}

function drawClosed(branch) {
  const next = branch?.next_opening;
  const other = otherLanguage(branch);
  const line = (lang) =>
    next ? t("kiosk.closed_next", { time: localTime(next, timeZone(), lang) }, lang) : t("kiosk.closed_none", {}, lang);
  $("#closed-next").textContent = line(getLang());
  $("#closed-other").textContent = `${t("kiosk.closed_title", {}, other)} · ${line(other)}`;
}

/** The class choices the branch offers at the kiosk; one the rule keeps for staff is not shown. */
function drawClasses() {
  if (ruleFor(state.customerClass) === "staff") state.customerClass = "regular"; // the rule changed meanwhile
  const cls = state.customerClass;
  document.querySelectorAll("#classes [data-class]").forEach((button) => {
    button.setAttribute("aria-checked", String(button.dataset.class === cls));
    show(button, ruleFor(button.dataset.class) !== "staff");
  });
  show($("#classes"), ruleFor("vip") !== "staff"); // "regular" alone is no choice
  const green = $("#green");
  show(green, ruleFor("priority") !== "staff");
  green.setAttribute("aria-pressed", String(cls === "priority"));
  const staffOnly = ["vip", "priority"].filter((c) => ruleFor(c) === "staff");
  show($("#class-note"), staffOnly.length > 0);
  $("#class-note").textContent = staffOnly.length ? t("kiosk.ask_staff", { classes: staffOnly.map(classLabel).join(" / ") }) : "";
  show($("#verify"), ruleFor(cls) === "verified");
  $("#start-title").textContent = cls === "regular" ? t("kiosk.choose") : t("kiosk.choose_for", { class: classLabel(cls) });
}

function classLabel(cls) {
  return cls === "priority" ? t("kiosk.green_channel") : t(`class.${cls}`);
}

function chooseClass(cls) {
  state.customerClass = ruleFor(cls) === "staff" ? "regular" : cls;
  show($("#issue-error"), false);
  drawClasses();
}

/** A card or phone number from a USB reader on the start screen: kept for a class the branch checks. */
function onCardRead(text) {
  $("#verify-number").value = text.replace(/\D/g, "");
  if (ruleFor(state.customerClass) !== "verified") {
    const verified = ["vip", "priority"].find((c) => ruleFor(c) === "verified");
    if (verified) chooseClass(verified);
  }
}

function serviceButton(service) {
  const estimate = service.open_counters > 0 ? waitRange(service.estimated_wait) : t("kiosk.no_counter_yet");
  const status = `${t("kiosk.waiting", { n: service.waiting })} · ${estimate}`;
  return el(
    "button",
    { type: "button", class: "service", "data-service": service.id, onclick: () => issue(service) },
    el("span", { class: "prefix", text: service.prefix }),
    el("span", { class: "text" }, el("span", { class: "name", text: pick(service.name) }), el("span", { class: "status", text: status })),
  );
}

async function issue(service) {
  const cls = state.customerClass;
  const body = { service_id: service.id, customer_class: cls, language: getLang() };
  if (ruleFor(cls) === "verified") body.eligibility_number = $("#verify-number").value;
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
  errorNode.textContent = kioskErrorText(result, timeZone(), getLang());
  show(errorNode, true);
}

function showTicket(ticket) {
  switchTo("ticket");
  state.ticket = ticket;
  state.ticket.printFailed = false;
  drawTicket();
  const wait = ticket.estimated_wait;
  const said = wait ? `&p10=${wait.p10}&p90=${wait.p90}&now=${wait.now}` : ""; // the voice says the screen's range
  prompt("your_number", `&number=${encodeURIComponent(ticket.number)}&ahead=${ticket.people_ahead}${said}`);
  $("#t-done").focus();
  state.timer = setTimeout(() => {
    if (!state.printerBad && !ticket.printFailed && !state.agentDown) nextCustomer();
  }, SHOW_TICKET_MS);
}

function drawTicket() {
  const ticket = state.ticket;
  const service = state.snapshot?.services.find((s) => s.id === ticket.service_id);
  $("#t-number").textContent = ticket.number;
  const special = ticket.customer_class !== "regular";
  show($("#t-class"), special);
  $("#t-class").textContent = special ? classLabel(ticket.customer_class) : "";
  $("#t-class").dataset.class = ticket.customer_class;
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
