// Shared by every page: messages in every registry language, the JSON API, device pairing, live branch events.

const catalogues = {};
let languages = []; // GET /api/v1/languages: [{code, tag, name, script, voice}]
let lang = "zh";
const langListeners = [];
// CONTRACT 1.1: a text missing in a language is shown in English, then in Chinese.
const FALLBACK = ["en", "zh"];

/** Load the registry and every catalogue once; the page's language comes from localStorage (per screen). */
export async function loadI18n(storageKey) {
  languages = await fetch("/api/v1/languages").then((r) => r.json());
  const loaded = await Promise.all(languages.map((l) => fetch(`/static/i18n/${l.code}.json`).then((r) => r.json())));
  languages.forEach((l, i) => (catalogues[l.code] = loaded[i]));
  setLang((storageKey && localStorage.getItem(storageKey)) || languages[0].code, storageKey);
}

export function getLang() {
  return lang;
}

/** The registry's languages, in its order. */
export function getLanguages() {
  return languages;
}

/**
 * The registry language closest to the browser's own: Chinese as written in Hong Kong, Macau or
 * Taiwan reads the language written in Traditional characters; else its tag, code or primary subtag.
 */
export function browserLanguage() {
  for (const wanted of navigator.languages || [navigator.language || ""]) {
    const tag = wanted.toLowerCase();
    const traditional = /^(yue|zh-(hk|mo|tw|hant))/.test(tag) && languages.find((l) => l.script === "Hant");
    const found =
      traditional || languages.find((l) => l.tag.toLowerCase() === tag || l.code === tag || l.code === tag.split("-")[0]);
    if (found) return found.code;
  }
  return languages[0]?.code || "zh";
}

/** The BCP-47 tag of a language (for lang attributes and dates). */
export function langTag(code = lang) {
  return languages.find((l) => l.code === code)?.tag || code;
}

/** The language of a screen's second line: the branch's next screen language after the page's own. */
export function otherLanguage(branch, language = lang) {
  const screen = branch?.languages?.screen || languages.map((l) => l.code);
  return screen.find((code) => code !== language) || (language === "en" ? "zh" : "en");
}

export function onLangChange(listener) {
  langListeners.push(listener);
}

export function setLang(next, storageKey) {
  lang = catalogues[next] ? next : languages[0]?.code || "zh";
  if (storageKey) localStorage.setItem(storageKey, lang);
  document.documentElement.lang = langTag(lang);
  translate(document);
  langListeners.forEach((listener) => listener(lang));
}

/** A message in the current (or given) language, with {name} placeholders filled in. */
export function t(key, vars = {}, language = lang) {
  const found = [language, ...FALLBACK].map((code) => catalogues[code]?.[key]).find((text) => text != null);
  return (found ?? key).replace(/\{(\w+)\}/g, (_, name) => (vars[name] ?? ""));
}

/** A name shown to people: {"zh", "en", …} or one string; a missing language falls back to en, then zh. */
export function pick(names, language = lang) {
  if (names == null) return "";
  if (typeof names === "string") return names;
  const found = [language, ...FALLBACK].map((code) => names[code]).find((text) => text);
  return found || Object.values(names).find((text) => text) || "";
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

/** A failed request in the reader's language: the page's own wording for its code (keys
 * ``ownPrefix`` + code) first, then the shared ``error.`` one, then the server's message. */
export function problemText(result, ownPrefix = null) {
  if (result.status === 0) return t("error.network");
  const code = result.data?.error?.code;
  for (const prefix of [ownPrefix, "error."]) {
    const text = prefix && code && t(`${prefix}${code}`);
    if (text && text !== `${prefix}${code}`) return text;
  }
  return errorText(result);
}

/** A page's message line: ``message`` is ``{text, kind}`` or null; ``text`` is a function so
 * that the line follows a change of language when drawn again. */
export function drawMessage(node, message) {
  show(node, Boolean(message));
  if (!message) return;
  node.textContent = message.text();
  node.className = `message ${message.kind}`;
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

/**
 * The wait range in the page's language: the server's label as sent, else the same rule from the
 * seconds (server/domain/wait_label.py: low end down, high end up, at least a minute; "now").
 */
export function waitRange(estimate, language = lang) {
  if (!estimate) return "";
  if (estimate.label?.[language]) return estimate.label[language];
  return waitLabel(estimate.p10, estimate.p90, estimate.now, language);
}

export function waitLabel(p10, p90, now = false, language = lang) {
  if (now) return t("wait.now", {}, language);
  const low = Math.max(0, Math.floor((p10 || 0) / 60));
  const high = Math.max(low, Math.ceil((p90 || 0) / 60), 1);
  return low === high ? t("wait.about", { min: high }, language) : t("wait.range", { low, high }, language);
}

/** The time of day; in ``timeZone`` (the branch's) when given, not the screen's own setting. */
export function clockText(date = new Date(), timeZone = undefined) {
  return date.toLocaleTimeString(langTag(), { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone });
}

/**
 * The language chooser: the button shows the current language's own name and opens a menu of
 * every registry language, each written in itself (and tagged, so it is drawn with its glyphs).
 */
export function langChooser(button, storageKey) {
  const menu = el("div", { class: "lang-menu", role: "menu", hidden: true });
  button.after(menu);
  button.setAttribute("aria-haspopup", "menu");
  const label = () => {
    const current = languages.find((l) => l.code === lang);
    // The name read out is the text shown (a label of its own would differ from it); the hint is a title.
    button.replaceChildren(current?.name || lang, el("span", { "aria-hidden": "true", text: " ▾" }));
    button.removeAttribute("aria-label");
    button.title = t("lang.choose");
    menu.replaceChildren(
      ...languages.map((l) =>
        el("button", {
          type: "button",
          role: "menuitemradio",
          lang: l.tag,
          "aria-checked": String(l.code === lang),
          "data-lang": l.code,
          text: l.name,
          onclick: () => {
            menu.hidden = true;
            setLang(l.code, storageKey);
          },
        }),
      ),
    );
  };
  button.addEventListener("click", () => {
    const box = button.getBoundingClientRect(); // under the button, its right edges aligned
    menu.style.top = `${box.bottom + 6}px`;
    menu.style.right = `${document.documentElement.clientWidth - box.right}px`;
    menu.hidden = !menu.hidden;
  });
  onLangChange(label);
  label();
}

/** The older name of the chooser. */
export const langToggle = langChooser;

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
