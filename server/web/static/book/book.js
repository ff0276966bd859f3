// Public booking page: branch -> service -> day -> part of the day -> time -> name + phone (with
// consent) -> code, QR and .ics. Look up, move or cancel a booking with its code and phone.
import { $, api as request, browserLanguage, el, getLang, getLanguages, langToggle, loadI18n, onLangChange, pick, setLang, show, t } from "../js/common.js";

const LANG_KEY = "branchq.lang.book";
const PARTS = [["morning", 0, 12], ["afternoon", 12, 18], ["evening", 18, 24]];
const state = { branches: [], slots: [], hour: null, slot: null, booking: null, phone: "", found: null, message: null };

/** The phone goes in a header, never in a URL (URLs end up in logs). */
async function api(method, url, body, phone) {
  const response = await fetch(url, {
    method,
    headers: { ...(body ? { "Content-Type": "application/json" } : {}), ...(phone ? { "X-Phone": phone } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  }).catch(() => null);
  if (!response) return { status: 0, data: null };
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  return { status: response.status, data };
}

/** The server's refusal in the customer's language: a known code, else a generic sentence. */
function problem(result) {
  if (result.status === 0) return t("book2.err_network");
  const code = result.data?.error?.code;
  const known = code && t(`book2.err_${code}`);
  if (known && known !== `book2.err_${code}`) return known;
  return t(result.status === 429 ? "book2.err_too_many_requests" : "book2.err_generic");
}

/** A message that stays until the next thing the customer does (not wiped by a reload of times). */
function say(key, vars = {}, kind = "ok") {
  state.message = { key, vars, kind };
  drawMessage();
}

function sayProblem(result) {
  state.message = { text: problem(result), kind: "bad" };
  drawMessage();
}

function drawMessage() {
  const m = state.message;
  show($("#message"), Boolean(m));
  if (!m) return;
  $("#message").textContent = m.text || t(m.key, m.vars);
  $("#message").className = `message ${m.kind}`;
}

function localDay(offsetDays = 0) {
  const d = new Date(Date.now() + offsetDays * 864e5);
  return new Date(d.getTime() - d.getTimezoneOffset() * 6e4).toISOString().slice(0, 10);
}

const clock = (iso) => iso.slice(11, 16);
const hourOf = (slot) => Number(slot.start.slice(11, 13));

function fillBranches() {
  const keep = $("#branch").value;
  $("#branch").replaceChildren(...state.branches.map((b) => el("option", { value: b.id, text: pick(b.name) })));
  if (keep) $("#branch").value = keep;
  fillServices();
}

function fillServices() {
  const branch = state.branches.find((b) => String(b.id) === $("#branch").value);
  const keep = $("#service").value;
  $("#service").replaceChildren(...(branch?.services || []).map((s) => el("option", { value: s.id, text: pick(s.name) })));
  if (keep && [...$("#service").options].some((o) => o.value === keep)) $("#service").value = keep;
}

let slotsAsked = 0; // only the answer to the latest question is drawn

async function loadSlots() {
  // The old day's times go at once: a tap while the new ones load must not book the old day.
  const asked = ++slotsAsked;
  state.slot = null;
  state.slots = [];
  show($("#details"), false);
  drawSlots();
  $("#slots-note").textContent = "";
  if (!$("#branch").value || !$("#service").value || !$("#day").value) return;
  const query = new URLSearchParams({ service_id: $("#service").value, date: $("#day").value });
  const result = await api("GET", `/api/v1/branches/${$("#branch").value}/slots?${query}`);
  if (asked !== slotsAsked) return;
  if (result.status !== 200) return sayProblem(result);
  state.slots = result.data;
  const free = state.slots.filter((s) => s.available > 0);
  if (!free.some((s) => hourOf(s) === state.hour)) state.hour = free.length ? hourOf(free[0]) : null;
  drawSlots();
}

/** First the hours of the day that have free times (grouped morning / afternoon / evening), then that hour's times. */
function drawSlots() {
  const free = (hour) => state.slots.filter((s) => hourOf(s) === hour && s.available > 0).length;
  const hours = [...new Set(state.slots.map(hourOf))];
  const groups = PARTS.flatMap(([part, from, to]) => {
    const inPart = hours.filter((h) => h >= from && h < to);
    if (!inPart.length) return [];
    return [el("p", { class: "part-label", text: t(`book2.part_${part}`) }), ...inPart.map((hour) =>
      el("button", { type: "button", class: "hour", "data-hour": hour, "aria-pressed": String(hour === state.hour),
        disabled: !free(hour), onclick: () => chooseHour(hour) },
        `${String(hour).padStart(2, "0")}:00`, el("small", { text: free(hour) ? t("book2.free_n", { n: free(hour) }) : t("book2.full") })))];
  });
  $("#hours").replaceChildren(...groups);
  show($("#parts"), hours.length > 0);
  $("#slots-note").textContent = state.slots.length ? "" : t("book2.no_slots");
  const times = state.slots.filter((s) => hourOf(s) === state.hour);
  show($("#times"), times.length > 0);
  $("#times-legend").textContent = t("book2.times_in", { hour: `${String(state.hour).padStart(2, "0")}:00` });
  $("#slots").replaceChildren(...times.map((slot) =>
    el("button", { type: "button", class: "slot", "data-start": slot.start, disabled: slot.available < 1,
      "aria-pressed": String(state.slot?.start === slot.start), onclick: () => chooseSlot(slot) },
      clock(slot.start), el("small", { text: slot.available ? t("book2.left_n", { n: slot.available }) : t("book2.full") }))));
}

function chooseHour(hour) {
  state.hour = hour;
  state.slot = null;
  show($("#details"), false);
  drawSlots();
  $("#slots button:not([disabled])")?.focus();
}

function chooseSlot(slot) {
  state.slot = slot;
  drawSlots();
  $("#chosen").textContent = `${$("#day").value} ${clock(slot.start)}–${clock(slot.end)}`;
  show($("#details"), true);
  $("#name").focus();
}

async function book(event) {
  event.preventDefault();
  if (!state.slot) return;
  const body = {
    branch_id: Number($("#branch").value), service_id: Number($("#service").value), start: state.slot.start,
    name: $("#name").value, phone: $("#phone").value, language: getLang(), consent: $("#consent").checked,
  };
  const result = await api("POST", "/api/v1/appointments", body);
  if (result.status !== 201) {
    sayProblem(result);
    return loadSlots();
  }
  state.booking = result.data;
  state.phone = $("#phone").value;
  state.message = null;
  drawMessage();
  showDone();
}

function showDone() {
  const booking = state.booking;
  show($("#details"), false);
  show($("#done"), true);
  $("#code").textContent = booking.code;
  drawWhen();
  holderFile(booking.qr_url, state.phone).then((url) => ($("#qr").src = url));
  holderFile(booking.ics_url, state.phone).then((url) => ($("#ics").href = url));
  $("#done").scrollIntoView({ behavior: "smooth" });
}

function drawWhen() {
  const b = state.booking;
  if (b) $("#when").textContent = `${pick(b.branch.name)} · ${pick(b.service.name)} · ${b.start.slice(0, 10)} ${clock(b.start)}`;
  $("#qr").alt = t("book2.qr_alt");
}

async function checkIn() {
  const booking = state.booking;
  const result = await api("POST", `/api/v1/branches/${booking.branch_id}/check-in`, { code: booking.code, phone: state.phone });
  if (result.status !== 201) return sayProblem(result);
  say("book2.checked_in", { number: result.data.number });
  if (result.data.track_url) location.href = result.data.track_url;
}

/** The QR image or calendar file of a booking, as a local object URL (fetched with X-Phone). */
async function holderFile(url, phone) {
  const response = await fetch(url, { headers: { "X-Phone": phone } }).catch(() => null);
  return response?.ok ? URL.createObjectURL(await response.blob()) : "";
}

const holderUrl = () => `/api/v1/appointments/${encodeURIComponent($("#m-code").value.trim())}`;

function drawFound() {
  const b = state.found;
  show($("#found"), Boolean(b));
  if (!b) return;
  $("#found-text").textContent = `${b.code} · ${pick(b.service.name)} · ${b.start.slice(0, 10)} ${clock(b.start)} · ${t(`book2.status_${b.status}`)}`;
  $("#reschedule").disabled = $("#cancel").disabled = b.status !== "booked";
}

async function holder(method, body, doneKey) {
  const result = await api(method, holderUrl(), body, $("#m-phone").value.trim());
  if (result.status !== 200) return sayProblem(result);
  state.found = result.data;
  drawFound();
  if (doneKey) {
    say(doneKey, { when: `${result.data.start.slice(0, 10)} ${clock(result.data.start)}` });
    loadSlots(); // the freed or taken place shows at once; the message above stays
  } else {
    state.message = null;
    drawMessage();
  }
}

function askCancel() {
  const node = $("#cancel-dialog");
  $("#cancel-text").textContent = t("book2.cancel_confirm", { code: state.found.code });
  node.addEventListener("close", () => node.returnValue === "ok" && holder("DELETE", undefined, "book2.cancelled"), { once: true });
  node.returnValue = "";
  node.showModal();
}

function drawAll() {
  fillBranches();
  drawSlots();
  drawMessage();
  drawWhen();
  drawFound();
}

async function start() {
  const stored = localStorage.getItem(LANG_KEY);
  await loadI18n(LANG_KEY);
  const asked = new URLSearchParams(location.search).get("lang");
  const phone = browserLanguage();
  if (getLanguages().some((l) => l.code === asked)) setLang(asked, LANG_KEY);
  else if (!stored) setLang(phone, null); // the phone's language until the customer picks one
  langToggle($("#lang"), LANG_KEY);
  onLangChange(drawAll);
  $("#day").value = localDay(1);
  $("#day").min = localDay(0);
  const branches = await request("/api/v1/booking/branches").catch(() => ({ status: 0 }));
  if (branches.status !== 200) sayProblem(branches);
  state.branches = branches.data || [];
  fillBranches();
  await loadSlots();
}

$("#branch").addEventListener("change", () => {
  fillServices();
  loadSlots();
});
$("#service").addEventListener("change", loadSlots);
$("#day").addEventListener("change", loadSlots);
$("#details").addEventListener("submit", book);
$("#check-in").addEventListener("click", checkIn);
$("#lookup").addEventListener("click", () => holder("GET"));
$("#cancel").addEventListener("click", askCancel);
$("#reschedule").addEventListener("click", () => state.slot && holder("PATCH", { start: state.slot.start }, "book2.moved"));
start();
