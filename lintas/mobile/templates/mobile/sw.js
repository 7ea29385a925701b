// The phone app's service worker: the shell from the cache, records never.
const CACHE = "lintas-m-{{ version }}";
const SHELL = {{ shell_urls|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("lintas-m-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  // What the hub answers about records, keys and places goes to the network only.
  if (url.pathname.startsWith("/api/")) return;
  const wanted = event.request.mode === "navigate" ? "{{ shell_url }}" : event.request;
  event.respondWith(
    caches.open(CACHE).then((cache) =>
      cache.match(wanted, { ignoreSearch: true }).then((hit) => hit || fetch(event.request))),
  );
});
