// The send queue: each record goes to the same API and services as the web pages, with the
// id it was given on the phone, so that sending it again changes nothing at the hub.
import * as store from "./store.js";

export const WAITING = "waiting";
export const SENT = "sent";
export const REFUSED = "refused";
export const CONFLICT = "conflict";

// What the hub's answer tells the phone to do with everything it keeps.
export const ERASE = new Set(["account_disabled", "phone_key_revoked"]);
export const SIGN_IN_AGAIN = new Set(["phone_key_expired", "phone_key_unknown"]);

const ROUTES = {
  activity: () => "/api/outreach/activities",
  meeting: () => "/api/outreach/meetings",
  report: () => "/api/outreach/reports",
  visit: (record) => `/api/mobile/follow-ups/${encodeURIComponent(record.payload.follow_up_id)}`,
};

function body(record) {
  if (record.kind === "visit") {
    const { follow_up_id: _ignored, ...rest } = record.payload;
    return rest;
  }
  return { id: record.id, ...record.payload };
}

export async function call(method, path, token, payload) {
  const headers = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (payload !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {
    method,
    headers,
    body: payload === undefined ? undefined : JSON.stringify(payload),
    // Only the language cookie matters here: the phone key is the credential.
    credentials: "same-origin",
    cache: "no-store",
  });
  let data = null;
  try {
    data = await response.json();
  } catch (_none) {
    data = null;
  }
  return { status: response.status, data };
}

let running = null;

// Sends what waits, oldest first. Resolves to {sent, stopped} where stopped names why
// sending stopped early: "offline", "erase", "sign_in" (with the hub's message).
export function sendAll(token) {
  if (!running) {
    running = sendWaiting(token).finally(() => {
      running = null;
    });
  }
  return running;
}

async function sendWaiting(token) {
  let sent = 0;
  for (const record of await store.records()) {
    if (record.state !== WAITING) continue;
    let answer;
    try {
      answer = await call("POST", ROUTES[record.kind](record), token, body(record));
    } catch (_network) {
      return { sent, stopped: "offline" };
    }
    const data = answer.data || {};
    if (answer.status === 401) {
      if (ERASE.has(data.code)) return { sent, stopped: "erase", message: data.message };
      return { sent, stopped: "sign_in", message: data.message };
    }
    if (answer.status >= 500 || answer.status === 429 || answer.status === 0) {
      return { sent, stopped: "offline" };
    }
    record.tries = (record.tries || 0) + 1;
    if (answer.status === 200 || answer.status === 201) {
      record.state = SENT;
      record.sent_at = new Date().toISOString();
      sent += 1;
    } else {
      record.state = answer.status === 409 ? CONFLICT : REFUSED;
      record.message = data.message || `HTTP ${answer.status}`;
      record.fields = data.fields || {};
    }
    await store.recordPut(record);
  }
  return { sent, stopped: "" };
}
