// The manager console's set-up section: the branch and everything in it, one step each. The first
// time (an admin with no branch yet) the same steps form a guided set-up with Back and Next.
import { $, el, onLangChange, t } from "./common.js";
import { bookingStep } from "./setup-booking.js";
import { branchStep } from "./setup-branch.js";
import { countersStep } from "./setup-counters.js";
import { devicesStep } from "./setup-devices.js";
import { said } from "./setup-forms.js";
import { policyStep } from "./setup-policy.js";
import { servicesStep } from "./setup-services.js";
import { staffStep } from "./setup-staff.js";

const STEPS = [branchStep, servicesStep, countersStep, staffStep, devicesStep, bookingStep, policyStep];
const view = { ctx: null, index: 0, root: null, dirty: false };

export const setupSection = {
  id: "setup",
  label: "manager.tab_setup",
  roles: ["admin", "manager"],
  firstRun: true, // what someone with no branch yet sees
  mount(ctx) {
    view.ctx = ctx;
    const steps = el(
      "nav",
      { class: "steps", "aria-label": t("setup.steps") },
      ...STEPS.map((step, i) =>
        el(
          "button",
          { type: "button", id: `step-${step.id}`, "data-step": step.id, onclick: () => go(i) },
          el("span", { class: "step-number", text: String(i + 1) }),
          said("span", step.label),
        ),
      ),
    );
    const wizard = el(
      "p",
      { class: "wizard-nav", hidden: true },
      said("button", "setup.back", { type: "button", id: "wizard-back", onclick: () => go(view.index - 1) }),
      el("span", { id: "wizard-where", class: "muted" }),
      said("button", "setup.next", { type: "button", id: "wizard-next", class: "primary", onclick: next }),
    );
    view.root = el(
      "main",
      { id: "setup", class: "setup", hidden: true },
      el("div", {
        id: "setup-intro",
        class: "intro",
        hidden: true,
      }, said("h1", "setup.welcome"), said("p", "setup.welcome_text")),
      steps,
      el("section", { id: "setup-body", class: "panel step-body" }),
      wizard,
    );
    // Static text follows the language by itself (data-i18n); a step is drawn again only while
    // nothing has been typed into it, so switching language never loses what was entered.
    const body = $("#setup-body", view.root);
    body.addEventListener("input", () => (view.dirty = true));
    body.addEventListener("submit", () => (view.dirty = false), true);
    onLangChange(() => {
      if (view.root.hidden) return;
      if (view.dirty) updateWizard();
      else go(view.index);
    });
    return view.root;
  },
  open() {
    go(view.index);
  },
  /** A branch without services or counters (made through the API, say) opens on the step it lacks. */
  async wanted(ctx) {
    for (const [i, step] of STEPS.slice(1, 3).entries()) {
      if (!(await step.ready(ctx))) {
        view.index = i + 1;
        return true;
      }
    }
    return false;
  },
  /** No branch yet: the guided set-up from its first step. */
  firstRun() {
    view.ctx.wizard = true;
    view.root.querySelector(".wizard-nav").hidden = false;
    go(0);
  },
};

function show(selector, visible) {
  $(selector, view.root).hidden = !visible;
}

/** A step needs the branch to exist; in the guided set-up, Next also needs the step's minimum done. */
async function go(index) {
  const ctx = view.ctx;
  const target = Math.max(0, Math.min(STEPS.length - 1, index));
  if (target > 0 && !ctx.branch) return;
  view.index = target;
  view.dirty = false;
  const step = STEPS[target];
  show("#setup-intro", Boolean(ctx.wizard) && !ctx.branch);
  view.root.querySelectorAll(".steps button").forEach((b, i) => {
    b.setAttribute("aria-current", i === target ? "step" : "false");
    b.disabled = i > 0 && !ctx.branch;
  });
  const body = $("#setup-body", view.root);
  body.replaceChildren();
  body.dataset.step = step.id;
  await step.render(ctx, body, () => updateWizard());
  updateWizard();
}

async function updateWizard() {
  const ctx = view.ctx;
  if (!ctx.wizard) return;
  const step = STEPS[view.index];
  const last = view.index === STEPS.length - 1;
  $("#wizard-where", view.root).textContent = t("setup.step_of", { n: view.index + 1, total: STEPS.length });
  $("#wizard-back", view.root).disabled = view.index === 0;
  const next = $("#wizard-next", view.root);
  next.textContent = t(last ? "setup.finish" : "setup.next");
  next.dataset.i18n = last ? "setup.finish" : "setup.next";
  next.disabled = !(await step.ready(ctx));
}

async function next() {
  if (view.index === STEPS.length - 1) {
    location.reload(); // the branch is set up: the console opens on its live view
    return;
  }
  go(view.index + 1);
}
