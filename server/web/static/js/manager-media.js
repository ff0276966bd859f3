// Manager: images for the call display (PNG, JPEG or WebP, at most 5 MB), shown in turn beside the calls.
import { $, el, show, t } from "./common.js";

const MAX_BYTES = 5 * 1024 * 1024;
const state = { token: null, branchId: null };

export function startMedia(token, branchId) {
  Object.assign(state, { token, branchId });
  $("#media-form").addEventListener("submit", upload);
  load();
}

async function request(path, options = {}) {
  const response = await fetch(path, { ...options, headers: { Authorization: `Bearer ${state.token}`, ...(options.headers || {}) } });
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  return { status: response.status, data };
}

async function load() {
  const result = await request(`/api/v1/branches/${state.branchId}/media`);
  if (result.status !== 200) return show($("#media-panel"), false);
  $("#media-list").replaceChildren(
    ...result.data.map((item) =>
      el(
        "li",
        {},
        el("img", { src: item.url, alt: item.title || t("media.image") }),
        el("button", { type: "button", class: "danger", text: t("media.remove"), onclick: () => remove(item) }),
      ),
    ),
  );
}

function report(ok, key) {
  const node = $("#media-result");
  node.className = `message ${ok ? "ok" : "bad"}`;
  node.textContent = t(key);
  show(node, true);
}

async function upload(event) {
  event.preventDefault();
  const file = $("#media-file").files[0];
  if (!file) return;
  if (file.size > MAX_BYTES) return report(false, "media.too_large");
  const path = `/api/v1/branches/${state.branchId}/media?title=${encodeURIComponent(file.name.slice(0, 120))}`;
  const result = await request(path, { method: "POST", body: file, headers: { "Content-Type": file.type || "application/octet-stream" } });
  const code = result.data?.error?.code;
  report(result.status === 201, result.status === 201 ? "media.uploaded" : code === "unsupported_media_type" ? "media.wrong_type" : result.status === 413 ? "media.too_large" : "media.failed");
  if (result.status === 201) {
    $("#media-form").reset();
    load();
  }
}

async function remove(item) {
  const result = await request(`/api/v1/branches/${state.branchId}/media/${item.id}`, { method: "DELETE" });
  report(result.status === 204, result.status === 204 ? "media.removed" : "media.failed");
  load();
}
