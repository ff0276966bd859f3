// The set-up forms' pieces: labelled fields, the API's refusals shown next to their field in the page's language.
import { $, api, el, t } from "./common.js";

/** A labelled input (or select/textarea) with a place for its error; `field` is the API's name for it. */
export function field({ id, label, field: apiField, type = "text", value = "", tag = "input", options = [], ...attrs }) {
  const control =
    tag === "select"
      ? el("select", {
        id,
        ...attrs,
      }, ...options.map((o) => el("option", { value: o.value, text: o.key ? t(o.key) : o.text, "data-i18n": o.key })))
      : el(tag, { id, type: tag === "input" ? type : undefined, ...attrs });
  if (tag === "select" || type !== "checkbox") control.value = value ?? "";
  else control.checked = Boolean(value);
  const error = el("p", { class: "field-error", id: `${id}-error`, role: "alert", hidden: true });
  control.setAttribute("aria-describedby", error.id);
  const wrap = el("div", { class: `field${type === "checkbox" ? " check" : ""}`, "data-field": apiField || id });
  if (type === "checkbox") wrap.append(el("label", { for: id }, control, " ", said("span", label)), error);
  else wrap.append(el("label", { for: id }, said("span", label)), control, error);
  return wrap;
}

/** An element whose text is a catalogue message, kept in the page's language when it changes. */
export function said(tag, key, attrs = {}) {
  return el(tag, { ...attrs, "data-i18n": key, text: t(key) });
}

/** A form whose submit runs `onSubmit(form)`; its errors go next to the fields (see showError). */
export function form(id, children, submitLabel, onSubmit) {
  const status = el("p", { class: "form-error message bad", role: "alert", hidden: true });
  const saved = el("p", { class: "form-saved message ok", role: "status", hidden: true });
  const node = el(
    "form",
    { id, class: "setup-form", novalidate: true },
    ...children,
    el("p", { class: "form-actions" }, said("button", submitLabel, { class: "primary", type: "submit" })),
    status,
    saved,
  );
  node.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(node);
    const button = node.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      await onSubmit(node);
    } finally {
      button.disabled = false;
    }
  });
  return node;
}

export function clearErrors(node) {
  node.querySelectorAll(".field-error, .form-error, .form-saved").forEach((p) => {
    p.hidden = true;
    p.textContent = "";
  });
  node.querySelectorAll("[aria-invalid]").forEach((c) => c.removeAttribute("aria-invalid"));
}

// refusals whose code says only "this value is wrong": the field they name says which message fits
const FIELD_CODES = ["validation_error", "invalid_setting", "invalid_opening_hours", "invalid_policy"];

/** The refusal in the page's language: by its code, else by the field it names; never the server's English. */
export function errorMessage(error, status) {
  const known = (key) => (t(key) !== key ? t(key) : null);
  if (!error) return status === 0 ? t("error.network") : t("setup.error.generic", { status: status ?? "" });
  const last = (error.field || "").split(".").pop();
  const byField = FIELD_CODES.includes(error.code) && known(`setup.invalid.${last}`);
  return (
    known(`setup.error.${error.code}`) ||
    byField ||
    known(`error.${error.code}`) ||
    (error.code === "validation_error" ? t("setup.invalid.generic") : t("setup.error.generic", { status }))
  );
}

/** Put the message under the field the API named (its nearest named ancestor: "classes.vip.target" →
 * that input, "opening_hours.mon" → Monday's row); a refusal that names none goes under the form. */
export function showError(node, result) {
  const error = result?.data?.error;
  const message = errorMessage(error, result?.status);
  const path = (error?.field || "").split(".");
  let holder = null;
  while (path.length && !holder) {
    holder = node.querySelector(`[data-field="${CSS.escape(path.join("."))}"]`);
    path.pop();
  }
  const place = holder?.querySelector(".field-error") || node.querySelector(".form-error");
  place.textContent = message;
  place.hidden = false;
  holder?.querySelector("input, select, textarea")?.setAttribute("aria-invalid", "true");
  (holder?.querySelector("input, select, textarea") || place).focus?.();
}

/** A local check's message under one field (same place as the API's). */
export function fieldError(node, apiField, key) {
  showError(node, { status: 422, data: { error: { code: "local", field: apiField } } });
  const holder = node.querySelector(`[data-field="${CSS.escape(apiField)}"] .field-error`);
  if (holder) holder.textContent = t(key);
}

export function saved(node, key = "setup.saved") {
  const p = node.querySelector(".form-saved");
  p.textContent = t(key);
  p.hidden = false;
}

/** Call the API; on a refusal show it in `node` and resolve to null, else to the data (or true for 204). */
export async function send(node, path, { method = "POST", body, token }) {
  const result = await api(path, { method, body, token }).catch(() => ({ status: 0, data: null }));
  if (result.status >= 200 && result.status < 300) return result.data ?? true;
  showError(node, result);
  return null;
}

export const value = (id, root = document) => $(`#${id}`, root)?.value.trim() ?? "";

/** Whole minutes in the form, seconds in the API. */
export const toSeconds = (minutes) => Math.round(Number(minutes) * 60);
export const toMinutes = (seconds) => (seconds == null ? "" : String(Math.round((seconds / 60) * 10) / 10));

/** A names pair {"zh","en"}, each falling back to the other. */
export function names(zh, en) {
  return { zh: zh || en, en: en || zh };
}

export function heading(key) {
  return said("h2", key);
}

/** A list of what the step holds, each with Edit (and any further actions). */
export function editable(id, items, cells, onEdit, emptyKey, actions = () => []) {
  const rows = items.map((item) =>
    el(
      "li",
      { "data-id": item.id },
      el("span", { class: "item-text" }, ...cells(item).filter(Boolean).flatMap((c, i) => (i ? [" ", c] : [c]))),
      el(
        "span",
        { class: "item-actions" },
        onEdit ? said("button", "setup.edit", { type: "button", class: "small", onclick: () => onEdit(item) }) : null,
        ...actions(item),
      ),
    ),
  );
  return el("ul", { class: "items", id }, ...(rows.length ? rows : [said("li", emptyKey, { class: "muted" })]));
}

/** Re-draw a step after a change, with a "saved" note on top. */
export async function redraw(step, ctx, body, changed, key = "setup.saved") {
  body.replaceChildren();
  await step.render(ctx, body, changed);
  body.prepend(said("p", key, { class: "message ok step-note", role: "status" }));
  changed();
}
