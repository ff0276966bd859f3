// Rating pad: after the teller's "finish", the customer rates the service (1-5 faces, an optional
// comment); back to idle after a while. Bound to one counter by its device token.
import { $, BranchFeed, api, el, getLang, onLangChange, setLang, show, t } from "/static/js/common.js";
import { connectionBadge, debounce, startDevicePage } from "/static/js/device.js";

const LANG_KEY = "branchq.lang.rating";
const IDLE_AFTER_MS = 45000; // a customer who walked away: back to idle (sooner if the branch's window is shorter)
const THANKS_MS = 4000;
const COLOURS = ["#ff5a5f", "#ff9f1c", "#ffd23f", "#9be15d", "#3ddc84"];
// Mouth curves from sad (1) to happy (5): the quadratic control point's height.
const MOUTH_Y = [30, 36, 42, 48, 54];

const state = { ctx: null, pad: null, ticketId: null, score: null, timer: null };

async function main() {
  state.ctx = await startDevicePage("rating");
  if (!state.ctx) return;
  const { token, branch } = state.ctx;
  const refresh = debounce(load, 200);
  new BranchFeed({ auth: { token }, branchId: branch.id, onSnapshot: refresh, onEvent: refresh, onStatus: connectionBadge }).start();
  setInterval(load, 15000); // the rating window closes without an event
  $("#comment-form").addEventListener("submit", (event) => {
    event.preventDefault();
    send($("#comment").value.trim());
  });
  $("#skip-comment").addEventListener("click", () => send(""));
  document.addEventListener("pointerdown", keepAwake);
  document.addEventListener("input", keepAwake);
  onLangChange(drawWords);
  await load();
}

async function load() {
  const result = await api("/api/v1/rating-pad", { token: state.ctx.token }).catch(() => null);
  if (result?.status !== 200) return;
  state.pad = result.data;
  drawWords();
  const ticket = state.pad.ticket;
  if (!$("#thanks").hidden) return; // the thank-you stays its few seconds
  if (ticket && ticket.id !== state.ticketId) ask(ticket);
  else if (!ticket && state.ticketId) idle();
  else if (!ticket) screen("idle");
}

/** Everything with words in it, again in the language now chosen. */
function drawWords() {
  if (!state.pad) return;
  $("#r-counter").textContent = t("rate.counter", { n: state.pad.counter.number });
  const ticket = state.pad.ticket;
  if (ticket && ticket.id === state.ticketId) {
    $("#ask-title").textContent = t("rate.ask", { number: ticket.number });
    drawFaces();
  }
}

function screen(name) {
  ["idle", "ask", "thanks"].forEach((id) => show($(`#${id}`), id === name));
}

/** Ask about one ticket, in the language the customer took it in. */
function ask(ticket) {
  state.ticketId = ticket.id;
  state.score = null;
  if (ticket.language && ticket.language !== getLang()) setLang(ticket.language);
  drawWords();
  show($("#comment-form"), false);
  show($("#rate-error"), false);
  $("#comment").value = "";
  screen("ask");
  keepAwake();
}

function drawFaces() {
  $("#faces").replaceChildren(
    ...[1, 2, 3, 4, 5].map((score) =>
      el("button", {
        type: "button", class: "face", "data-score": score, "aria-pressed": String(state.score === score),
        onclick: () => choose(score),
      }, face(score), el("span", { class: "label", text: t(`rate.score_${score}`) })),
    ),
  );
}

/** An inline SVG face (no emoji font needed): colour and mouth from sad to happy. */
function face(score) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 64 64");
  svg.setAttribute("aria-hidden", "true");
  const part = (tag, attrs) => {
    const node = document.createElementNS(ns, tag);
    Object.entries(attrs).forEach(([k, v]) => node.setAttribute(k, v));
    svg.append(node);
  };
  part("circle", { cx: 32, cy: 32, r: 29, fill: COLOURS[score - 1] });
  part("circle", { cx: 22, cy: 25, r: 4, fill: "#111" });
  part("circle", { cx: 42, cy: 25, r: 4, fill: "#111" });
  part("path", { d: `M18 42 Q32 ${MOUTH_Y[score - 1]} 46 42`, stroke: "#111", "stroke-width": 4, fill: "none", "stroke-linecap": "round" });
  return svg;
}

function choose(score) {
  state.score = score;
  drawFaces();
  show($("#comment-form"), true);
  $("#comment").focus();
}

async function send(comment) {
  const result = await api(`/api/v1/tickets/${state.ticketId}/feedback`, {
    method: "POST", token: state.ctx.token, body: { score: state.score, comment },
  }).catch(() => ({ status: 0 }));
  if (result.status === 201 || result.data?.error?.code === "feedback_exists") return thank();
  if (result.status === 409) return idle(); // the window closed meanwhile: nothing more to ask
  $("#rate-error").textContent = t(result.status === 0 ? "error.network" : "rate.failed");
  show($("#rate-error"), true);
}

function thank() {
  screen("thanks");
  clearTimeout(state.timer);
  state.timer = setTimeout(idle, THANKS_MS);
}

function idle() {
  clearTimeout(state.timer);
  state.ticketId = null;
  setLang(localStorage.getItem(LANG_KEY) || "zh");
  screen("idle");
}

/** Each touch gives the customer more time; without one the pad goes back to idle. */
function keepAwake() {
  if ($("#ask").hidden) return;
  clearTimeout(state.timer);
  state.timer = setTimeout(idle, Math.min(IDLE_AFTER_MS, (state.pad?.window_s || 120) * 1000));
}

main();
