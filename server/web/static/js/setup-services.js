// Set-up step: the services customers choose at the kiosk — names, ticket prefix, target wait, expected service time.
import { api, el, pick, t } from "./common.js";
import {
  editable,
  field,
  fieldError,
  form,
  heading,
  names,
  redraw,
  said,
  send,
  toMinutes,
  toSeconds,
  value,
} from "./setup-forms.js";

export const servicesStep = {
  id: "services",
  label: "setup.step_services",
  ready: async (ctx) => (await loadServices(ctx)).length > 0,
  async render(ctx, body, changed) {
    const services = await loadServices(ctx);
    const place = el("div");
    const edit = (service) => place.replaceChildren(serviceForm(ctx, service, () => redraw(servicesStep, ctx, body, changed)));
    body.append(
      heading("setup.step_services"),
      editable("service-list", services, (s) => [
        el("span", { class: "number", text: s.prefix }),
        el("span", { text: pick(s.name) }),
        el("span", {
          class: "muted",
          text: t("setup.service_summary", { target: toMinutes(s.target_wait), expected: toMinutes(s.expected_service) }),
        }),
        s.active ? null : said("span", "setup.inactive", { class: "status-bad" }),
      ], edit, "setup.services_none"),
      place,
    );
    edit(null);
  },
};

export async function loadServices(ctx) {
  const result = await api(`/api/v1/branches/${ctx.branch.id}/services`, { token: ctx.token });
  return result.status === 200 ? result.data : [];
}

function serviceForm(ctx, service, done) {
  return form(
    "service-form",
    [
      said("h3", service ? "setup.service_edit" : "setup.service_new"),
      el(
        "div",
        { class: "field-row" },
        field({ id: "service-name-zh", label: "setup.name_zh", field: "name", value: service?.name?.zh, maxlength: 120 }),
        field({ id: "service-name-en", label: "setup.name_en", field: "name", value: service?.name?.en, maxlength: 120 }),
      ),
      el(
        "div",
        { class: "field-row" },
        field({
          id: "service-prefix",
          label: "setup.prefix",
          field: "prefix",
          value: service?.prefix,
          maxlength: 3,
          autocomplete: "off",
        }),
        field({
          id: "service-target",
          label: "setup.target_wait_min",
          field: "target_wait",
          type: "number",
          min: 1,
          step: 1,
          value: toMinutes(service?.target_wait ?? 600),
        }),
        field({
          id: "service-expected",
          label: "setup.expected_service_min",
          field: "expected_service",
          type: "number",
          min: 1,
          step: 1,
          value: toMinutes(service?.expected_service ?? 300),
        }),
      ),
      service ? field({
        id: "service-active",
        label: "setup.active",
        field: "active",
        type: "checkbox",
        value: service.active,
      }) : null,
    ],
    service ? "setup.save" : "setup.service_add",
    async (node) => {
      const zh = value("service-name-zh", node);
      const en = value("service-name-en", node);
      if (!zh && !en) return fieldError(node, "name", "setup.invalid.required");
      const body = {
        name: names(zh, en),
        prefix: value("service-prefix", node).toUpperCase(),
        target_wait: toSeconds(value("service-target", node)),
        expected_service: toSeconds(value("service-expected", node)),
      };
      if (service) body.active = node.querySelector("#service-active").checked;
      const path = service ? `/api/v1/services/${service.id}` : `/api/v1/branches/${ctx.branch.id}/services`;
      if (await send(node, path, { method: service ? "PATCH" : "POST", body, token: ctx.token })) done();
    },
  );
}
