// Set-up step: online booking per service — on or off, the share of counters kept for bookings, slots, check-in window.
import { api, el, pick } from "./common.js";
import { field, form, heading, said, saved, send, toMinutes, toSeconds, value } from "./setup-forms.js";

// rule -> [label, unit]: minutes are shown for seconds, a percentage for the share
const RULES = [
  ["reserved_share", "setup.booking_share", "percent"],
  ["slot_s", "setup.booking_slot", "minutes"],
  ["horizon_days", "setup.booking_horizon", "count"],
  ["early_s", "setup.booking_early", "minutes"],
  ["late_s", "setup.booking_late", "minutes"],
  ["grace_s", "setup.booking_grace", "minutes"],
  ["per_phone_per_day", "setup.booking_per_phone", "count"],
];

export const bookingStep = {
  id: "booking",
  label: "setup.step_booking",
  ready: async () => true,
  async render(ctx, body) {
    const result = await api(`/api/v1/branches/${ctx.branch.id}/booking-settings`, { token: ctx.token });
    const services = result.status === 200 ? result.data.services : [];
    body.append(heading("setup.step_booking"), said("p", "setup.booking_hint", { class: "muted hint" }));
    if (!services.length) body.append(said("p", "setup.services_none", { class: "muted" }));
    services.forEach((s) => body.append(serviceRules(ctx, s)));
  },
};

const shown = (rule, unit, rules) => {
  const v = rules[rule];
  if (unit === "percent") return String(Math.round(v * 100));
  if (unit === "minutes") return toMinutes(v);
  return String(v);
};

function read(rule, unit, node, id) {
  const text = value(id, node);
  if (rule === "slot_s" && text === "") return null; // the service's expected time
  if (unit === "percent") return Number(text) / 100;
  if (unit === "minutes") return toSeconds(text);
  return Number(text);
}

function serviceRules(ctx, service) {
  const id = (rule) => `booking-${service.service_id}-${rule}`;
  const fields = RULES.map(([rule, label, unit]) =>
    field({
      id: id(rule),
      label,
      field: rule,
      type: "number",
      min: 0,
      step: unit === "count" ? 1 : "any",
      value: shown(rule, unit, service.rules),
      placeholder: rule === "slot_s" ? toMinutes(service.slot_length) : "",
    }),
  );
  const enabled = field({
    id: id("enabled"),
    label: "setup.booking_enabled",
    field: "enabled",
    type: "checkbox",
    value: service.rules.enabled,
  });
  const node = form(
    `booking-form-${service.service_id}`,
    [el("h3", { text: pick(service.name) }), enabled, el("div", { class: "field-row" }, ...fields)],
    "setup.save",
    async (node) => {
      const body = { enabled: node.querySelector(`#${id("enabled")}`).checked };
      RULES.forEach(([rule, , unit]) => (body[rule] = read(rule, unit, node, id(rule))));
      const path = `/api/v1/branches/${ctx.branch.id}/services/${service.service_id}/booking-settings`;
      if (await send(node, path, { method: "PATCH", body, token: ctx.token })) saved(node);
    },
  );
  node.classList.add("sub");
  return node;
}
