// The manager's language settings of a branch: the display notice in every registry language,
// and which languages the screens alternate and the voice speaks (branch settings
// "screen_languages" / "voice_languages", checked by the server against the registry).
import { el, getLanguages, t } from "./common.js";

/** One notice text box per registry language, filled from {code: text} (or one string). */
export function drawNoticeFields(container, notice) {
  const value = typeof notice === "string" ? Object.fromEntries(getLanguages().map((l) => [l.code, notice])) : notice || {};
  container.replaceChildren(
    ...getLanguages().flatMap((l) => [
      el("label", { for: `notice-${l.code}`, lang: l.tag, text: l.name }),
      el("textarea", { id: `notice-${l.code}`, lang: l.tag, maxlength: 300 }),
    ]),
  );
  for (const l of getLanguages()) container.querySelector(`#notice-${l.code}`).value = value[l.code] || "";
}

export function readNotice(container) {
  const entries = getLanguages().map((l) => [l.code, container.querySelector(`#notice-${l.code}`).value.trim()]);
  const notice = Object.fromEntries(entries.filter(([, text]) => text));
  return Object.keys(notice).length ? notice : null;
}

/** Checkboxes for the screen and voice languages; ``chosen`` is the branch view's ``languages``. */
export function drawLanguageChoice(container, chosen) {
  const group = (kind) =>
    el(
      "fieldset",
      { class: "lang-choice", "data-kind": kind },
      el("legend", { "data-i18n": `lang.${kind}`, text: t(`lang.${kind}`) }),
      ...getLanguages().map((l) =>
        el(
          "label",
          { lang: l.tag },
          el("input", { type: "checkbox", value: l.code, checked: (chosen?.[kind] || []).includes(l.code) }),
          ` ${l.name}`,
        ),
      ),
    );
  container.replaceChildren(group("screen"), group("voice"));
}

/** {"screen_languages": [...], "voice_languages": [...]} in registry order; an empty choice is left unset. */
export function readLanguageChoice(container) {
  const settings = {};
  for (const kind of ["screen", "voice"]) {
    const codes = [...container.querySelectorAll(`[data-kind=${kind}] input:checked`)].map((input) => input.value);
    settings[`${kind}_languages`] = codes.length ? codes : null;
  }
  return settings;
}
