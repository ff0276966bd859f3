// Window screen: the small screen over one counter. Its number, the number it serves now,
// "暂停服务" while paused, and who waits for its services; live over the branch's events.
import { $, BranchFeed, api, onLangChange, otherLanguage, pick, show, t } from "/static/js/common.js";
import { connectionBadge, debounce, fetchQueue, startDevicePage } from "/static/js/device.js";

const state = { ctx: null, counterId: null, snapshot: null };

async function main() {
  state.ctx = await startDevicePage("window");
  if (!state.ctx) return;
  const { token, branch } = state.ctx;
  const me = await api("/api/v1/auth/me", { token });
  state.counterId = me.data?.counter_id ?? null;
  show($("#window"), true);
  const refresh = debounce(async () => draw(await fetchQueue(branch.id, token)), 200);
  new BranchFeed({
    auth: { token },
    branchId: branch.id,
    onSnapshot: draw,
    onEvent: (name) => name !== "alert" && refresh(),
    onStatus: connectionBadge,
  }).start();
  onLangChange(() => draw(state.snapshot));
}

function draw(snapshot) {
  if (!snapshot) return;
  state.snapshot = snapshot;
  const counter = snapshot.counters.find((c) => c.id === state.counterId);
  const other = otherLanguage(snapshot.branch);
  if (!counter) {
    $("#w-counter").textContent = t("window.no_counter");
    return;
  }
  const byId = new Map(snapshot.services.map((s) => [s.id, s]));
  const services = counter.service_ids.map((id) => byId.get(id)).filter(Boolean); // its primary service first
  $("#window").dataset.status = counter.status;
  $("#w-counter").textContent = t("window.counter", { counter: counter.number });
  $("#w-services").textContent = services.map((s) => pick(s.name)).join(" · ");
  const ticket = counter.status === "open" ? counter.ticket : null;
  $("#w-number").textContent = ticket ? ticket.number : "—";
  $("#w-label").textContent = ticket ? t(ticket.status === "called" ? "window.calling" : "window.serving") : t("window.free");
  show($("#w-paused"), counter.status !== "open");
  $("#w-paused").textContent =
    counter.status === "open" ? "" : `${t(`window.${counter.status}`)} · ${t(`window.${counter.status}`, {}, other)}`;
  const waiting = services.reduce((sum, s) => sum + s.waiting, 0);
  $("#w-next").textContent = counter.status === "open" ? t("window.waiting", { n: waiting }) : "";
}

main();
