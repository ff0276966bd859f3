// Start-up shared by the staff pages (counter, manager): language, clock, login, branches.
import { $, api, el, errorText, langToggle, loadI18n, pick, show, t } from "./common.js";
import { tickClock } from "./device.js";

const TOKEN_KEY = "branchq.staff.token";

/** Resolves to {token, user} once logged in (the session lasts as long as the browser tab). */
export async function startStaffPage(page) {
  const langKey = `branchq.lang.${page}`;
  await loadI18n(langKey);
  langToggle($("#lang"), langKey);
  tickClock($("#clock"));
  const token = sessionStorage.getItem(TOKEN_KEY);
  const me = token ? await api("/api/v1/auth/me", { token }).catch(() => ({ status: 0 })) : null;
  const session = me?.status === 200 ? { token, user: me.data } : await login();
  $("#who").textContent = session.user.username;
  show($("#logout"), true);
  $("#logout").addEventListener("click", () => logout(session.token));
  return session;
}

function login() {
  show($("#login"), true);
  $("#username").focus();
  return new Promise((resolve) => {
    $("#login-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = { username: $("#username").value.trim(), password: $("#password").value };
      const result = await api("/api/v1/auth/login", { method: "POST", body }).catch(() => ({ status: 0 }));
      if (result.status !== 200) {
        $("#login-error").textContent = result.status === 401 ? t("staff.bad_login") : errorText(result);
        show($("#login-error"), true);
        return;
      }
      sessionStorage.setItem(TOKEN_KEY, result.data.token);
      show($("#login"), false);
      resolve({ token: result.data.token, user: result.data.user });
    });
  });
}

async function logout(token) {
  await api("/api/v1/auth/logout", { method: "POST", token }).catch(() => null);
  sessionStorage.removeItem(TOKEN_KEY);
  location.reload();
}

/** Fill a <select> with the staff member's branches; resolves to the branches. */
export async function loadBranches(select, token, storageKey) {
  const result = await api("/api/v1/branches", { token });
  const branches = result.status === 200 ? result.data : [];
  select.replaceChildren(...branches.map((b) => el("option", { value: b.id, text: pick(b.name) })));
  const saved = localStorage.getItem(storageKey);
  if (saved && branches.some((b) => String(b.id) === saved)) select.value = saved;
  select.addEventListener("change", () => localStorage.setItem(storageKey, select.value));
  show(select, branches.length > 1);
  show(select.previousElementSibling, branches.length > 1);
  return branches;
}
