// Set-up step: the branch itself — code, names, time zone, opening hours — and the days it is closed.
import { api, el, t } from "./common.js";
import { field, fieldError, form, heading, names, redraw, said, send, value } from "./setup-forms.js";

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const WEEKDAYS = {
  mon: [["09:00", "17:00"]],
  tue: [["09:00", "17:00"]],
  wed: [["09:00", "17:00"]],
  thu: [["09:00", "17:00"]],
  fri: [["09:00", "17:00"]],
};
const SPAN = /^([01]\d|2[0-3]):[0-5]\d\s*[-–]\s*(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

export const branchStep = {
  id: "branch",
  label: "setup.step_branch",
  ready: async (ctx) => Boolean(ctx.branch),
  async render(ctx, body, changed) {
    const creating = !ctx.branch || ctx.newBranch;
    const branch = creating ? null : ctx.branch;
    body.append(heading(creating ? "setup.branch_new" : "setup.branch_edit"));
    if (!creating && ctx.user.role === "admin") {
      body.append(
        said("button", "setup.branch_add_another", {
          type: "button",
          id: "branch-add",
          class: "aside",
          onclick: () => {
            ctx.newBranch = true;
            body.replaceChildren();
            branchStep.render(ctx, body, changed);
          },
        }),
      );
    }
    body.append(branchForm(ctx, branch, () => redraw(branchStep, ctx, body, changed)));
    if (branch) body.append(await closures(ctx, branch));
  },
};

function branchForm(ctx, branch, done) {
  const hours = branch?.opening_hours || WEEKDAYS;
  const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  const zone = branch?.timezone || Intl.DateTimeFormat().resolvedOptions().timeZone || "Asia/Shanghai";
  const options = [...new Set(["UTC", zone, ...zones])].map((z) => ({ value: z, text: z }));
  const node = form(
    "branch-form",
    [
      el(
        "div",
        { class: "field-row" },
        field({
          id: "branch-code",
          label: "setup.branch_code",
          field: "code",
          value: branch?.code,
          disabled: Boolean(branch),
          maxlength: 32,
          autocomplete: "off",
        }),
        field({ id: "branch-timezone", label: "setup.timezone", field: "timezone", tag: "select", options, value: zone }),
      ),
      el(
        "div",
        { class: "field-row" },
        field({ id: "branch-name-zh", label: "setup.name_zh", field: "name", value: branch?.name?.zh, maxlength: 120 }),
        field({ id: "branch-name-en", label: "setup.name_en", field: "name", value: branch?.name?.en, maxlength: 120 }),
      ),
      el(
        "fieldset",
        { class: "hours", "data-field": "opening_hours" },
        el("legend", {}, said("span", "setup.opening_hours")),
        said("p", "setup.opening_hours_hint", { class: "muted hint" }),
        ...DAYS.map((day) =>
          field({
            id: `hours-${day}`,
            label: `setup.day_${day}`,
            field: `opening_hours.${day}`,
            value: (hours[day] || []).map(([a, b]) => `${a}-${b}`).join(", "),
            placeholder: t("setup.closed"),
            "data-i18n-placeholder": "setup.closed",
            autocomplete: "off",
          }),
        ),
        el("p", { class: "field-error", role: "alert", hidden: true }),
      ),
    ],
    branch ? "setup.save" : "setup.branch_create",
    async (node) => {
      const openingHours = readHours(node);
      if (!openingHours) return;
      const zh = value("branch-name-zh", node);
      const en = value("branch-name-en", node);
      if (!branch && !value("branch-code", node)) return fieldError(node, "code", "setup.invalid.required");
      if (!zh && !en) return fieldError(node, "name", "setup.invalid.required");
      const body = { name: names(zh, en), timezone: value("branch-timezone", node), opening_hours: openingHours };
      const made = branch
        ? await send(node, `/api/v1/branches/${branch.id}`, { method: "PATCH", body, token: ctx.token })
        : await send(node, "/api/v1/branches", { body: { code: value("branch-code", node), ...body }, token: ctx.token });
      if (!made) return;
      const first = !ctx.branch;
      ctx.newBranch = false;
      ctx.setBranch(made);
      if (!first && !branch) location.reload(); // another branch: the console opens on it
      else done();
    },
  );
  return node;
}

/** "09:00-12:00, 13:30-17:00" per day; empty is closed. Null (and the error shown) when a day is not that shape. */
function readHours(node) {
  const result = {};
  for (const day of DAYS) {
    const text = value(`hours-${day}`, node);
    if (!text) continue;
    const spans = text.split(/[,，;]/).map((s) => s.trim()).filter(Boolean);
    if (!spans.every((s) => SPAN.test(s))) {
      fieldError(node, `opening_hours.${day}`, "setup.invalid.hours");
      return null;
    }
    result[day] = spans.map((s) => s.split(/\s*[-–]\s*/));
  }
  return result;
}

async function closures(ctx, branch) {
  const section = el("section", {
    class: "sub",
    id: "closures",
  }, heading("setup.closures"), said("p", "setup.closures_hint", { class: "muted hint" }));
  const list = el("ul", { class: "rows", id: "closure-list" });
  const draw = async () => {
    const result = await api(`/api/v1/branches/${branch.id}/closures`, { token: ctx.token });
    const days = result.status === 200 ? result.data : [];
    list.replaceChildren(
      ...(days.length ? [] : [said("li", "setup.closures_none", { class: "muted" })]),
      ...days.map((c) =>
        el(
          "li",
          { "data-day": c.day },
          el("span", { text: `${c.day}${c.reason ? ` · ${c.reason}` : ""}` }),
          said("button", "setup.remove", {
            type: "button",
            class: "danger small",
            onclick: async () => {
              await api(`/api/v1/branches/${branch.id}/closures/${c.day}`, { method: "DELETE", token: ctx.token });
              draw();
            },
          }),
        ),
      ),
    );
  };
  const add = form(
    "closure-form",
    [
      el(
        "div",
        { class: "field-row" },
        field({ id: "closure-day", label: "setup.closure_day", field: "day", type: "date" }),
        field({ id: "closure-reason", label: "setup.closure_reason", field: "reason", maxlength: 200 }),
      ),
    ],
    "setup.closure_add",
    async (node) => {
      const day = value("closure-day", node);
      if (!day) return fieldError(node, "day", "setup.invalid.required");
      const body = { reason: value("closure-reason", node) };
      if (await send(node, `/api/v1/branches/${branch.id}/closures/${day}`, { method: "PUT", body, token: ctx.token })) {
        node.reset();
        draw();
      }
    },
  );
  await draw();
  section.append(list, add);
  return section;
}
