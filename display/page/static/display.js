// Call display: the call being announced big (the ones queued behind it as "next"), every counter,
// recent calls, each service's waiting and forecast wait, the manager's images and notice, voice.
// The big panel follows the voice, and when nobody is being called (the last one was served, or
// their counter paused) it says so instead of showing an old number.
import { $, BranchFeed, api, el, getLang, langTag, onLangChange, pick, show, t, waitRange } from "/static/js/common.js";
import { connectionBadge, debounce, fetchQueue, startDevicePage } from "/static/js/device.js";
import { Voice } from "/static/js/voice.js";

const FLASH_MS = 10000;
const FRESH_MS = 60000; // a call older than this, learnt after a reconnect, is shown but not announced
const RECENT = 12;
const MEDIA_MS = 12000;
const ANNOUNCED_KEY = "branchq.display.announced";
const ALTERNATE_MS = 8000; // the second line goes through the branch's other screen languages in turn

const state = {
  turn: 0, // which of the branch's other screen languages the second line shows
  ctx: null,
  snapshot: null,
  recent: [],
  offset: 0,
  flashTimer: null,
  speech: null,
  announcing: null, // the call the voice is speaking now
  queued: [], // calls waiting for the voice
  media: [],
  mediaIndex: 0,
};
let feed = null;
let voice = null;

async function main() {
  state.ctx = await startDevicePage("display");
  if (!state.ctx) return;
  show($("#board"), true);
  const { token, branch } = state.ctx;
  voice = new Voice({ onSpeech: reportSpeech, needGesture: soundGate, onPlay: playing, onIdle: played });
  window.branchq = { voice }; // lets a technician (and the tests) see what was announced
  const refresh = debounce(async () => drawSnapshot(await fetchQueue(branch.id, token)), 300);
  feed = new BranchFeed({
    auth: { token },
    branchId: branch.id,
    onSnapshot: drawSnapshot,
    onEvent: (name, data, meta) => {
      if (name === "ticket_called") called(data, meta.live);
      if (name === "queue_changed" && data.branch) branchChanged(data.branch);
      if (name === "queue_changed" && data.reason === "media_changed") loadMedia();
      if (name !== "alert") refresh();
    },
    onStatus: connectionBadge,
  }).start();
  onLangChange(drawAll);
  window.addEventListener("resize", drawAll);
  loadMedia();
  setInterval(nextImage, MEDIA_MS);
  setInterval(() => {
    state.turn += 1;
    drawAll();
  }, ALTERNATE_MS);
}

/** The other language of the call's second line: the branch's screen languages but the screen's own, in turn. */
function otherLanguage() {
  const others = (state.snapshot?.branch?.languages?.screen || []).filter((code) => code !== getLang());
  return others.length ? others[state.turn % others.length] : null;
}

function drawSnapshot(snapshot) {
  if (!snapshot) return;
  state.snapshot = snapshot;
  if (snapshot.now) state.offset = Date.parse(snapshot.now) - Date.now();
  state.recent = snapshot.recent_calls.slice(0, RECENT);
  drawAll();
}

/** The manager changed the branch (its notice, its languages): show it at once. */
function branchChanged(branch) {
  if (!state.snapshot) return;
  state.snapshot = { ...state.snapshot, branch: { ...state.snapshot.branch, ...branch } };
  drawAll();
}

/** A ticket_called event, applied in seq order: queue it for the voice once (or again when recalled). */
function called(data, live) {
  const call = { ...data.ticket, id: data.ticket_id, number: data.number, counter_number: data.counter_number };
  state.recent = [call, ...state.recent.filter((c) => c.id !== call.id)].slice(0, RECENT);
  const fresh = live || Date.now() + state.offset - Date.parse(call.called_at) < FRESH_MS;
  if (fresh && rememberAnnounced(`${call.id}:${call.recall_count ?? 0}`)) {
    voice.announce(data.announcement.audio_url, call); // the server puts the holder's language first
    state.queued = voice.queued();
  }
  drawAll();
}

function playing(call, queued) {
  state.announcing = call;
  state.queued = queued;
  flash();
  drawAll();
}

function played() {
  state.announcing = null;
  state.queued = [];
  drawAll();
}

/** True the first time a key is seen in this browser tab (it survives reloads and reconnects). */
function rememberAnnounced(key) {
  const seen = JSON.parse(sessionStorage.getItem(ANNOUNCED_KEY) || "[]");
  if (seen.includes(key)) return false;
  sessionStorage.setItem(ANNOUNCED_KEY, JSON.stringify([...seen, key].slice(-300)));
  return true;
}

function flash() {
  const now = $("#now");
  now.classList.remove("flash");
  void now.offsetWidth; // restart the animation
  now.classList.add("flash");
  clearTimeout(state.flashTimer);
  state.flashTimer = setTimeout(() => now.classList.remove("flash"), FLASH_MS);
}

/** The newest call still waiting for its customer: called, at a counter that is open. */
function activeCall() {
  const waitingAtOpen = (state.snapshot?.counters || [])
    .filter((c) => c.status === "open" && c.ticket?.status === "called")
    .map((c) => ({ ...c.ticket, counter_number: c.number }));
  waitingAtOpen.sort((a, b) => Date.parse(b.called_at || 0) - Date.parse(a.called_at || 0));
  return waitingAtOpen[0] || null;
}

function drawAll() {
  const big = state.announcing || activeCall();
  drawNow(big);
  drawCounters();
  drawRecent(big);
  drawWaiting();
  const notice = state.snapshot?.branch?.settings?.notice;
  $("#notice-text").textContent = pick(notice);
  show($("#notice"), Boolean(pick(notice)));
  show($("#voice-off"), state.speech === false);
}

function drawNow(call) {
  const other = otherLanguage();
  $("#now-number").textContent = call ? call.number : "—";
  $("#now-where").textContent = call ? t("display.go_to", { counter: call.counter_number }) : "";
  $("#now-where-other").textContent = call && other ? t("display.go_to", { counter: call.counter_number }, other) : "";
  $("#now-where-other").lang = other ? langTag(other) : "";
  $("#now").classList.toggle("idle", !call);
  show($("#now-idle"), !call);
  const next = state.queued.filter((c) => c && c.id !== call?.id);
  show($("#now-next"), next.length > 0);
  $("#now-next").textContent = next.length
    ? `${t("display.next")} ${next.map((c) => `${c.number} → ${t("display.counter_short", { counter: c.counter_number })}`).join(" · ")}`
    : "";
}

function drawCounters() {
  const services = new Map((state.snapshot?.services || []).map((s) => [s.id, s]));
  const counters = [...(state.snapshot?.counters || [])].sort((a, b) => a.number - b.number);
  $("#counters").replaceChildren(
    ...counters.map((c) =>
      el(
        "li",
        { class: `counter ${c.status}`, "data-counter": c.number },
        el("span", { class: "c-number", text: t("display.counter_short", { counter: c.number }) }),
        el("span", { class: "c-status", text: t(`display.status_${c.status}`) }),
        el("span", {
          class: "c-services",
          text: c.service_ids.map((id) => pick(services.get(id)?.name)).filter(Boolean).join(" · "),
        }),
        el("span", { class: "c-serving number", text: c.status === "open" && c.ticket ? c.ticket.number : "—" }),
      ),
    ),
  );
}

/** Earlier calls, as many as the panel has room for: none is drawn half off the screen. */
function drawRecent(big) {
  const earlier = state.recent.filter((c) => c.id !== big?.id);
  const body = $("#recent");
  body.replaceChildren(
    ...earlier.map((c) => el("tr", {}, el("td", { class: "number", text: c.number }), el("td", { text: c.counter_number }))),
  );
  if (!earlier.length) body.append(el("tr", {}, el("td", { class: "none", colspan: 2, text: t("display.no_earlier") })));
  const panel = $("#recent-panel");
  while (body.rows.length > 1 && panel.scrollHeight > panel.clientHeight) body.deleteRow(body.rows.length - 1);
}

function drawWaiting() {
  const services = (state.snapshot?.services || []).filter((s) => s.active);
  $("#waiting").replaceChildren(
    ...services.map((s) => {
      const wait = s.open_counters > 0 ? waitRange(s.estimated_wait) : t("display.no_counter");
      return el(
        "li",
        { "data-service": s.id },
        el("span", { class: "s-name", text: pick(s.name) }),
        el("span", { class: "count", text: t("display.people", { n: s.waiting }) }),
        el("span", { class: "s-wait", text: wait }),
      );
    }),
  );
}

async function loadMedia() {
  const { token, branch } = state.ctx;
  const result = await api(`/api/v1/branches/${branch.id}/media`, { token }).catch(() => null);
  state.media = result?.status === 200 ? result.data : [];
  state.mediaIndex = 0;
  drawImage();
}

function nextImage() {
  if (state.media.length < 2) return;
  state.mediaIndex = (state.mediaIndex + 1) % state.media.length;
  drawImage();
}

function drawImage() {
  const item = state.media[state.mediaIndex];
  show($("#media"), Boolean(item));
  if (item && $("#media-image").getAttribute("src") !== item.url) $("#media-image").src = item.url;
}

/** Tell the screen and the manager (once per change) whether announcements have a voice. */
function reportSpeech(available, detail) {
  if (state.speech === available) return;
  state.speech = available;
  show($("#voice-off"), !available);
  feed?.emit("speech_status", { status: available ? "ok" : "unavailable", detail });
}

function soundGate() {
  show($("#sound-gate"), true);
  $("#sound-on").focus();
  return new Promise((resolve) =>
    $("#sound-on").addEventListener(
      "click",
      () => {
        show($("#sound-gate"), false);
        resolve();
      },
      { once: true },
    ),
  );
}

main();
