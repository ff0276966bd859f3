// The door poster's page on a phone: choose a service, get a code by SMS, take a remote ticket.
import { $, api, el, errorText, getLang, langTag, langToggle, loadI18n, onLangChange, pick, show, t } from "./common.js";

const LANG_KEY = "branchq.lang.join";
const code = document.body.dataset.branchCode;
const state = { branch: null, serviceId: null, verification: null };

async function main() {
  await loadI18n(LANG_KEY);
  langToggle($("#lang"), LANG_KEY);
  onLangChange(() => state.branch && drawServices());
  const result = await api(`/api/v1/join/${encodeURIComponent(code)}`).catch(() => ({ status: 0 }));
  if (result.status !== 200) return problem(t(result.status === 0 ? "error.network" : "remote.no_branch"));
  state.branch = result.data;
  $("#branch-name").textContent = pick(state.branch.name);
  if (!state.branch.remote_join) return problem(t("remote.error.remote_join_off"));
  if (!state.branch.open_now) return problem(t("remote.error.branch_closed"));
  drawServices();
  show($("#ask"), true);
  $("#ask").addEventListener("submit", ask);
  $("#verify").addEventListener("submit", verify);
}

function drawServices() {
  $("#branch-name").textContent = pick(state.branch.name);
  const buttons = state.branch.services.map((s) => {
    const button = el("button", { type: "button", class: "choice", text: pick(s.name) });
    button.setAttribute("aria-pressed", String(s.id === state.serviceId));
    button.addEventListener("click", () => {
      state.serviceId = s.id;
      drawServices();
    });
    return button;
  });
  $("#services").replaceChildren(...buttons);
}

async function ask(event) {
  event.preventDefault();
  show($("#problem"), false);
  if (!state.serviceId) return problem(t("remote.choose_service"));
  const body = { service_id: state.serviceId, phone: $("#phone").value.trim(), language: getLang() };
  const result = await api(`/api/v1/branches/${state.branch.id}/remote-tickets`, { method: "POST", body });
  if (result.status !== 202) return problem(reason(result));
  state.verification = result.data.verification_id;
  const until = new Date(result.data.expires_at);
  $("#sent").textContent = t("remote.code_sent", { phone: body.phone, time: timeText(until) });
  show($("#ask"), false);
  show($("#verify"), true);
  $("#code").focus();
}

async function verify(event) {
  event.preventDefault();
  show($("#problem"), false);
  const url = `/api/v1/remote-tickets/${encodeURIComponent(state.verification)}/verify`;
  const result = await api(url, { method: "POST", body: { code: $("#code").value.trim() } });
  if (result.status !== 201) return problem(reason(result));
  location.assign(result.data.track_url);
}

function reason(result) {
  const known = result?.data?.error?.code;
  const key = `remote.error.${known}`;
  const text = known ? t(key) : "";
  return text && text !== key ? text : errorText(result);
}

function timeText(date) {
  return date.toLocaleTimeString(langTag(), {
    hourCycle: "h23",
    hour: "2-digit",
    minute: "2-digit",
    timeZone: state.branch.timezone,
  });
}

function problem(text) {
  $("#problem").textContent = text;
  show($("#problem"), true);
}

main();
