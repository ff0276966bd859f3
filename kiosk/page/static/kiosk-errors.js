// What went wrong, in the customer's language: the server's error code picks a catalogue line
// (kiosk.error.<code>) and its params fill it in; the server's own English never reaches the screen.
import { langTag, t } from "/static/js/common.js";

const KNOWN = new Set([
  "appointment_cancelled",
  "appointment_not_found",
  "appointment_used",
  "branch_closed",
  "class_staff_only",
  "eligibility_required",
  "not_eligible",
  "service_closed",
  "too_early",
  "too_late",
]);
const BY_STATUS = { 0: "network", 429: "busy", 503: "unavailable" };

/** A branch-local time as the customer reads it: "09:30" today, "12月2日 09:30" another day. */
export function localTime(iso, timeZone, lang) {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return "";
  const locale = langTag(lang);
  const day = (d) => d.toLocaleDateString("en-CA", { timeZone });
  const options = { timeZone, hour: "2-digit", minute: "2-digit", hour12: false };
  if (day(when) !== day(new Date())) Object.assign(options, { weekday: "short", month: "short", day: "numeric" });
  return new Intl.DateTimeFormat(locale, options).format(when);
}

/** The catalogue text for a failed request ({status, data}). */
export function kioskErrorText(result, timeZone, lang) {
  const error = result?.data?.error || {};
  const code = KNOWN.has(error.code) ? error.code : BY_STATUS[result?.status] || "generic";
  const params = {};
  if (error.params?.opens_at) params.time = localTime(error.params.opens_at, timeZone, lang);
  return t(`kiosk.error.${code}`, params);
}
