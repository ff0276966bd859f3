// Set-up step: the queue policy — each class's target, head start and hard limit — saved only after its
// preview: the branch's recent days (or a generated day) replayed under the current and the proposed policy.
import { api, el, t } from "./common.js";
import { clearErrors, field, heading, said, saved, send, toMinutes, toSeconds, value } from "./setup-forms.js";

const CLASSES = ["regular", "vip", "priority", "appointment"];
const KINDS = ["apq", "fifo", "strict"];
const RULES = [
  ["target", "setup.policy_target"],
  ["head_start", "setup.policy_head_start"],
  ["hard_limit", "setup.policy_hard_limit"],
];

export const policyStep = {
  id: "policy",
  label: "setup.step_policy",
  ready: async () => true,
  async render(ctx, body) {
    const result = await api(`/api/v1/branches/${ctx.branch.id}/policy`, { token: ctx.token });
    if (result.status !== 200) return body.append(said("p", "setup.error.load", { class: "message bad" }));
    body.append(heading("setup.step_policy"), said("p", "setup.policy_hint", {
      class: "muted hint",
    }), policyForm(ctx, result.data));
  },
};

function policyForm(ctx, policy) {
  const kinds = [...new Set([...KINDS, policy.kind])].map((k) => ({ value: k, key: `setup.policy_kind_${k}` }));
  const classSets = CLASSES.map((cls) =>
    el(
      "fieldset",
      { class: "policy-class", "data-field": `classes.${cls}` },
      el("legend", {}, said("span", `class.${cls}`)),
      el(
        "div",
        { class: "field-row" },
        ...RULES.map(([rule, label]) =>
          field({
            id: `policy-${cls}-${rule}`,
            label,
            field: `classes.${cls}.${rule}`,
            type: "number",
            min: 0,
            step: "any",
            value: toMinutes(policy.classes[cls]?.[rule]),
            placeholder: rule === "hard_limit" ? t("setup.policy_no_limit") : "",
          }),
        ),
      ),
      el("p", { class: "field-error", role: "alert", hidden: true }),
    ),
  );
  const preview = el("div", { id: "policy-preview", "aria-live": "polite" });
  const save = said("button", "setup.policy_save", { type: "submit", class: "primary", disabled: true });
  const previewButton = said("button", "setup.policy_preview", { type: "button", id: "policy-preview-button" });
  const status = el("p", { class: "form-error message bad", role: "alert", hidden: true });
  const done = el("p", { class: "form-saved message ok", role: "status", hidden: true });
  const node = el(
    "form",
    { id: "policy-form", class: "setup-form", novalidate: true },
    field({ id: "policy-kind", label: "setup.policy_kind", field: "kind", tag: "select", options: kinds, value: policy.kind }),
    ...classSets,
    el("p", { class: "form-actions" }, previewButton, save),
    said("p", "setup.policy_preview_first", { class: "muted hint", id: "policy-save-note" }),
    status,
    done,
    preview,
  );
  let previewed = null; // the proposal the preview on screen was made for
  const proposal = () => readPolicy(node);
  node.addEventListener("input", () => {
    save.disabled = JSON.stringify(proposal()) !== previewed;
  });
  previewButton.addEventListener("click", async () => {
    clearErrors(node);
    previewButton.disabled = true;
    const body = proposal();
    const answer = await send(node, `/api/v1/branches/${ctx.branch.id}/policy/preview`, { body, token: ctx.token });
    previewButton.disabled = false;
    if (!answer) return;
    previewed = JSON.stringify(body);
    save.disabled = false;
    preview.replaceChildren(previewTable(answer));
  });
  node.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(node);
    if (save.disabled) return;
    if (await send(node, `/api/v1/branches/${ctx.branch.id}/policy`, { method: "PUT", body: proposal(), token: ctx.token })) {
      saved(node, "setup.policy_saved");
    }
  });
  return node;
}

function readPolicy(node) {
  const classes = {};
  CLASSES.forEach((cls) => {
    const rule = {};
    RULES.forEach(([name]) => {
      const text = value(`policy-${cls}-${name}`, node);
      rule[name] = name === "hard_limit" && text === "" ? null : toSeconds(text);
    });
    classes[cls] = rule;
  });
  return { kind: value("policy-kind", node), classes };
}

const mins = (seconds) => t("setup.minutes", { n: toMinutes(seconds) });

/** p90 (and p50, share within target) per class, now and with the proposal, side by side. */
function previewTable(answer) {
  const source =
    answer.source === "history"
      ? t("setup.preview_history", { days: answer.days.length, customers: answer.customers })
      : t("setup.preview_generated", { customers: answer.customers });
  const head = el(
    "tr",
    {},
    ...["setup.preview_class", "setup.preview_p90_now", "setup.preview_p90_new", "setup.preview_p50", "setup.preview_within"].map((k) => said("th", k)),
  );
  const rows = answer.classes
    .filter((c) => c.current.n || c.proposed.n)
    .map((c) => {
      const better = c.proposed.p90 < c.current.p90 ? "better" : c.proposed.p90 > c.current.p90 ? "worse" : "";
      return el(
        "tr",
        { "data-class": c.class },
        el("th", { text: t(`class.${c.class}`) }),
        el("td", { text: mins(c.current.p90) }),
        el("td", { class: better, text: mins(c.proposed.p90) }),
        el("td", { text: `${mins(c.current.p50)} → ${mins(c.proposed.p50)}` }),
        el("td", { text: `${Math.round(c.current.within_target * 100)}% → ${Math.round(c.proposed.within_target * 100)}%` }),
      );
    });
  return el(
    "section",
    { class: "preview" },
    said("h3", "setup.preview_title"),
    el("p", { class: "muted", id: "preview-source", text: source }),
    el("div", { class: "table-wrap" }, el("table", { class: "data figures" }, el("thead", {}, head), el("tbody", {}, ...rows))),
  );
}
