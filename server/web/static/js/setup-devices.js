// Set-up step: the branch's screens — issue one (kiosk, display, and the kinds the server accepts), show its
// pairing link and QR code to open on the device, revoke one.
import { api, el, t } from "./common.js";
import { editable, field, fieldError, form, heading, said, send, value } from "./setup-forms.js";
import { loadCounters } from "./setup-counters.js";

const PER_COUNTER = ["window", "rating"]; // kinds bound to one counter (CONTRACT 1.1)
let kinds = null;

export const devicesStep = {
  id: "devices",
  label: "setup.step_devices",
  ready: async () => true,
  async render(ctx, body, changed) {
    const [counters, accepted] = await Promise.all([loadCounters(ctx), deviceKinds()]);
    const list = el("div");
    const pairing = el("div", { id: "pairing" });
    const drawList = async () => {
      const result = await api(`/api/v1/branches/${ctx.branch.id}/devices`, { token: ctx.token });
      const devices = (result.status === 200 ? result.data : []).filter((d) => !d.revoked);
      list.replaceChildren(editable("device-list", devices, deviceCells, null, "setup.devices_none", (d) => [revokeButton(ctx, d, drawList)]));
    };
    await drawList();
    body.append(
      heading("setup.step_devices"),
      said("p", "setup.devices_hint", { class: "muted hint" }),
      list,
      deviceForm(ctx, accepted, counters, async (device) => {
        pairing.replaceChildren(pairCard(device));
        await drawList();
        changed();
      }),
      pairing,
    );
  },
};

function deviceCells(d) {
  const seen = d.online
    ? said("span", "device.online", { class: "status-ok" })
    : said("span", d.last_seen ? "device.offline" : "setup.never_seen", { class: "muted" });
  return [el("span", { class: "number", text: d.name }), said("span", `setup.kind_${d.kind}`), seen];
}

/** The kinds the server accepts, from its API description (kiosk and display at least). */
async function deviceKinds() {
  if (kinds) return kinds;
  const spec = await api("/api/v1/openapi.json").catch(() => null);
  const found = spec?.data?.components?.schemas?.DeviceIn?.properties?.kind?.enum;
  kinds = Array.isArray(found) && found.length ? found : ["kiosk", "display"];
  return kinds;
}

function revokeButton(ctx, device, after) {
  const button = said("button", "setup.revoke", { type: "button", class: "small danger" });
  button.addEventListener("click", async () => {
    if (button.dataset.confirm !== "1") {
      button.dataset.confirm = "1";
      button.dataset.i18n = "setup.revoke_confirm";
      button.textContent = t("setup.revoke_confirm");
      return;
    }
    const done = await api(`/api/v1/branches/${ctx.branch.id}/devices/${device.id}`, { method: "DELETE", token: ctx.token });
    if (done.status === 204) after();
  });
  return button;
}

function deviceForm(ctx, accepted, counters, created) {
  const kindOptions = accepted.map((k) => ({ value: k, key: `setup.kind_${k}` }));
  const counterOptions = counters.map((c) => ({ value: c.id, text: t("counter.number_label", { n: c.number }) }));
  const counterField = field({
    id: "device-counter",
    label: "setup.device_counter",
    field: "counter_id",
    tag: "select",
    options: counterOptions,
  });
  const kindField = field({
    id: "device-kind",
    label: "setup.device_kind",
    field: "kind",
    tag: "select",
    options: kindOptions,
    value: accepted[0],
  });
  const select = kindField.querySelector("select");
  const sync = () => (counterField.hidden = !PER_COUNTER.includes(select.value));
  select.addEventListener("change", sync);
  sync();
  return form(
    "device-form",
    [
      said("h3", "setup.device_new"),
      el("div", {
        class: "field-row",
      }, kindField, field({ id: "device-name", label: "setup.device_name", field: "name", maxlength: 120, autocomplete: "off" }), counterField),
    ],
    "setup.device_add",
    async (node) => {
      const kind = value("device-kind", node);
      if (!value("device-name", node)) return fieldError(node, "name", "setup.invalid.required");
      const body = { kind, name: value("device-name", node) };
      if (PER_COUNTER.includes(kind)) body.counter_id = Number(value("device-counter", node));
      const device = await send(node, `/api/v1/branches/${ctx.branch.id}/devices`, { body, token: ctx.token });
      if (!device) return;
      node.querySelector("#device-name").value = "";
      created(device);
    },
  );
}

/** Shown once: the link (and its QR code) that pairs the screen, and the token for a device agent. */
function pairCard(device) {
  const link = new URL(device.pair_url, location.origin).href;
  // eslint-disable-next-line no-undef -- vendored qrcode.js defines qrcode
  const qr = qrcode(0, "M");
  qr.addData(link);
  qr.make();
  const code = el("div", { class: "qr", id: "pair-qr", "data-text": link, role: "img", "aria-label": t("setup.pair_qr") });
  code.innerHTML = qr.createSvgTag({ cellSize: 5, margin: 2, scalable: true });
  const input = el("input", { id: "pair-link", readonly: true, value: link, "aria-label": t("setup.pair_link") });
  const copy = said("button", "setup.copy", { type: "button", class: "small" });
  copy.addEventListener("click", async () => {
    input.select();
    await navigator.clipboard?.writeText(link).catch(() => null);
    copy.textContent = t("setup.copied");
  });
  const agent = el(
    "details",
    {},
    said("summary", "setup.agent_token"),
    said("p", "setup.agent_token_hint", { class: "muted hint" }),
    el("code", { id: "agent-token", text: device.token }),
  );
  const open = said("a", "setup.pair_open", { href: link, target: "_blank", rel: "noopener", id: "pair-open" });
  return el(
    "section",
    { class: "pair-card panel", "data-kind": device.kind },
    el("h3", { text: t("setup.pair_title", { name: device.name }) }),
    said("p", "setup.pair_hint", { class: "muted hint" }),
    el("div", {
      class: "pair-body",
    }, code, el("div", { class: "pair-text" }, el("div", { class: "row" }, input, copy), open, agent)),
  );
}
