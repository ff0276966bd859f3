// The door poster: the branch's name and a QR code of its remote join page.
import { $, api, loadI18n, pick, t } from "./common.js";
import { drawQr } from "./qr.js";

const code = document.body.dataset.branchCode;

async function main() {
  // a printed poster speaks both languages at once
  await loadI18n("branchq.lang.poster");
  document.querySelectorAll("[data-key]").forEach((node) => {
    node.textContent = t(node.dataset.key, {}, node.dataset.lang);
  });
  const link = new URL(`/join/${encodeURIComponent(code)}`, location.href).href;
  const anchor = $("#join-link");
  anchor.href = link;
  anchor.textContent = link;
  drawQr($("#qr"), link, 8);
  const branch = await api(`/api/v1/join/${encodeURIComponent(code)}`).catch(() => null);
  if (branch?.status === 200) $("#branch-name").textContent = `${pick(branch.data.name, "zh")} · ${pick(branch.data.name, "en")}`;
}

main();
