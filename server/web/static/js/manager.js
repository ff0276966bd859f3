// Manager live view: waiting per service, counters, devices and alerts, the display's notice.
import { drawLanguageChoice, drawNoticeFields, readLanguageChoice, readNotice } from "./branch_languages.js";
import { $, BranchFeed, api, el, errorText, minutes, onLangChange, pick, show, t, waitRange } from "./common.js";
import { connectionBadge, debounce } from "./device.js";
import { redrawHistory, showHistory, startHistory } from "./history.js";
import { setupSection } from "./manager-setup.js";
import { startEligibility } from "./manager-eligibility.js";
import { startMedia } from "./manager-media.js";
import { loadBranches, startStaffPage } from "./staff.js";

// Further sections of the console, each its own module:
// {id, label, roles?, firstRun?, mount(ctx) → <main>, open(), wanted?(ctx) → opened first when true}.
const SECTIONS = [setupSection];
let mounted = [];

const MAX_ALERTS = 50;
const PRINTER_TROUBLE = /^(printer_(paper_out|offline|error)|print_result_)/;
// alerts: device reports as they happen; open: the branch's open alerts (raised by the server's rules) by id
const state = { session: null, branch: null, snapshot: null, devices: [], alerts: [], open: new Map() };
let feed = null;

async function main() {
  state.session = await startStaffPage("manager");
  const select = $("#branch");
  const branches = await loadBranches(select, state.session.token, "branchq.manager.branch");
  select.addEventListener("change", () => location.reload());
  state.branch = branches.find((b) => String(b.id) === select.value) || branches[0];
  const ctx = { token: state.session.token, user: state.session.user, branches, branch: state.branch || null };
  ctx.setBranch = (branch) => chooseBranch(ctx, branch);
  mountSections(ctx);
  if (!state.branch) return firstRun(ctx);
  show($("#live"), true);
  show($("#tabs"), true);
  startHistory(state.session.token, state.branch.id);
  startEligibility(state.session.token, state.branch.id);
  startMedia(state.session.token, state.branch.id);
  $("#tab-live").addEventListener("click", () => switchTab("live"));
  $("#tab-history").addEventListener("click", () => switchTab("history"));
  openWantedSection(ctx);
  drawNoticeFields($("#notice-fields"), state.branch.settings?.notice);
  drawLanguageChoice($("#language-choice"), state.branch.languages);
  $("#notice-form").addEventListener("submit", saveNotice);
  const refresh = debounce(async () => {
    const [queue, devices] = await Promise.all([
      api(`/api/v1/branches/${state.branch.id}/queue`, { token: state.session.token }),
      api(`/api/v1/branches/${state.branch.id}/devices`, { token: state.session.token }),
    ]);
    if (queue.status === 200) state.snapshot = queue.data;
    if (devices.status === 200) state.devices = devices.data;
    draw();
  }, 300);
  feed = new BranchFeed({
    auth: { token: state.session.token },
    branchId: state.branch.id,
    onSnapshot: (snapshot) => {
      state.snapshot = snapshot;
      refresh();
      recentAlerts(snapshot.seq);
      loadOpenAlerts();
    },
    onEvent: (name, data) => {
      if (name === "alert" && data?.id) updateOpenAlert(data);
      else if (name === "alert") addAlert(data);
      refresh();
    },
    onStatus: connectionBadge,
  }).start();
  setInterval(refresh, 30000); // device "last seen" without events
  onLangChange(() => {
    draw();
    redrawHistory();
  });
}

function switchTab(name) {
  ["live", "history", ...mounted.map((section) => section.id)].forEach((tab) => {
    show($(`#${tab}`), tab === name);
    $(`#tab-${tab}`).setAttribute("aria-selected", String(tab === name));
  });
  if (name === "history") showHistory();
  mounted.find((section) => section.id === name)?.open();
}

/** Each section's tab after the built-in ones, and its <main> before the page's scripts. */
function mountSections(ctx) {
  const scripts = document.querySelector("body > script");
  mounted = SECTIONS.filter((section) => !section.roles || section.roles.includes(ctx.user.role));
  mounted.forEach((section) => {
    const tab = el("button", {
      id: `tab-${section.id}`,
      type: "button",
      role: "tab",
      "aria-selected": "false",
      "aria-controls": section.id,
      "data-i18n": section.label,
      text: t(section.label),
    });
    tab.addEventListener("click", () => switchTab(section.id));
    $("#tabs").append(tab);
    scripts.before(section.mount(ctx));
  });
}

/** No branch yet: the sections meant for that open (an admin's guided set-up), or a note for a manager. */
function firstRun(ctx) {
  const section = mounted.find((s) => s.firstRun);
  if (ctx.user.role !== "admin" || !section) {
    const note = el("p", { id: "no-branch", class: "message warn center-panel", "data-i18n": "manager.no_branch" });
    note.textContent = t("manager.no_branch");
    document.querySelector("body > script").before(note);
    return;
  }
  show($(`#${section.id}`), true);
  section.firstRun();
}

/** A section with something the branch still lacks (the set-up of a branch with no counter) opens first. */
async function openWantedSection(ctx) {
  for (const section of mounted) {
    if (await section.wanted?.(ctx)) return switchTab(section.id);
  }
}

/** The branch the set-up made or changed becomes the console's branch (kept for the next visit). */
function chooseBranch(ctx, branch) {
  localStorage.setItem("branchq.manager.branch", String(branch.id));
  const known = ctx.branches.findIndex((b) => b.id === branch.id);
  if (known >= 0) ctx.branches[known] = branch;
  else ctx.branches.push(branch);
  ctx.branch = branch;
}

/** Alerts raised before this page opened, from the events the server still keeps. */
async function recentAlerts(seq) {
  const ack = await feed.request("sync", { branch_id: state.branch.id, since_seq: Math.max(0, seq - 500) });
  (ack?.events || []).filter((e) => e.event === "alert").forEach((e) => addAlert(e.data));
}

/** The open alerts now (after a reconnect too: events missed while away are in this answer). */
async function loadOpenAlerts() {
  const open = await api(`/api/v1/branches/${state.branch.id}/alerts?state=open`, { token: state.session.token });
  if (open.status !== 200) return;
  state.open = new Map(open.data.map((a) => [a.id, a]));
  draw();
}

function updateOpenAlert(alert) {
  if (alert.cleared_at) state.open.delete(alert.id);
  else state.open.set(alert.id, alert);
  draw();
}

async function acknowledge(alert) {
  const done = await api(`/api/v1/alerts/${alert.id}/ack`, { method: "POST", token: state.session.token });
  if (done.status === 200) updateOpenAlert(done.data);
}

function openAlertItem(alert) {
  const acked = alert.acknowledged_by
    ? el("span", { class: "muted", text: ` · ${t("alert.acknowledged_by", { name: alert.acknowledged_by })}` })
    : el("button", { type: "button", class: "ack", text: t("alert.acknowledge"), onclick: () => acknowledge(alert) });
  return el("li", { class: `open ${alert.severity}`, "data-kind": alert.kind }, el("span", { text: pick(alert.message) }), " ", acked);
}

function addAlert(alert) {
  if (state.alerts.some((a) => a.seq === alert.seq)) return;
  // A printer back online settles that kiosk's earlier printer trouble: only the recovery stays listed.
  const settled = (a) =>
    alert.kind === "printer_online" && a.device_id === alert.device_id && a.seq < alert.seq && PRINTER_TROUBLE.test(a.kind);
  state.alerts = [alert, ...state.alerts.filter((a) => !settled(a))].sort((a, b) => b.seq - a.seq).slice(0, MAX_ALERTS);
  draw();
}

function draw() {
  const snapshot = state.snapshot;
  if (!snapshot) return;
  $("#m-services").replaceChildren(
    ...snapshot.services.map((s) =>
      row(pick(s.name), s.waiting, t("wait.min", { min: minutes(s.longest_wait) }), waitRange(s.estimated_wait))),
  );
  $("#m-counters").replaceChildren(
    ...snapshot.counters.map((c) =>
      row(t("counter.number_label", { n: c.number }), t(`counter.state_${c.status}`),
        c.ticket ? `${c.ticket.number} · ${t(`status.${c.ticket.status}`)}` : "—")),
  );
  $("#m-devices").replaceChildren(...state.devices.filter((d) => !d.revoked).map(deviceRow));
  // open alerts first, critical before warning, newest first; then the device reports
  const rank = { critical: 0, warning: 1, info: 2 };
  const open = [...state.open.values()].sort((a, b) => rank[a.severity] - rank[b.severity] || b.id - a.id);
  show($("#m-no-alerts"), !state.alerts.length && !open.length);
  $("#m-alerts").replaceChildren(
    ...open.map(openAlertItem),
    ...state.alerts.map((a) =>
      el("li", { class: a.kind === "printer_online" ? "ok" : "", text: `${a.device_name || ""} · ${a.message ? pick(a.message) : t(`alert.${a.kind}`)} ${a.detail || ""}` })),
  );
}

function row(...cells) {
  return el("tr", {}, ...cells.map((text) => el("td", { text: String(text ?? "") })));
}

function deviceRow(device) {
  // A device silent past its heartbeat: its last printer or voice report no longer says anything.
  const silent = Boolean(device.last_seen) && !device.online;
  const status = silent ? {} : device.status || {};
  const cell = (report, good) => {
    const text = report ? t(`device.${report.status}`) : "—";
    return el("td", { class: report ? (report.status === good ? "status-ok" : "status-bad") : "", text });
  };
  const name = el("td", { text: `${device.name} (${t(`device.kind_${device.kind}`)})` });
  if (silent) name.append(" · ", el("span", { class: "status-bad", text: t("device.offline") }));
  return el(
    "tr",
    { "data-online": String(Boolean(device.online)) },
    name,
    device.kind === "kiosk" ? cell(status.printer, "online") : el("td", { text: "" }),
    device.kind === "display" ? cell(status.speech, "ok") : el("td", { text: "" }),
  );
}

async function saveNotice(event) {
  event.preventDefault();
  const fresh = await api(`/api/v1/branches/${state.branch.id}`, { token: state.session.token });
  const settings = { ...(fresh.data?.settings || {}) }; // keep every other setting as it is
  const notice = readNotice($("#notice-fields"));
  if (notice) settings.notice = notice;
  else delete settings.notice;
  for (const [key, codes] of Object.entries(readLanguageChoice($("#language-choice")))) {
    if (codes) settings[key] = codes;
    else delete settings[key];
  }
  const result = await api(`/api/v1/branches/${state.branch.id}`, {
    method: "PATCH",
    body: { settings },
    token: state.session.token,
  });
  const node = $("#notice-result");
  node.className = `message ${result.status === 200 ? "ok" : "bad"}`;
  node.textContent = result.status === 200 ? t("manager.saved") : errorText(result);
  show(node, true);
}

main();
