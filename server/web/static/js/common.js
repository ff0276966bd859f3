// Shared by every page: messages in zh/en, the JSON API, device pairing, live branch events.

const catalogues = {};
let lang = "zh";
const langListeners = [];

/** Load both message catalogues once; the page's language comes from localStorage (per screen). */
export async function loadI18n(storageKey) {
  const [zh, en] = await Promise.all(["zh", "en"].map((l) => fetch(`/static/i18n/${l}.json`).then((r) => r.json())));
  Object.assign(catalogues, { zh, en });
  setLang(localStorage.getItem(storageKey) || "zh", storageKey);
}

export function getLang() {
  return lang;
}

export function onLangChange(listener) {
  langListeners.push(listener);
}

export function setLang(next, storageKey) {
  lang = next === "en" ? "en" : "zh";
  if (storageKey) localStorage.setItem(storageKey, lang);
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  translate(document);
  langListeners.forEach((listener) => listener(lang));
}

/** A message in the current (or given) language, with {name} placeholders filled in. */
export function t(key, vars = {}, language = lang) {
  const text = catalogues[language]?.[key] ?? catalogues.en?.[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (vars[name] ?? ""));
}

/** A name shown to people: {"zh", "en"} or one string. */
export function pick(names, language = lang) {
  if (names == null) return "";
  if (typeof names === "string") return names;
  return names[language] || names.zh || names.en || "";
}

/** Fill [data-i18n] text and [data-i18n-placeholder]/[data-i18n-label] attributes. */
export function translate(root) {
  root.querySelectorAll("[data-i18n]").forEach((el) => (el.textContent = t(el.dataset.i18n)));
  root.querySelectorAll("[data-i18n-placeholder]").forEach((el) => (el.placeholder = t(el.dataset.i18nPlaceholder)));
  root.querySelectorAll("[data-i18n-label]").forEach((el) => el.setAttribute("aria-label", t(el.dataset.i18nLabel)));
  document.title = t(document.body.dataset.titleKey || "app.name");
}

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== false && value != null) node.setAttribute(key, value === true ? "" : value);
  }
  node.append(...children.filter((c) => c != null));
  return node;
}

export const $ = (selector, root = document) => root.querySelector(selector);

export function show(node, visible) {
  node.hidden = !visible;
}

/** JSON over HTTP. Resolves to {status, data}; never throws on an HTTP error status. */
export async function api(path, { method = "GET", body, token } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  return { status: response.status, data };
}

/** The server's message for an error response, or a generic one. */
export function errorText(result) {
  return result?.data?.error?.message || t("error.generic", { status: result?.status ?? "" });
}

/**
 * `?device=TOKEN` on first open pairs the screen: the link's token (which proxies and browser
 * history have seen) is exchanged for one kept in localStorage, and the URL is cleaned.
 */
export async function deviceToken(kind) {
  const params = new URLSearchParams(location.search);
  const fromUrl = params.get("device");
  if (fromUrl) {
    params.delete("device");
    const query = params.toString();
    history.replaceState(null, "", location.pathname + (query ? `?${query}` : ""));
    if (!(await pairDevice(kind, fromUrl))) return fromUrl; // shown as "invalid" by the caller
  }
  return localStorage.getItem(`branchq.device.${kind}`);
}

/** Exchange a pairing (or device) token for the screen's own; true when it worked. */
export async function pairDevice(kind, token) {
  const paired = await api("/api/v1/devices/pair", { method: "POST", token }).catch(() => null);
  if (paired?.status !== 201 || paired.data.kind !== kind) return false;
  localStorage.setItem(`branchq.device.${kind}`, paired.data.token);
  return true;
}

export function forgetDevice(kind) {
  localStorage.removeItem(`branchq.device.${kind}`);
}

/** The device's own branch and identity, or null when the token is no longer valid. */
export async function deviceContext(token) {
  const [me, branches] = await Promise.all([api("/api/v1/auth/me", { token }), api("/api/v1/branches", { token })]);
  if (me.status !== 200 || branches.status !== 200 || !branches.data.length) return null;
  return { device: me.data, branch: branches.data[0] };
}

export function minutes(seconds) {
  return Math.max(0, Math.round((seconds || 0) / 60));
}

/** The server's wording of the range ("约 4–15 分钟", "now") in the page's language; "" without one. */
export function waitRange(estimate) {
  return estimate?.label ? pick(estimate.label) : "";
}

export function clockText(date = new Date()) {
  return date.toLocaleTimeString(lang === "zh" ? "zh-CN" : "en-GB", { hour: "2-digit", minute: "2-digit" });
}

/** Wire a zh/en toggle button (shows the language it switches to). */
export function langToggle(button, storageKey) {
  const label = () => (button.textContent = lang === "zh" ? "English" : "中文");
  button.addEventListener("click", () => setLang(lang === "zh" ? "en" : "zh", storageKey));
  onLangChange(label);
  label();
}

/** Large print (type 1.5x) where the page's <html> has class "offers-large-print": a toggle in
 * the top bar, remembered per page; the look is one rule in base.css. */
function offerLargePrint() {
  const root = document.documentElement;
  if (!root.classList.contains("offers-large-print")) return;
  const key = `branchq.large_print.${location.pathname.split("/")[1]}`;
  const apply = (on) => {
    root.classList.toggle("large-print", on);
    button.setAttribute("aria-pressed", String(on));
  };
  const button = el("button", { type: "button", id: "large-print", "data-i18n": "a11y.large_print" });
  button.addEventListener("click", () => {
    const on = !root.classList.contains("large-print");
    localStorage.setItem(key, on ? "1" : "0");
    apply(on);
  });
  const bar = document.querySelector(".topbar");
  bar?.insertBefore(button, bar.querySelector("#lang"));
  apply(localStorage.getItem(key) === "1");
}

offerLargePrint();

export { BranchFeed } from "./feed.js";
