// History charts drawn as SVG: arrivals by weekday and hour (a heat map), and each teller's
// customers served with their mean service time. Each sits in a panel of its own under the report.
import { $, el, getLang, minutes, t } from "./common.js";

const SVG = "http://www.w3.org/2000/svg";
const WEEK = [0, 1, 2, 3, 4, 5, 6]; // Monday first

/** A panel of the report made once, here rather than in manager.html: the charts are this module's. */
function panel(id, titleKey) {
  let node = $(`#${id}`);
  if (!node) {
    node = el("section", { class: "panel wide", id: `${id}-panel` },
      el("h2", { "data-i18n": titleKey }), el("div", { id, class: "chart", role: "img" }), el("p", { class: "muted", id: `${id}-note` }));
    $("#h-report").append(node);
    node = $(`#${id}`);
  }
  node.previousElementSibling.textContent = t(titleKey);
  node.setAttribute("aria-label", t(titleKey));
  return node;
}

/** Mean tickets per day in each weekday × hour cell, darker when busier; the figure is in the cell. */
export function drawHeatmap(cells) {
  const node = panel("h-heatmap", "history.heatmap");
  $("#h-heatmap-note").textContent = t("history.heatmap_note");
  if (!cells.length) return node.replaceChildren(el("p", { class: "muted", text: t("manager.no_data") }));
  const days = WEEK.filter((d) => cells.some((c) => c.weekday === d));
  const hours = [...new Set(cells.map((c) => c.hour))].sort((a, b) => a - b);
  const first = hours[0];
  const span = hours[hours.length - 1] - first + 1;
  const top = Math.max(...cells.map((c) => c.per_day));
  const [left, head, cellW, cellH] = [56, 26, 52, 34];
  const width = left + span * cellW;
  const height = head + days.length * cellH;
  const svg = svgNode("svg", { viewBox: `0 0 ${width} ${height}`, class: "heat", lang: getLang() });
  for (let i = 0; i < span; i += 1) svg.append(svgText(left + i * cellW + cellW / 2, 18, `${first + i}`, "middle"));
  days.forEach((day, row) => {
    const y = head + row * cellH;
    svg.append(svgText(left - 8, y + cellH / 2 + 5, t(`history.weekday_${day}`), "end"));
    cells.filter((c) => c.weekday === day).forEach((c) => {
      const x = left + (c.hour - first) * cellW;
      const share = c.per_day / top;
      svg.append(svgNode("rect", { x: x + 1, y: y + 1, width: cellW - 2, height: cellH - 2, class: "cell", "fill-opacity": (0.12 + 0.88 * share).toFixed(2) }));
      const label = svgText(x + cellW / 2, y + cellH / 2 + 5, c.per_day.toFixed(c.per_day < 10 ? 1 : 0), "middle");
      label.setAttribute("class", share > 0.55 ? "on-dark" : "");
      svg.append(label);
    });
  });
  node.replaceChildren(svg);
}

/** A bar per teller: customers served; the mean service time written beside it. */
export function drawTellers(tellers) {
  const node = panel("h-teller-chart", "history.tellers");
  $("#h-teller-chart-note").textContent = "";
  const rows = tellers.filter((u) => u.served > 0);
  if (!rows.length) return node.replaceChildren(el("p", { class: "muted", text: t("manager.no_data") }));
  const top = Math.max(...rows.map((u) => u.served));
  const [left, barH, width] = [110, 34, 640];
  const svg = svgNode("svg", { viewBox: `0 0 ${width} ${rows.length * barH + 8}`, class: "bars", lang: getLang() });
  rows.forEach((u, i) => {
    const y = i * barH + 4;
    const w = ((width - left - 190) * u.served) / top;
    svg.append(svgText(left - 8, y + barH / 2 + 3, u.username, "end"));
    svg.append(svgNode("rect", { x: left, y: y + 4, width: Math.max(2, w), height: barH - 12, class: "p50" }));
    const mean = u.service_time ? t("wait.min", { min: minutes(u.service_time.mean) }) : "—";
    svg.append(svgText(left + w + 8, y + barH / 2 + 3, t("history.teller_bar", { served: u.served, mean }), "start"));
  });
  node.replaceChildren(svg);
}

export function svgNode(tag, attrs) {
  const node = document.createElementNS(SVG, tag);
  Object.entries(attrs).forEach(([key, value]) => node.setAttribute(key, value));
  return node;
}

export function svgText(x, y, text, anchor) {
  const node = svgNode("text", { x, y, "text-anchor": anchor });
  node.textContent = text;
  return node;
}
