// Floor manager's tablet: issue tickets on a customer's behalf, watch every queue and counter,
// move or re-class a waiting ticket, check in a booked customer who has arrived.
import {
  $,
  BranchFeed,
  api,
  drawMessage as drawMessageLine,
  el,
  minutes,
  onLangChange,
  pick,
  problemText,
  show,
  t,
} from "./common.js";
import { connectionBadge, debounce } from "./device.js";
import { loadBranches, startStaffPage } from "./staff.js";

const LOBBY_ROLES = ["admin", "manager"];
const state = { session: null, branch: null, snapshot: null, waiting: [], bookings: [], issued: null, message: null };

async function main() {
  state.session = await startStaffPage("lobby");
  if (!LOBBY_ROLES.includes(state.session.user.role)) return show($("#l-refused"), true); // the server refuses too
  const branches = await loadBranches($("#branch"), state.session.token, "branchq.lobby.branch");
  const choose = () => openBranch(branches.find((b) => String(b.id) === $("#branch").value) || branches[0]);
  $("#branch").addEventListener("change", () => location.reload());
  $("#issue-form").addEventListener("submit", issue);
  onLangChange(drawAll);
  if (branches.length) await choose();
}

async function openBranch(branch) {
  state.branch = branch;
  const refresh = debounce(load, 250);
  await load();
  if (!state.snapshot) return;
  show($("#floor"), true);
  new BranchFeed({
    auth: { token: state.session.token },
    branchId: branch.id,
    onSnapshot: refresh,
    onEvent: (name) => name !== "alert" && refresh(),
    onStatus: connectionBadge,
  }).start();
  setInterval(load, 30000); // waits keep growing
}

const get = (path) => api(path, { token: state.session.token }).catch(() => ({ status: 0 }));

async function load() {
  const id = state.branch.id;
  const [queue, waiting, bookings] = await Promise.all([
    get(`/api/v1/branches/${id}/queue`),
    get(`/api/v1/branches/${id}/tickets?status=waiting&limit=200`),
    get(`/api/v1/branches/${id}/appointments?date=${branchToday()}`),
  ]);
  if (queue.status !== 200) return;
  state.snapshot = queue.data;
  state.waiting = waiting.status === 200 ? waiting.data : [];
  state.bookings = bookings.status === 200 ? bookings.data : [];
  drawAll();
}

/** The branch's business date (its time zone, not the tablet's). */
function branchToday() {
  return new Intl.DateTimeFormat("en-CA", { timeZone: state.branch.timezone }).format(new Date());
}

function serviceName(id) {
  return pick(state.snapshot?.services.find((s) => s.id === id)?.name);
}

function drawAll() {
  if (!state.snapshot) return;
  const services = state.snapshot.services.filter((s) => s.active);
  const select = $("#i-service");
  const chosen = select.value;
  select.replaceChildren(...services.map((s) => el("option", { value: s.id, text: pick(s.name) })));
  if (chosen) select.value = chosen;
  $("#l-services").replaceChildren(
    ...services.map((s) =>
      el("tr", {}, el("th", { scope: "row", text: pick(s.name) }), el("td", { text: s.waiting }),
        el("td", { text: t("lobby.minutes", { n: minutes(s.longest_wait) }) }), el("td", { text: s.open_counters }))),
  );
  $("#l-counters").replaceChildren(...state.snapshot.counters.map(counterItem));
  drawWaiting();
  drawBookings();
  drawIssued();
  drawMessage();
}

function counterItem(c) {
  const reason = c.status === "paused" && c.pause_reason ? ` · ${t(`counter.reason_${c.pause_reason}`)}` : "";
  return el("li", { class: c.status },
    el("strong", { text: t("counter.number_label", { n: c.number }) }), el("br"),
    el("span", { text: t(`counter.state_${c.status}`) + reason }),
    c.ticket ? el("span", { class: "serving", text: ` ${c.ticket.number}` }) : null);
}

function drawWaiting() {
  const now = Date.now();
  $("#l-waiting").replaceChildren(
    ...state.waiting.map((ticket) =>
      el("tr", { "data-ticket": ticket.id },
        el("th", { scope: "row", class: "number", text: ticket.number }),
        el("td", { text: serviceName(ticket.service_id) }),
        el("td", { text: t(ticket.customer_class === "priority" ? "lobby.class_green" : `class.${ticket.customer_class}`) }),
        el("td", { text: t("lobby.minutes", { n: minutes((now - Date.parse(ticket.issued_at)) / 1000) }) }),
        el("td", {}, el("button", { type: "button", class: "small", "aria-label": t("lobby.move_this", { number: ticket.number }),
          onclick: () => openMove(ticket) }, t("lobby.move"))))),
  );
  show($("#l-waiting-empty"), state.waiting.length === 0);
}

function drawBookings() {
  $("#l-bookings").replaceChildren(
    ...state.bookings.map((b) =>
      el("tr", { "data-code": b.code },
        el("td", { text: b.start.slice(11, 16) }),
        el("td", {}, el("span", { text: b.name }), el("br"), el("span", { class: "muted", text: `${pick(b.service.name)} · ${b.code}` })),
        el("td", { text: t(`lobby.booking_${b.status}`) }),
        el("td", {}, b.status === "booked"
          ? el("button", { type: "button", class: "small", "aria-label": t("lobby.arrived_this", { name: b.name }), onclick: () => arrived(b) }, t("lobby.arrived"))
          : null))),
  );
  show($("#l-bookings-empty"), state.bookings.length === 0);
}

async function issue(event) {
  event.preventDefault();
  const body = {
    service_id: Number($("#i-service").value),
    customer_class: document.querySelector("input[name=i-class]:checked").value,
    language: document.querySelector("input[name=i-lang]:checked").value,
    reason: $("#i-reason").value.trim(),
  };
  const result = await api(`/api/v1/branches/${state.branch.id}/lobby/tickets`, { method: "POST", body, token: state.session.token })
    .catch(() => ({ status: 0 }));
  show($("#i-error"), result.status !== 201);
  if (result.status !== 201) return ($("#i-error").textContent = problemText(result));
  state.issued = result.data;
  $("#i-reason").value = "";
  document.querySelector("input[name=i-class][value=regular]").checked = true; // the next customer starts plain
  drawIssued();
}

function drawIssued() {
  const ticket = state.issued;
  show($("#i-result"), Boolean(ticket));
  if (!ticket) return;
  $("#i-number").textContent = ticket.number;
  $("#i-text").textContent = t("lobby.issued", { service: serviceName(ticket.service_id), ahead: ticket.people_ahead });
  const url = new URL(ticket.track_url || "/", location.origin).href;
  if ($("#i-qr").dataset.text === url) return;
  // eslint-disable-next-line no-undef -- vendored qrcode.js defines qrcode
  const qr = qrcode(0, "M");
  qr.addData(url);
  qr.make();
  $("#i-qr").innerHTML = qr.createSvgTag({ cellSize: 4, margin: 2, scalable: true });
  $("#i-qr").dataset.text = url;
}

function openMove(ticket) {
  $("#move-title").textContent = t("lobby.move_title", { number: ticket.number });
  $("#m-service").replaceChildren(
    ...state.snapshot.services.filter((s) => s.active).map((s) => el("option", { value: s.id, text: pick(s.name) })),
  );
  $("#m-service").value = ticket.service_id;
  $("#m-class").value = ticket.customer_class === "appointment" ? "regular" : ticket.customer_class;
  $("#m-reason").value = "";
  const node = $("#move-dialog");
  node.addEventListener("close", () => node.returnValue === "ok" && move(ticket), { once: true });
  node.showModal();
}

async function move(ticket) {
  const body = { reason: $("#m-reason").value.trim() || t("lobby.reason_default") };
  const service = Number($("#m-service").value);
  const cls = $("#m-class").value;
  if (service !== ticket.service_id) body.service_id = service;
  if (cls !== ticket.customer_class) body.customer_class = cls;
  if (!body.service_id && !body.customer_class) return;
  const result = await api(`/api/v1/tickets/${ticket.id}/move`, { method: "POST", body, token: state.session.token })
    .catch(() => ({ status: 0 }));
  say(result.status === 200 ? () => t("lobby.moved", { number: ticket.number }) : () => problemText(result), result.status === 200 ? "ok" : "bad");
  await load();
}

async function arrived(booking) {
  const result = await api(`/api/v1/branches/${state.branch.id}/check-in`, {
    method: "POST", body: { code: booking.code }, token: state.session.token,
  }).catch(() => ({ status: 0 }));
  say(result.status === 201 ? () => t("lobby.checked_in", { name: booking.name, number: result.data.number }) : () => problemText(result),
    result.status === 201 ? "ok" : "bad");
  await load();
}

function say(text, kind) {
  state.message = { text, kind };
  drawMessage();
}

function drawMessage() {
  drawMessageLine($("#l-message"), state.message);
}

main();
