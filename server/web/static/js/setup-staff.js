// Set-up step: staff — who may log in, their role and branches; reset a password, deactivate, unlock.
import { api, el, pick } from "./common.js";
import { editable, field, fieldError, form, heading, redraw, said, send, value } from "./setup-forms.js";

export const staffStep = {
  id: "staff",
  label: "setup.step_staff",
  ready: async () => true,
  async render(ctx, body, changed) {
    const result = await api("/api/v1/users", { token: ctx.token });
    const users = (result.status === 200 ? result.data : []).filter((u) => u.id !== ctx.user.id);
    const place = el("div");
    const again = (key) => redraw(staffStep, ctx, body, changed, key);
    const edit = (user, focus) => {
      place.replaceChildren(userForm(ctx, user, () => again("setup.saved")));
      if (focus) place.querySelector(focus)?.focus();
    };
    const toggle = (user) => async () => {
      const done = await api(`/api/v1/users/${user.id}`, { method: "PATCH", body: { active: !user.active }, token: ctx.token });
      if (done.status === 200) again(user.active ? "setup.user_deactivated" : "setup.user_activated");
    };
    const unlock = (user) => async () => {
      const done = await api(`/api/v1/users/${user.id}/unlock`, { method: "POST", token: ctx.token });
      if (done.status === 200) again("setup.user_unlocked");
    };
    body.append(
      heading("setup.step_staff"),
      editable(
        "user-list",
        users,
        (u) => [
          el("span", { class: "number", text: u.username }),
          said("span", `setup.role_${u.role}`),
          el("span", { class: "muted", text: branchNames(ctx, u.branch_ids) }),
          u.active ? null : said("span", "setup.inactive", { class: "status-bad" }),
        ],
        (u) => edit(u),
        "setup.staff_none",
        (u) => [
          said("button", "setup.reset_password", { type: "button", class: "small", onclick: () => edit(u, "#user-password") }),
          said("button", u.active ? "setup.deactivate" : "setup.activate", {
            type: "button",
            class: `small${u.active ? " danger" : ""}`,
            onclick: toggle(u),
          }),
          said("button", "setup.unlock", { type: "button", class: "small", onclick: unlock(u) }),
        ],
      ),
      place,
    );
    edit(null);
  },
};

function branchNames(ctx, ids) {
  return ids.map((id) => pick(ctx.branches.find((b) => b.id === id)?.name) || `#${id}`).join(", ");
}

function userForm(ctx, user, done) {
  const roles = (ctx.user.role === "admin" ? ["teller", "manager", "admin"] : ["teller", "manager"]).map((r) => ({
    value: r,
    key: `setup.role_${r}`,
  }));
  const chosen = user ? user.branch_ids : [ctx.branch.id];
  const branches = el(
    "fieldset",
    { "data-field": "branch_ids" },
    el("legend", {}, said("span", "setup.user_branches")),
    ...ctx.branches.map((b) => field({
      id: `user-branch-${b.id}`,
      label: "",
      field: `branch-${b.id}`,
      type: "checkbox",
      value: chosen.includes(b.id),
    })),
    el("p", { class: "field-error", role: "alert", hidden: true }),
  );
  // a checkbox label shows the branch's name, which is data, not a catalogue message
  ctx.branches.forEach((b) => {
    const label = branches.querySelector(`label[for="user-branch-${b.id}"] span`);
    label.removeAttribute("data-i18n");
    label.textContent = pick(b.name);
  });
  return form(
    "user-form",
    [
      said("h3", user ? "setup.user_edit" : "setup.user_new"),
      el(
        "div",
        { class: "field-row" },
        field({
          id: "user-name",
          label: "staff.username",
          field: "username",
          value: user?.username,
          disabled: Boolean(user),
          autocomplete: "off",
          maxlength: 64,
        }),
        field({
          id: "user-password",
          label: user ? "setup.new_password" : "staff.password",
          field: "password",
          type: "password",
          autocomplete: "new-password",
          maxlength: 256,
        }),
        field({
          id: "user-role",
          label: "setup.role",
          field: "role",
          tag: "select",
          options: roles,
          value: user?.role || "teller",
        }),
      ),
      branches,
    ],
    user ? "setup.save" : "setup.user_add",
    async (node) => {
      const password = node.querySelector("#user-password").value;
      const ids = ctx.branches.filter((b) => node.querySelector(`#user-branch-${b.id}`).checked).map((b) => b.id);
      if (!user && !value("user-name", node)) return fieldError(node, "username", "setup.invalid.required");
      if ((!user || password) && password.length < 8) return fieldError(node, "password", "setup.invalid.password");
      const body = { role: value("user-role", node), branch_ids: ids };
      if (password) body.password = password;
      if (!user) body.username = value("user-name", node);
      const path = user ? `/api/v1/users/${user.id}` : "/api/v1/users";
      if (await send(node, path, { method: user ? "PATCH" : "POST", body, token: ctx.token })) done();
    },
  );
}
