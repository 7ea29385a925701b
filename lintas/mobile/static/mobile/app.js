// The phone app's screens: sign in once, set a PIN, then record for days without signal.
import { FORMS, formDraw, formRead, h, hubErrors } from "./forms.js";
import { chooseLanguage, language, t } from "./i18n.js";
import * as queue from "./queue.js";
import * as store from "./store.js";

const AUTO_LOCK_MS = 5 * 60 * 1000;
const RETRY_MS = 30 * 1000;
const KEEP_SENT_DAYS = 7;

const main = document.getElementById("main");
const status = document.getElementById("status");
let session = null; // {token, username, key_id} once unlocked
let boot = null;
let places = null;
let signInNeeded = false;
let hiddenAt = 0;

function flash(text, kind = "info") {
  const box = document.getElementById("flash");
  box.className = `flash ${kind}`;
  box.textContent = text;
}

function screen(...children) {
  main.replaceChildren(...children.filter((child) => child !== null && child !== false));
  const heading = main.querySelector("h1");
  if (heading) heading.focus();
}

function showStatus() {
  status.textContent = navigator.onLine ? t("online") : t("offline");
  status.className = navigator.onLine ? "online" : "offline";
}

function field(id, label, attrs) {
  return [h("label", { for: id }, label), h("input", { id, name: id, ...attrs })];
}

// ---- signing in, PIN ----

function signInScreen(message = "", again = false) {
  const form = h("form", { novalidate: true },
    field("username", t("username"), { autocomplete: "username", autocapitalize: "none", required: true, value: session?.username || "" }),
    field("password", t("password"), { type: "password", autocomplete: "current-password", required: true }),
    h("button", { type: "submit" }, t("sign_in")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const username = form.username.value.trim();
    if (again && username.toLowerCase() !== session.username) {
      flash(t("signed_in_as", { name: session.username, agency: boot?.profile.agency || "" }), "error");
      return;
    }
    let answer;
    try {
      answer = await queue.call("POST", "/api/mobile/keys", null, { username, password: form.password.value, label: "" });
    } catch (_offline) {
      flash(t("sign_in_needs_signal"), "error");
      return;
    }
    if (answer.status !== 201) {
      flash(answer.data?.message || `HTTP ${answer.status}`, "error");
      return;
    }
    const issued = { token: answer.data.token, username: answer.data.profile.username, key_id: answer.data.key_id };
    if (again) {
      session = issued;
      await store.keep("session", session);
      signInNeeded = false;
      await refresh();
      home();
      sendNow();
    } else {
      pinSetScreen(issued);
    }
  });
  screen(h("h1", { tabindex: -1 }, t("sign_in")), h("p", {}, t("sign_in_intro")), form,
    again ? h("button", { type: "button", class: "plain", onclick: home }, t("back")) : null);
  if (message) flash(message, "error");
}

function pinSetScreen(issued) {
  const form = h("form", { novalidate: true },
    field("pin1", t("pin_new"), { type: "password", inputmode: "numeric", autocomplete: "new-password", maxlength: 6 }),
    field("pin2", t("pin_repeat"), { type: "password", inputmode: "numeric", autocomplete: "new-password", maxlength: 6 }),
    h("button", { type: "submit" }, t("pin_save")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const pin = form.pin1.value;
    if (!/^\d{6}$/.test(pin)) return flash(t("pin_short"), "error");
    if (pin !== form.pin2.value) return flash(t("pin_mismatch"), "error");
    await store.pinSet(pin);
    session = issued;
    await store.keep("session", session);
    await refresh();
    flash("");
    home();
  });
  screen(h("h1", { tabindex: -1 }, t("pin_save")), h("p", {}, t("pin_intro")), form);
}

function pinScreen(message = "") {
  const form = h("form", { novalidate: true },
    field("pin", t("pin"), { type: "password", inputmode: "numeric", autocomplete: "current-password", maxlength: 6 }),
    h("button", { type: "submit" }, t("unlock")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const result = await store.unlock(form.pin.value);
    if (result === "wiped") return wiped(t("wiped"));
    if (result !== "ok") {
      form.pin.value = "";
      return flash(t("pin_wrong", { n: result }), "error");
    }
    session = await store.kept("session");
    boot = (await store.kept("boot")) || null;
    places = (await store.kept("places")) || null;
    flash("");
    home();
    await refresh();
    sendNow();
  });
  const forgot = h("button", { type: "button", class: "plain", onclick: async () => {
    if (window.confirm(t("confirm_wipe"))) wiped(t("wiped"));
  } }, t("forgot_pin"));
  screen(h("h1", { tabindex: -1 }, t("app")), form, forgot);
  if (message) flash(message, "error");
}

async function wiped(message) {
  await store.wipe();
  session = boot = places = null;
  signInNeeded = false;
  signInScreen(message);
}

// ---- what the hub gives the phone ----

async function hubGet(path) {
  const answer = await queue.call("GET", path, session.token);
  if (answer.status === 401) {
    if (queue.ERASE.has(answer.data?.code)) await wiped(answer.data.message);
    else signInNeeded = true;
    return null;
  }
  return answer.status === 200 ? answer.data : null;
}

async function refresh() {
  if (!session || !navigator.onLine) return;
  try {
    const fresh = await hubGet("/api/mobile/bootstrap");
    if (!session) return;
    if (fresh) {
      boot = fresh;
      await store.keep("boot", boot);
    }
    if (!places && fresh) {
      const got = await hubGet("/api/mobile/places");
      if (got) {
        places = got;
        await store.keep("places", places);
      }
    }
  } catch (_offline) {
    // Kept copies serve until the next signal.
  }
}

async function sendNow(fromButton = false) {
  if (!session || !store.unlocked() || signInNeeded) return;
  if (fromButton) flash(t("sending"));
  const result = await queue.sendAll(session.token);
  if (result.stopped === "erase") return wiped(result.message);
  if (result.stopped === "sign_in") {
    signInNeeded = true;
    flash(t("sign_in_again"), "error");
  } else if (result.sent > 0) {
    flash(t("sent_ok", { n: result.sent }), "ok");
    await refresh();
  } else if (fromButton && result.stopped === "offline") {
    flash(t("still_offline"), "error");
  } else if (fromButton) {
    flash("");
  }
  if (main.dataset.screen === "home") home();
}

// ---- home and records ----

const STATE_WORDS = {
  [queue.WAITING]: "state_waiting",
  [queue.SENT]: "state_sent",
  [queue.REFUSED]: "state_refused",
  [queue.CONFLICT]: "state_conflict",
};

function summary(record) {
  const p = record.payload;
  if (record.kind === "activity") return `${p.held_on} · ${labelOf(boot?.activity_kinds, p.kind)}`;
  if (record.kind === "meeting") return `${p.held_on} · ${labelOf(boot?.groups?.map((g) => ({ value: g.id, label: g.name })), p.group_id)}`;
  if (record.kind === "report") return p.body.slice(0, 60);
  return `${p.done_on} · ${record.case_reference || ""} · ${labelOf(boot?.outcomes, p.outcome)}`;
}

function labelOf(list, value) {
  return (list || []).find((o) => o.value === value)?.label || value || "";
}

function recordItem(record) {
  const actions = [];
  if (record.state === queue.REFUSED) {
    actions.push(h("button", { type: "button", onclick: () => formScreen(record.kind, record) }, t("edit_resend")));
  }
  // A visit is one per follow-up at the hub: a new id would conflict again.
  if (record.state === queue.CONFLICT && record.kind !== "visit") {
    actions.push(h("button", { type: "button", onclick: async () => {
      await store.recordDrop(record.id);
      await store.recordPut({ ...record, id: store.uuid7(), state: queue.WAITING, message: "" });
      home();
      sendNow();
    } }, t("save_as_new")));
  }
  if (record.state === queue.REFUSED || record.state === queue.CONFLICT) {
    actions.push(h("button", { type: "button", class: "plain", onclick: async () => {
      if (!window.confirm(t("confirm_discard"))) return;
      await store.recordDrop(record.id);
      home();
    } }, t("discard")));
  }
  return h("li", { class: `record ${record.state}`, "data-id": record.id },
    h("strong", {}, t(`kind_${record.kind}`)), " ", summary(record),
    h("span", { class: "state" }, t(STATE_WORDS[record.state])),
    record.message ? h("p", { class: "error" }, record.message) : null,
    Object.entries(hubErrors(record.fields)).map(([name, message]) => {
      const known = FORMS[record.kind].fields.find((f) => f.name === name);
      return h("p", { class: "error" }, known ? `${t(known.label)}: ${message}` : message);
    }),
    actions.length ? h("div", { class: "actions" }, actions) : null);
}

async function home() {
  const all = await store.records();
  const old = Date.now() - KEEP_SENT_DAYS * 86400000;
  const shown = [];
  for (const r of all) {
    if (r.state === queue.SENT && Date.parse(r.sent_at) < old) await store.recordDrop(r.id);
    else shown.push(r);
  }
  const waiting = shown.filter((r) => r.state === queue.WAITING).length;
  const sent = shown.filter((r) => r.state === queue.SENT).length;
  const attention = shown.length - waiting - sent;
  const profile = boot?.profile;
  const buttons = [];
  if (!profile || profile.records_outreach) {
    buttons.push(h("button", { type: "button", onclick: () => formScreen("activity") }, t("new_activity")));
    buttons.push(h("button", { type: "button", onclick: () => formScreen("meeting") }, t("new_meeting")));
    buttons.push(h("button", { type: "button", onclick: () => formScreen("report") }, t("new_report")));
  }
  if (profile?.records_follow_ups) {
    buttons.push(h("button", { type: "button", onclick: () => formScreen("visit") }, t("new_visit")));
  }
  screen(
    h("h1", { tabindex: -1 }, t("app")),
    profile ? h("p", { class: "who" }, t("signed_in_as", { name: profile.full_name, agency: profile.agency })) : null,
    h("p", { class: "counts", id: "counts" },
      t("waiting", { n: waiting }), " · ", t("sent_count", { n: sent }),
      attention ? ` · ${t("needs_attention", { n: attention })}` : ""),
    signInNeeded ? h("button", { type: "button", onclick: () => signInScreen("", true) }, t("sign_in")) : null,
    h("div", { class: "menu" }, buttons),
    h("button", { type: "button", class: "send", onclick: () => sendNow(true) }, t("send_now")),
    h("h2", {}, t("my_records")),
    shown.length ? h("ul", { class: "records" }, shown.reverse().map(recordItem)) : h("p", {}, t("none_yet")),
    h("div", { class: "footer" },
      h("button", { type: "button", class: "plain", onclick: lockNow }, t("lock")),
      h("button", { type: "button", class: "plain", onclick: () => signOut(waiting) }, t("sign_out"))),
  );
  main.dataset.screen = "home";
}

function formScreen(kind, record = null) {
  if (!boot || !places) return flash(t("still_offline"), "error");
  if (kind === "visit" && !boot.visits.length) return flash(t("no_visits"), "error");
  if (kind === "meeting" && !boot.groups.length) return flash(t("no_groups"), "error");
  main.dataset.screen = kind;
  const values = record ? record.payload : {};
  const form = formDraw(kind, boot, places, values, record ? hubErrors(record.fields) : {});
  form.append(h("button", { type: "submit" }, t("save")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const { payload, errors } = formRead(kind, form);
    for (const old of form.querySelectorAll(".error")) old.remove();
    if (Object.keys(errors).length) {
      for (const [name, message] of Object.entries(errors)) {
        form.querySelector(`[data-field="${name}"]`)?.append(h("p", { class: "error", role: "alert" }, message));
      }
      flash(t("fix_fields"), "error");
      return;
    }
    const saved = { id: record ? record.id : store.uuid7(), kind, payload, state: queue.WAITING, made_at: new Date().toISOString() };
    if (kind === "visit") saved.case_reference = boot.visits.find((v) => v.id === payload.follow_up_id)?.case_reference || "";
    await store.recordPut(saved);
    flash(t("saved"), "ok");
    await home();
    sendNow();
  });
  screen(h("h1", { tabindex: -1 }, t(FORMS[kind].title)), form,
    h("button", { type: "button", class: "plain", onclick: () => { flash(""); home(); } }, t("back")));
}

function lockNow() {
  store.lock();
  session = boot = places = null;
  flash("");
  pinScreen();
}

async function signOut(waiting) {
  if (waiting > 0) return flash(t("unsent_first", { n: waiting }), "error");
  if (!window.confirm(t("confirm_sign_out"))) return;
  try {
    await queue.call("DELETE", "/api/mobile/keys/current", session.token);
  } catch (_offline) {
    // The only copy of the key goes with the data.
  }
  wiped("");
}

// ---- start ----

function languageSwitch() {
  const button = document.getElementById("language");
  button.textContent = t("language");
  button.addEventListener("click", () => {
    chooseLanguage(language() === "id" ? "en" : "id");
    location.reload();
  });
}

async function start() {
  chooseLanguage(language());
  languageSwitch();
  showStatus();
  window.addEventListener("online", () => { showStatus(); refresh().then(() => sendNow()); });
  window.addEventListener("offline", showStatus);
  document.addEventListener("visibilitychange", () => {
    if (document.hidden) hiddenAt = Date.now();
    else if (session && hiddenAt && Date.now() - hiddenAt > AUTO_LOCK_MS) lockNow();
  });
  setInterval(() => { if (navigator.onLine) sendNow(); }, RETRY_MS);
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/m/sw.js", { scope: "/m/" });
  if (await store.hasPin()) pinScreen();
  else signInScreen();
}

start();
