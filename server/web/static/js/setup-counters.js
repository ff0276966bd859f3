// Set-up step: the counters — number, name, and the services each serves, its main one first.
import { api, el, pick, t } from "./common.js";
import { editable, field, fieldError, form, heading, redraw, said, send, value } from "./setup-forms.js";
import { loadServices } from "./setup-services.js";

export const countersStep = {
  id: "counters",
  label: "setup.step_counters",
  ready: async (ctx) => (await loadCounters(ctx)).length > 0,
  async render(ctx, body, changed) {
    const [counters, services] = await Promise.all([loadCounters(ctx), loadServices(ctx)]);
    const byId = new Map(services.map((s) => [s.id, s]));
    const place = el("div");
    const edit = (counter) =>
      place.replaceChildren(counterForm(ctx, counter, services, nextNumber(counters), () => redraw(countersStep, ctx, body, changed)));
    body.append(
      heading("setup.step_counters"),
      editable("counter-list", counters, (c) => [
        el("span", { class: "number", text: t("counter.number_label", { n: c.number }) }),
        c.name && c.name !== String(c.number) ? el("span", { text: c.name }) : null,
        el("span", { class: "muted", text: c.service_ids.map((id) => byId.get(id)?.prefix || "?").join(" › ") }),
      ], edit, "setup.counters_none"),
      place,
    );
    if (!services.length) body.append(said("p", "setup.counters_need_services", { class: "message warn" }));
    else edit(null);
  },
};

export async function loadCounters(ctx) {
  const result = await api(`/api/v1/branches/${ctx.branch.id}/counters`, { token: ctx.token });
  return result.status === 200 ? result.data : [];
}

/** The services in the order the counter serves them: ticked ones count, ↑/↓ move a row. */
function serviceOrder(services, chosen) {
  const ordered = [...chosen.map((id) => services.find((s) => s.id === id)).filter(Boolean), ...services.filter((s) => !chosen.includes(s.id))];
  const list = el("ol", { class: "order", id: "counter-services" });
  const row = (s) => {
    const box = el("input", { type: "checkbox", id: `counter-service-${s.id}`, value: s.id });
    box.checked = chosen.includes(s.id);
    const move = (delta) => () => {
      const item = box.closest("li");
      const other = delta < 0 ? item.previousElementSibling : item.nextElementSibling;
      if (other) delta < 0 ? other.before(item) : other.after(item);
    };
    return el(
      "li",
      {},
      el("label", { for: box.id }, box, " ", el("span", { text: `${s.prefix} · ${pick(s.name)}` })),
      el("button", {
        type: "button",
        class: "small",
        "aria-label": t("setup.move_up"),
        "data-i18n-label": "setup.move_up",
        text: "↑",
        onclick: move(-1),
      }),
      el("button", {
        type: "button",
        class: "small",
        "aria-label": t("setup.move_down"),
        "data-i18n-label": "setup.move_down",
        text: "↓",
        onclick: move(1),
      }),
    );
  };
  list.append(...ordered.map(row));
  return el(
    "fieldset",
    { "data-field": "service_ids" },
    el("legend", {}, said("span", "setup.counter_services")),
    said("p", "setup.counter_services_hint", { class: "muted hint" }),
    list,
    el("p", { class: "field-error", role: "alert", hidden: true }),
  );
}

const nextNumber = (counters) => Math.max(0, ...counters.map((c) => c.number)) + 1;

function counterForm(ctx, counter, services, suggested, done) {
  return form(
    "counter-form",
    [
      said("h3", counter ? "setup.counter_edit" : "setup.counter_new"),
      el(
        "div",
        { class: "field-row" },
        field({
          id: "counter-number",
          label: "setup.counter_number",
          field: "number",
          type: "number",
          min: 1,
          max: 999,
          value: counter?.number ?? suggested,
        }),
        field({ id: "counter-name", label: "setup.counter_name", field: "name", value: counter?.name, maxlength: 120 }),
      ),
      serviceOrder(services, counter?.service_ids || (services.length === 1 ? [services[0].id] : [])),
    ],
    counter ? "setup.save" : "setup.counter_add",
    async (node) => {
      const ids = [...node.querySelectorAll("#counter-services input:checked")].map((box) => Number(box.value));
      if (!value("counter-number", node)) return fieldError(node, "number", "setup.invalid.required");
      if (!ids.length) return fieldError(node, "service_ids", "setup.invalid.service_ids");
      const body = { number: Number(value("counter-number", node)), name: value("counter-name", node), service_ids: ids };
      const path = counter ? `/api/v1/counters/${counter.id}` : `/api/v1/branches/${ctx.branch.id}/counters`;
      if (await send(node, path, { method: counter ? "PATCH" : "POST", body, token: ctx.token })) done();
    },
  );
}
