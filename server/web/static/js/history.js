// Manager history tab: figures over a range of business days, an hourly wait chart, staffing advice.
import { $, api, el, errorText, getLang, langTag, minutes, pick, show, t } from "./common.js";
import { drawHeatmap, drawTellers, svgNode, svgText } from "./history-charts.js";

const RANGE_DAYS = 7;
const FIGURE_KEYS = ["tickets", "served", "no_shows", "wait_p50", "wait_p90", "service_mean", "within_target", "feedback"];

const history = { token: null, branchId: null, report: null };

/** Fill the range with the last week and draw it when the tab is first opened. */
export function startHistory(token, branchId) {
  Object.assign(history, { token, branchId });
  const today = new Date();
  const first = new Date(today.getTime() - (RANGE_DAYS - 1) * 86400000);
  $("#range-from").value = localDay(first);
  $("#range-to").value = localDay(today);
  $("#range-form").addEventListener("submit", (event) => {
    event.preventDefault();
    load();
  });
  $("#range-csv").addEventListener("click", downloadCsv);
}

export function showHistory() {
  if (!history.report) load();
}

export function redrawHistory() {
  if (history.report) draw(history.report);
}

function localDay(date) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

function rangeQuery() {
  return new URLSearchParams({ from: $("#range-from").value, to: $("#range-to").value });
}

async function load() {
  const result = await api(`/api/v1/branches/${history.branchId}/stats?${rangeQuery()}`, { token: history.token })
    .catch(() => ({ status: 0 }));
  show($("#range-error"), result.status !== 200);
  if (result.status !== 200) {
    $("#range-error").textContent = result.status === 0 ? t("error.network") : errorText(result);
    return;
  }
  history.report = result.data;
  draw(result.data);
}

/** The CSV needs the bearer token, so it is fetched and handed to the browser as a file
 * (headers in the reader's language; the server names it after the range). */
async function downloadCsv() {
  const query = rangeQuery();
  query.set("lang", getLang());
  const response = await fetch(`/api/v1/branches/${history.branchId}/stats.csv?${query}`, {
    headers: { Authorization: `Bearer ${history.token}` },
  });
  if (!response.ok) return load(); // shows why
  const named = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
  const name = named ? named[1] : `branchq-stats-${query.get("from")}_${query.get("to")}.csv`;
  const link = el("a", { href: URL.createObjectURL(await response.blob()), download: name });
  link.click();
  URL.revokeObjectURL(link.href);
}

function draw(report) {
  show($("#h-report"), true);
  $("#h-summary").textContent = t("manager.range_summary", { days: report.days, tickets: report.total.tickets });
  const first = (key) => el("tr", {}, ...[key, ...FIGURE_KEYS].map((k) => el("th", { text: t(`manager.${k}`) })));
  $("#h-head-services").replaceChildren(first("service"));
  $("#h-head-classes").replaceChildren(first("class"));
  $("#h-head-tellers").replaceChildren(first("teller"));
  $("#h-services").replaceChildren(...report.services.map((s) => figureRow(pick(s.name), s)), figureRow(t("manager.total"), report.total));
  $("#h-classes").replaceChildren(...report.classes.map((c) => figureRow(t(`class.${c.customer_class}`), c)));
  $("#h-tellers").replaceChildren(...report.tellers.map((u) => figureRow(u.username, u)));
  drawChart(report);
  drawHeatmap(report.arrivals || []);
  drawTellers(report.tellers);
  $("#h-staffing-note").textContent = t("manager.staffing_note", { share: Math.round(report.target_share * 100) });
  $("#h-staffing").replaceChildren(...report.staffing.map(staffingRow));
}

function figureRow(label, f) {
  const cells = [
    f.tickets,
    f.served,
    f.no_shows,
    f.wait ? t("wait.min", { min: minutes(f.wait.p50) }) : "—",
    f.wait ? t("wait.min", { min: minutes(f.wait.p90) }) : "—",
    f.service_time ? t("wait.min", { min: minutes(f.service_time.mean) }) : "—",
    f.within_target == null ? "—" : `${Math.round(f.within_target * 100)}%`,
    f.feedback_mean == null ? "—" : `${f.feedback_mean.toFixed(1)} (${f.feedback_count})`,
  ];
  return el("tr", {}, el("th", { text: label }), ...cells.map((text) => el("td", { text: String(text) })));
}

function staffingRow(s) {
  const short = s.counters_used < s.counters;
  return el(
    "tr",
    {},
    el("td", { text: hourLabel(s.hour) }),
    el("td", { text: s.arrivals_per_hour.toFixed(1) }),
    el("td", { class: short ? "status-bad" : "status-ok", text: s.counters }),
    el("td", { text: s.counters_used }),
    el("td", { text: `${Math.round(s.within_target * 100)}%` }),
  );
}

function hourLabel(hour) {
  return `${String(hour).padStart(2, "0")}:00`;
}

/** Bars of the median wait per hour of arrival, the 90th percentile behind them, the target as a line. */
function drawChart(report) {
  const hours = report.hours.filter((h) => h.wait);
  const node = $("#h-chart");
  node.setAttribute("aria-label", t("manager.hourly_wait"));
  if (!hours.length) return node.replaceChildren(el("p", { class: "muted", text: t("manager.no_data") }));
  const targets = Object.fromEntries(report.staffing.map((s) => [s.hour, s.target_wait]));
  const top = Math.max(...hours.map((h) => Math.max(h.wait.p90, targets[h.hour] || 0)), 60);
  const [width, height, pad, base] = [640, 300, 70, 270];
  const step = (width - pad) / hours.length;
  const y = (seconds) => base - (seconds / top) * (base - 16);
  const svg = svgNode("svg", { viewBox: `0 0 ${width} ${height}`, class: "bars", lang: langTag() });
  svg.append(svgNode("line", { x1: pad, x2: width, y1: base, y2: base, class: "axis" }));
  svg.append(svgText(pad - 6, 24, t("wait.min", { min: minutes(top) }), "end"));
  hours.forEach((h, i) => {
    const x = pad + i * step;
    svg.append(svgNode("rect", { x: x + step * 0.15, width: step * 0.7, y: y(h.wait.p90), height: base - y(h.wait.p90), class: "p90" }));
    svg.append(svgNode("rect", { x: x + step * 0.3, width: step * 0.4, y: y(h.wait.p50), height: base - y(h.wait.p50), class: "p50" }));
    if (targets[h.hour]) svg.append(svgNode("line", { x1: x + 2, x2: x + step - 2, y1: y(targets[h.hour]), y2: y(targets[h.hour]), class: "target" }));
    svg.append(svgText(x + step / 2, height - 8, hourLabel(h.hour), "middle"));
  });
  node.replaceChildren(svg);
}
