// Call display: the latest call big and flashing, recent calls, waiting per service, notice, voice.
import { $, BranchFeed, el, getLang, langTag, onLangChange, pick, show, t } from "./common.js";
import { connectionBadge, debounce, fetchQueue, startDevicePage } from "./device.js";
import { Voice } from "./voice.js";

const FLASH_MS = 10000;
const FRESH_MS = 60000; // a call older than this, learnt after a reconnect, is shown but not announced
const RECENT = 8;
const ANNOUNCED_KEY = "branchq.display.announced";
const ALTERNATE_MS = 8000; // the second line goes through the branch's other screen languages in turn

const state = { turn: 0, ctx: null, snapshot: null, latest: null, recent: [], offset: 0, flashTimer: null, speech: null };
let feed = null;
let voice = null;

async function main() {
  state.ctx = await startDevicePage("display");
  if (!state.ctx) return;
  show($("#board"), true);
  const { token, branch } = state.ctx;
  voice = new Voice({ onSpeech: reportSpeech, needGesture: soundGate });
  window.branchq = { voice }; // lets a technician (and the tests) see what was announced
  const refresh = debounce(async () => drawSnapshot(await fetchQueue(branch.id, token)), 300);
  feed = new BranchFeed({
    auth: { token },
    branchId: branch.id,
    onSnapshot: drawSnapshot,
    onEvent: (name, data, meta) => {
      if (name === "ticket_called") called(data, meta.live);
      if (name === "queue_changed" && data.branch) branchChanged(data.branch);
      if (name !== "alert") refresh();
    },
    onStatus: connectionBadge,
  }).start();
  onLangChange(drawAll);
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
  state.latest = state.recent[0] || null;
  drawAll();
}

/** The manager changed the branch (its notice, its languages): show it at once. */
function branchChanged(branch) {
  if (!state.snapshot) return;
  state.snapshot = { ...state.snapshot, branch: { ...state.snapshot.branch, ...branch } };
  drawAll();
}

/** A ticket_called event, applied in seq order: show it; announce it once (or again when recalled). */
function called(data, live) {
  const call = { ...data.ticket, id: data.ticket_id, number: data.number, counter_number: data.counter_number };
  state.latest = call;
  state.recent = [call, ...state.recent.filter((c) => c.id !== call.id)].slice(0, RECENT);
  const fresh = live || Date.now() + state.offset - Date.parse(call.called_at) < FRESH_MS;
  if (fresh && rememberAnnounced(`${call.id}:${call.recall_count ?? 0}`)) {
    flash();
    voice.announce(data.announcement.audio_url); // the server puts the holder's language first
  }
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

function drawAll() {
  const latest = state.latest;
  const other = otherLanguage();
  $("#now-number").textContent = latest ? latest.number : "—";
  $("#now-where").textContent = latest ? t("display.go_to", { counter: latest.counter_number }) : "";
  $("#now-where-other").textContent = latest && other ? t("display.go_to", { counter: latest.counter_number }, other) : "";
  $("#now-where-other").lang = other ? langTag(other) : "";
  const earlier = state.recent.slice(1);
  $("#recent").replaceChildren(
    ...earlier.map((c) => el("tr", {}, el("td", { class: "number", text: c.number }), el("td", { text: c.counter_number }))),
  );
  if (!earlier.length) $("#recent").append(el("tr", {}, el("td", { class: "none", colspan: 2, text: t("display.no_earlier") })));
  const services = (state.snapshot?.services || []).filter((s) => s.active);
  $("#waiting").replaceChildren(
    ...services.map((s) =>
      el("li", {}, el("span", { text: pick(s.name) }), el("span", { class: "count", text: t("display.people", { n: s.waiting }) })),
    ),
  );
  const notice = state.snapshot?.branch?.settings?.notice;
  $("#notice-text").textContent = pick(notice);
  show($("#notice"), Boolean(pick(notice)));
  show($("#voice-off"), state.speech === false);
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
