// The counter's side panels: who waits for this counter (call by number), the teller's day, and confirmations.
import { $, api, el, minutes, pick, show, t } from "/static/js/common.js";

// What the server said last, drawn again when the language changes.
const last = { rows: null, day: null, draw: () => {} };

export function redrawDesk() {
  last.draw();
  if (last.day) drawDay(last.day);
}

/** Who waits for this counter's services (or was sent to it), with a button to call each one. */
export async function drawWaitingList(session, counter, snapshot, onCall) {
  const result = await api(`/api/v1/counters/${counter.id}/waiting`, { token: session.token }).catch(() => null);
  if (result?.status !== 200) return;
  last.draw = () => drawRows(result.data, counter, snapshot, onCall);
  last.draw();
}

function drawRows(rows, counter, snapshot, onCall) {
  const canCall = counter.status === "open" && !counter.ticket;
  const names = Object.fromEntries((snapshot?.services || []).map((s) => [s.id, pick(s.name)]));
  $("#c-queue").replaceChildren(
    ...rows.map((row) =>
      el("tr", { "data-ticket": row.id },
        el("td", {}, el("strong", { class: "number", text: row.number }), el("br"), el("span", { class: "muted", text: names[row.service_id] || "" })),
        el("td", {}, t(`class.${row.customer_class}`), row.booked ? el("span", { class: "tag", text: t("counter.booked") }) : null,
          row.sent_here ? el("span", { class: "tag", text: t("counter.sent_here") }) : null),
        el("td", { text: t("counter.wait_min", { min: minutes(row.waited_s) }) }),
        el("td", {}, el("button", {
          type: "button", class: "small", disabled: !canCall,
          "aria-label": t("counter.call_this", { number: row.number }), onclick: () => onCall(row),
        }, t("counter.call"))),
      ),
    ),
  );
  show($("#c-queue-empty"), rows.length === 0);
  show($(".queue-list"), rows.length > 0);
}

/** The teller's figures today, counted by the server from the tickets (not kept in this browser). */
export async function drawMyDay(session, branchId) {
  const result = await api(`/api/v1/branches/${branchId}/my-day`, { token: session.token }).catch(() => null);
  if (result?.status !== 200) return;
  last.day = result.data;
  drawDay(result.data);
}

function drawDay(day) {
  const parts = [t("counter.day_served", { n: day.served }), t("counter.day_no_show", { n: day.no_show })];
  if (day.mean_service_s != null) parts.push(t("counter.day_service", { min: minutes(day.mean_service_s) }));
  if (day.feedback_count) parts.push(t("counter.day_rating", { mean: day.feedback_mean, n: day.feedback_count }));
  $("#c-today").textContent = parts.join(" · ");
}

/** Ask before a step that cannot be undone; resolves to true when the teller confirms. */
export function confirmStep(text, okText) {
  const node = $("#confirm-dialog");
  $("#confirm-text").textContent = text;
  $("#confirm-ok").textContent = okText;
  return new Promise((resolve) => {
    node.addEventListener("close", () => resolve(node.returnValue === "ok"), { once: true });
    node.returnValue = "";
    node.showModal();
  });
}

/** Ask why the counter pauses; resolves to "break" | "meeting" | "training", or null when cancelled. */
export function askPauseReason() {
  const node = $("#pause-dialog");
  return new Promise((resolve) => {
    node.addEventListener("close", () => resolve(["break", "meeting", "training"].includes(node.returnValue) ? node.returnValue : null), { once: true });
    node.returnValue = "";
    node.showModal();
  });
}
