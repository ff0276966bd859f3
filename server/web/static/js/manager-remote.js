// Manager: remote join and messages — today's remote share, message and webhook delivery
// figures, the latest messages (phones masked by the server), webhook endpoints, the door poster.
import { $, api, el, errorText, onLangChange, show, t } from "./common.js";

const TOKEN_KEY = "branchq.staff.token";
const state = { branchId: null, token: null, figures: null, messages: [], hooks: [] };

function panel() {
  const section = el("section", { class: "panel wide", id: "remote-panel" });
  section.innerHTML = `
    <h2 data-i18n="remote.manager_title"></h2>
    <p id="rm-share" class="big-figure"></p>
    <table class="data"><thead><tr><th></th><th data-i18n="remote.queued"></th><th data-i18n="remote.sent"></th>
      <th data-i18n="remote.retried"></th><th data-i18n="remote.failed"></th></tr></thead>
      <tbody id="rm-figures"></tbody></table>
    <p><a id="rm-poster" target="_blank" rel="noopener" data-i18n="remote.poster_link"></a></p>
    <h3 data-i18n="remote.latest_messages"></h3>
    <table class="data"><thead><tr><th data-i18n="remote.kind"></th><th data-i18n="remote.to"></th>
      <th data-i18n="remote.status"></th><th data-i18n="remote.attempts"></th></tr></thead>
      <tbody id="rm-messages"></tbody></table>
    <h3 data-i18n="remote.settings"></h3>
    <form id="rm-settings" class="grid-form">
      <label class="check"><input id="rm-enabled" type="checkbox"> <span data-i18n="remote.enabled"></span></label>
      <label for="rm-step" data-i18n="remote.step_back_places"></label>
      <input id="rm-step" type="number" min="0" max="50">
      <label for="rm-position" data-i18n="remote.notify_at_position"></label>
      <input id="rm-position" type="number" min="0" max="50">
      <label for="rm-phone-cap" data-i18n="remote.per_phone_per_day"></label>
      <input id="rm-phone-cap" type="number" min="0" max="100">
      <label for="rm-networks" data-i18n="remote.arrival_networks"></label>
      <input id="rm-networks" placeholder="10.20.0.0/24">
      <button class="primary" type="submit" data-i18n="manager.save"></button>
    </form>
    <p id="rm-settings-result" class="message" role="status" hidden></p>
    <h3 data-i18n="webhook.title"></h3>
    <ul id="rm-hooks" class="plain"></ul>
    <form id="rm-hook-form" class="inline">
      <label for="rm-hook-url" data-i18n="webhook.url"></label>
      <input id="rm-hook-url" type="url" required placeholder="https://">
      <label for="rm-hook-events" data-i18n="webhook.events"></label>
      <input id="rm-hook-events" value="ticket_issued,ticket_called,ticket_updated,appointment_booked">
      <button class="primary" type="submit" data-i18n="webhook.add"></button>
    </form>
    <p id="rm-secret" class="message ok" role="status" hidden></p>
    <p id="rm-error" class="message bad" role="alert" hidden></p>`;
  return section;
}

async function start() {
  const live = $("#live");
  const select = $("#branch");
  // manager.js logs in and fills the branch list; the live view shows once that is done
  while (live.hidden || !select.value) await new Promise((resolve) => setTimeout(resolve, 200));
  state.branchId = Number(select.value);
  state.token = sessionStorage.getItem(TOKEN_KEY);
  document.head.append(el("link", { rel: "stylesheet", href: "/static/css/manager-remote.css" }));
  const section = panel();
  live.append(section);
  translateIn(section);
  $("#rm-hook-form").addEventListener("submit", addHook);
  $("#rm-settings").addEventListener("submit", saveSettings);
  await loadSettings();
  onLangChange(() => {
    translateIn(section);
    draw();
  });
  await refresh();
  setInterval(refresh, 15_000);
}

function translateIn(root) {
  root.querySelectorAll("[data-i18n]").forEach((node) => (node.textContent = t(node.dataset.i18n)));
}

async function refresh() {
  const base = `/api/v1/branches/${state.branchId}`;
  const [figures, messages, hooks, branch] = await Promise.all([
    api(`${base}/remote-figures`, { token: state.token }),
    api(`${base}/notifications`, { token: state.token }),
    api(`${base}/webhooks`, { token: state.token }),
    api(base, { token: state.token }),
  ]);
  if (figures.status !== 200) return;
  state.figures = figures.data;
  state.messages = messages.status === 200 ? messages.data.slice(0, 8) : [];
  state.hooks = hooks.status === 200 ? hooks.data : [];
  if (branch.status === 200) $("#rm-poster").href = `/join/${encodeURIComponent(branch.data.code)}/poster`;
  draw();
}

function draw() {
  const f = state.figures;
  if (!f) return;
  $("#rm-share").textContent = t("remote.share", {
    remote: f.remote,
    tickets: f.tickets,
    share: Math.round(f.remote_share * 100),
    arrived: f.remote_arrived,
  });
  const row = (label, counts) =>
    el(
      "tr",
      {},
      el("th", { text: label }),
      ...["pending", "sent", "retried", "failed"].map((k) =>
        el("td", { text: String((counts[k] || 0) + (k === "pending" ? counts.sending || 0 : 0)) }),
      ),
    );
  $("#rm-figures").replaceChildren(row(t("remote.messages"), f.messages), row(t("webhook.deliveries"), f.webhooks));
  $("#rm-messages").replaceChildren(
    ...state.messages.map((m) =>
      el(
        "tr",
        {},
        el("td", { text: t(`remote.kind_${m.kind}`) !== `remote.kind_${m.kind}` ? t(`remote.kind_${m.kind}`) : m.kind }),
        el("td", { text: m.phone || m.email || "—" }),
        el("td", { text: t(`remote.${m.status === "pending" && m.attempts > 0 ? "retried" : m.status === "pending" ? "queued" : m.status}`) }),
        el("td", { text: String(m.attempts) }),
      ),
    ),
  );
  $("#rm-hooks").replaceChildren(
    ...state.hooks.map((h) => {
      const remove = el("button", { type: "button", text: t("webhook.remove") });
      remove.addEventListener("click", () => removeHook(h.id));
      return el("li", {}, el("code", { text: h.url }), " ", el("span", { class: "muted", text: h.events.join(", ") }), " ", remove);
    }),
  );
}

async function loadSettings() {
  const result = await api(`/api/v1/branches/${state.branchId}/remote-settings`, { token: state.token });
  if (result.status !== 200) return;
  const r = result.data;
  $("#rm-enabled").checked = r.enabled;
  $("#rm-step").value = r.step_back_places;
  $("#rm-position").value = r.notify_at_position;
  $("#rm-phone-cap").value = r.per_phone_per_day;
  $("#rm-networks").value = r.arrival_networks.join(", ");
}

async function saveSettings(event) {
  event.preventDefault();
  const body = {
    enabled: $("#rm-enabled").checked,
    step_back_places: Number($("#rm-step").value),
    notify_at_position: Number($("#rm-position").value),
    per_phone_per_day: Number($("#rm-phone-cap").value),
    arrival_networks: $("#rm-networks").value.split(",").map((n) => n.trim()).filter(Boolean),
  };
  const url = `/api/v1/branches/${state.branchId}/remote-settings`;
  const result = await api(url, { method: "PATCH", body, token: state.token });
  const node = $("#rm-settings-result");
  node.className = `message ${result.status === 200 ? "ok" : "bad"}`;
  node.textContent = result.status === 200 ? t("remote.saved") : errorText(result);
  show(node, true);
}

async function addHook(event) {
  event.preventDefault();
  const events = $("#rm-hook-events").value.split(",").map((e) => e.trim()).filter(Boolean);
  const body = { url: $("#rm-hook-url").value.trim(), events };
  const result = await api(`/api/v1/branches/${state.branchId}/webhooks`, { method: "POST", body, token: state.token });
  show($("#rm-error"), result.status !== 201);
  show($("#rm-secret"), result.status === 201);
  if (result.status !== 201) {
    $("#rm-error").textContent = errorText(result);
    return;
  }
  $("#rm-secret").textContent = t("webhook.secret_once", { secret: result.data.secret });
  await refresh();
}

async function removeHook(id) {
  await api(`/api/v1/branches/${state.branchId}/webhooks/${id}`, { method: "DELETE", token: state.token });
  await refresh();
}

start();
