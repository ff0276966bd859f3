// Manager: who may take a VIP or green-channel ticket at the kiosk, and the list of numbers that may.
// Numbers leave this page once, to be stored as a keyed digest; the list shows them masked.
import { $, api, el, onLangChange, show, t } from "./common.js";

const RULES = ["anyone", "staff", "verified"];
const state = { token: null, branchId: null, data: null };

export function startEligibility(token, branchId) {
  Object.assign(state, { token, branchId });
  $("#eligibility-rules").addEventListener("submit", saveRules);
  $("#eligibility-add").addEventListener("submit", addEntry);
  onLangChange(draw);
  load();
}

async function load() {
  const result = await api(`/api/v1/branches/${state.branchId}/eligibility`, { token: state.token });
  if (result.status !== 200) return show($("#eligibility"), false);
  state.data = result.data;
  draw();
}

function draw() {
  if (!state.data) return;
  for (const cls of ["vip", "priority"]) {
    const select = $(`#rule-${cls}`);
    select.replaceChildren(...RULES.map((rule) => el("option", { value: rule, text: t(`eligibility.rule_${rule}`) })));
    select.value = state.data.rules[cls];
  }
  const rows = state.data.entries.map((entry) =>
    el(
      "tr",
      {},
      el("td", { class: "number", text: entry.masked }),
      el("td", { text: entry.classes.map((c) => t(c === "vip" ? "class.vip" : "eligibility.green_channel")).join(" · ") }),
      el("td", { text: entry.note }),
      el("td", {}, el("button", { type: "button", class: "danger", text: t("eligibility.remove"), onclick: () => remove(entry) })),
    ),
  );
  if (!rows.length) rows.push(el("tr", {}, el("td", { class: "muted", colspan: 4, text: t("eligibility.empty") })));
  $("#eligibility-list").replaceChildren(...rows);
}

function report(result, okKey) {
  const node = $("#eligibility-result");
  const ok = result.status < 300;
  node.className = `message ${ok ? "ok" : "bad"}`;
  node.textContent = ok ? t(okKey) : t(`eligibility.error_${result.data?.error?.field === "number" ? "number" : "generic"}`);
  show(node, true);
  return ok;
}

async function saveRules(event) {
  event.preventDefault();
  const body = { vip: $("#rule-vip").value, priority: $("#rule-priority").value };
  const result = await api(`/api/v1/branches/${state.branchId}/eligibility/rules`, { method: "PUT", body, token: state.token });
  if (report(result, "eligibility.saved")) load();
}

async function addEntry(event) {
  event.preventDefault();
  const classes = [...document.querySelectorAll("#eligibility-add input[name=classes]:checked")].map((i) => i.value);
  const body = { number: $("#eligibility-number").value, kind: $("#eligibility-kind").value, classes, note: $("#eligibility-note").value };
  const result = await api(`/api/v1/branches/${state.branchId}/eligibility/entries`, { method: "POST", body, token: state.token });
  if (report(result, "eligibility.added")) {
    $("#eligibility-number").value = "";
    $("#eligibility-note").value = "";
    load();
  }
}

async function remove(entry) {
  const path = `/api/v1/branches/${state.branchId}/eligibility/entries/${entry.id}`;
  const result = await api(path, { method: "DELETE", token: state.token });
  if (report(result, "eligibility.removed")) load();
}
