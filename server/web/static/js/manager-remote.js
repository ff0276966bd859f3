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
