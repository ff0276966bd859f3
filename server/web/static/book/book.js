// Public booking page: branch -> service -> day -> slot -> name + phone -> code, QR and .ics.
import { getLang, getLanguages, langChooser, loadI18n, onLangChange, pick, setLang, t } from "../js/common.js";

const LANG_KEY = "branchq.lang.book";

/** ?lang=, else the language chosen here before, else the browser's (zh-HK / zh-TW read Cantonese). */
function firstLanguage() {
  const known = getLanguages();
  const asked = new URLSearchParams(location.search).get("lang");
  if (known.some((l) => l.code === asked)) return asked;
  if (localStorage.getItem(LANG_KEY)) return localStorage.getItem(LANG_KEY);
  for (const wanted of (navigator.languages || [navigator.language || ""]).map((tag) => tag.toLowerCase())) {
    const hant = /^(yue|zh-(hk|mo|tw|hant))/.test(wanted) && known.find((l) => l.script === "Hant");
    const found = hant || known.find((l) => wanted === l.tag.toLowerCase() || wanted.split("-")[0] === l.code);
    if (found) return found.code;
  }
  return known[0].code;
}

const $ = (id) => document.getElementById(id);
const state = { branches: [], slot: null, booking: null, phone: "" };
const name = (names) => pick(names);

function say(text, error = false) {
  $("message").textContent = text;
  $("message").className = error ? "error" : "";
}

// The phone goes in a header, never in a URL (URLs end up in logs).
async function api(method, url, body, phone) {
  const headers = body ? { "Content-Type": "application/json" } : {};
  if (phone) headers["X-Phone"] = phone;
  const response = await fetch(url, { method, headers, body: body ? JSON.stringify(body) : undefined });
  const data = response.status === 204 ? null : await response.json();
  if (!response.ok) throw new Error((data && data.error && data.error.message) || response.statusText);
  return data;
}

function redraw() {
  fillBranches();
  loadSlots();
}

function localDay(offsetDays = 0) {
  const d = new Date(Date.now() + offsetDays * 864e5);
  return new Date(d.getTime() - d.getTimezoneOffset() * 6e4).toISOString().slice(0, 10);
}

function fillBranches() {
  const keep = $("branch").value;
  $("branch").innerHTML = state.branches.map((b) => `<option value="${b.id}">${esc(name(b.name))}</option>`).join("");
  if (keep) $("branch").value = keep;
  fillServices();
}

function fillServices() {
  const branch = state.branches.find((b) => String(b.id) === $("branch").value);
  const keep = $("service").value;
  $("service").innerHTML = (branch ? branch.services : [])
    .map((s) => `<option value="${s.id}">${esc(name(s.name))}</option>`).join("");
  if (keep && [...$("service").options].some((o) => o.value === keep)) $("service").value = keep;
}

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const clock = (iso) => iso.slice(11, 16);

async function loadSlots() {
  state.slot = null;
  $("details").hidden = true;
  const box = $("slots");
  box.innerHTML = "";
  if (!$("branch").value || !$("service").value || !$("day").value) return;
  try {
    const query = new URLSearchParams({ service_id: $("service").value, date: $("day").value });
    const slots = await api("GET", `/api/v1/branches/${$("branch").value}/slots?${query}`);
    say(slots.length ? "" : t("book.no_slots"));
    for (const slot of slots) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "slot";
      button.dataset.start = slot.start;
      button.disabled = slot.available < 1;
      button.innerHTML = `${clock(slot.start)}<small>${slot.available ? t("book.left", { n: slot.available }) : t("book.full")}</small>`;
      button.addEventListener("click", () => choose(slot, button));
      box.appendChild(button);
    }
  } catch (error) { say(error.message, true); }
}

function choose(slot, button) {
  state.slot = slot;
  document.querySelectorAll(".slot.chosen").forEach((b) => b.classList.remove("chosen"));
  button.classList.add("chosen");
  $("chosen").textContent = `${$("day").value} ${clock(slot.start)}–${clock(slot.end)}`;
  $("details").hidden = false;
}

async function book(event) {
  event.preventDefault();
  if (!state.slot) return;
  try {
    const booking = await api("POST", "/api/v1/appointments", {
      branch_id: Number($("branch").value), service_id: Number($("service").value), start: state.slot.start,
      name: $("name").value, phone: $("phone").value, language: getLang(),
    });
    state.booking = booking;
    state.phone = $("phone").value;
    showDone(booking);
    say("");
  } catch (error) { say(error.message, true); loadSlots(); }
}

function showDone(booking) {
  $("details").hidden = true;
  $("done").hidden = false;
  $("code").textContent = booking.code;
  $("when").textContent = `${name(booking.branch.name)} · ${name(booking.service.name)} · ${booking.start.slice(0, 10)} ${clock(booking.start)}`;
  holderFile(booking.qr_url, state.phone).then((url) => { $("qr").src = url; });
  holderFile(booking.ics_url, state.phone).then((url) => { $("ics").href = url; });
  $("done").scrollIntoView({ behavior: "smooth" });
}

async function checkIn() {
  const booking = state.booking;
  try {
    const ticket = await api("POST", `/api/v1/branches/${booking.branch_id}/check-in`, { code: booking.code, phone: state.phone });
    say(`${t("book.ticket", { number: ticket.number })}. ${pick(ticket.check_in.message)}`);
    if (ticket.track_url) location.href = ticket.track_url;
  } catch (error) { say(error.message, true); }
}

/** The QR image or calendar file of a booking, as a local object URL (fetched with X-Phone). */
async function holderFile(url, phone) {
  const response = await fetch(url, { headers: { "X-Phone": phone } });
  return response.ok ? URL.createObjectURL(await response.blob()) : "";
}

const holderUrl = () => `/api/v1/appointments/${encodeURIComponent($("m-code").value.trim())}`;

function showFound(booking) {
  $("found").hidden = false;
  $("found-text").textContent = `${booking.code} · ${name(booking.service.name)} · ${booking.start.slice(0, 10)} ${clock(booking.start)} · ${t(`book.status.${booking.status}`)}`;
  $("reschedule").disabled = $("cancel").disabled = booking.status !== "booked";
}

async function holder(method, body, done) {
  try {
    const booking = await api(method, holderUrl(), body, $("m-phone").value.trim());
    showFound(booking);
    say(done ? t(`book.${done}`) : "");
    if (done) loadSlots();
  } catch (error) { say(error.message, true); }
}

async function start() {
  await loadI18n(null);
  setLang(firstLanguage(), LANG_KEY);
  langChooser($("lang"), LANG_KEY);
  onLangChange(redraw);
  $("day").value = localDay(1);
  $("day").min = localDay(0);
  try { state.branches = await api("GET", "/api/v1/booking/branches"); } catch (error) { say(error.message, true); }
  redraw();
}

$("branch").addEventListener("change", () => { fillServices(); loadSlots(); });
$("service").addEventListener("change", loadSlots);
$("day").addEventListener("change", loadSlots);
$("details").addEventListener("submit", book);
$("check-in").addEventListener("click", checkIn);
$("lookup").addEventListener("click", () => holder("GET"));
$("cancel").addEventListener("click", () => holder("DELETE", undefined, "cancelled"));
$("reschedule").addEventListener("click", () => state.slot && holder("PATCH", { start: state.slot.start }, "moved"));
start();
