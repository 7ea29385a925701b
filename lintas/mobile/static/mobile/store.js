// What the phone keeps, sealed: IndexedDB holding AES-GCM ciphertext under a key derived
// from the user's PIN (PBKDF2-SHA-256). The key never leaves memory and is dropped on lock.
// Five wrong PINs in a row erase everything; so does a disabled account or a revoked key.

const DB_NAME = "lintas-m";
const ITERATIONS = 210000;
export const MAX_TRIES = 5;
const VERIFIER = "lintas-m-pin-ok";

let db = null;
let key = null;

function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function opened() {
  if (db) return Promise.resolve(db);
  const request = indexedDB.open(DB_NAME, 1);
  request.onupgradeneeded = () => {
    const base = request.result;
    base.createObjectStore("meta");
    base.createObjectStore("sealed");
    base.createObjectStore("queue", { keyPath: "id" });
  };
  return done(request).then((base) => {
    db = base;
    return base;
  });
}

async function tx(store, mode, work) {
  const base = await opened();
  const t = base.transaction(store, mode);
  const result = work(t.objectStore(store));
  await new Promise((resolve, reject) => {
    t.oncomplete = resolve;
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error || new Error("aborted"));
  });
  return result instanceof IDBRequest ? result.result : result;
}

const meta = {
  get: (name) => tx("meta", "readonly", (s) => s.get(name)),
  put: (name, value) => tx("meta", "readwrite", (s) => s.put(value, name)),
};

async function derive(pin, salt) {
  const material = await crypto.subtle.importKey(
    "raw", new TextEncoder().encode(pin), "PBKDF2", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "PBKDF2", salt, iterations: ITERATIONS, hash: "SHA-256" },
    material, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
}

async function seal(value, using = key) {
  if (!using) throw new Error("locked");
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const plain = new TextEncoder().encode(JSON.stringify(value));
  const data = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, using, plain);
  return { iv, data };
}

async function unseal(box, using = key) {
  if (!using) throw new Error("locked");
  const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: box.iv }, using, box.data);
  return JSON.parse(new TextDecoder().decode(plain));
}

export async function hasPin() {
  return (await meta.get("salt")) !== undefined;
}

export function unlocked() {
  return key !== null;
}

export async function triesLeft() {
  return MAX_TRIES - ((await meta.get("failures")) || 0);
}

export async function pinSet(pin) {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const made = await derive(pin, salt);
  await meta.put("salt", salt);
  await meta.put("verifier", await seal(VERIFIER, made));
  await meta.put("failures", 0);
  key = made;
}

// "ok", or the number of tries left, or "wiped" after the last one.
export async function unlock(pin) {
  // The failure is counted before the check, so that closing the app mid-check still counts.
  const failures = ((await meta.get("failures")) || 0) + 1;
  await meta.put("failures", failures);
  const candidate = await derive(pin, await meta.get("salt"));
  try {
    if ((await unseal(await meta.get("verifier"), candidate)) !== VERIFIER) throw new Error();
  } catch (_wrong) {
    if (failures >= MAX_TRIES) {
      await wipe();
      return "wiped";
    }
    return MAX_TRIES - failures;
  }
  await meta.put("failures", 0);
  key = candidate;
  return "ok";
}

export function lock() {
  key = null;
}

export async function wipe() {
  key = null;
  if (db) db.close();
  db = null;
  await done(indexedDB.deleteDatabase(DB_NAME));
}

export async function kept(name) {
  const box = await tx("sealed", "readonly", (s) => s.get(name));
  return box === undefined ? undefined : unseal(box);
}

export async function keep(name, value) {
  const box = await seal(value);
  await tx("sealed", "readwrite", (s) => s.put(box, name));
}

// Queued records: the id stays in clear (it is the store's key), the rest is sealed.
export async function recordPut(record) {
  const box = await seal(record);
  await tx("queue", "readwrite", (s) => s.put({ id: record.id, box }));
}

export async function recordDrop(id) {
  await tx("queue", "readwrite", (s) => s.delete(id));
}

export async function records() {
  const rows = await tx("queue", "readonly", (s) => s.getAll());
  const out = [];
  for (const row of rows) out.push(await unseal(row.box));
  out.sort((a, b) => (a.id < b.id ? -1 : 1));
  return out;
}

// A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, version 7, variant, random bits.
let lastMs = 0;
let counter = 0;
export function uuid7() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let ms = Date.now();
  if (ms <= lastMs) {
    counter += 1;
    if (counter > 0xfff) {
      lastMs += 1;
      counter = 0;
    }
    ms = lastMs;
  } else {
    counter = bytes[6] & 0x03;
  }
  lastMs = ms;
  for (let i = 5; i >= 0; i -= 1) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  // 12 bits after the version: a counter keeps ids made in one millisecond in order.
  bytes[6] = 0x70 | ((counter >> 8) & 0x0f);
  bytes[7] = counter & 0xff;
  bytes[8] = 0x80 | (bytes[8] & 0x3f);
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
