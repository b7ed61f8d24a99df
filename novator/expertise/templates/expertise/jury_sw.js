// Service worker of the jury's pages (scope /expertise/jury/), served by expertise.views.jury.jury_sw.
// Network first; when the network is down, the last copy of a jury page and its static files is served
// from the cache, so a juror can reload the scoring page offline (the typed values come back from
// localStorage, see static/js/jury.js). Only GET requests of this origin are cached; nothing is sent.
const CACHE = "novator-jury-v1";
const STATIC_PREFIX = "{{ static_prefix|escapejs }}";
const SCOPE = "{{ scope|escapejs }}";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const page = request.mode === "navigate" && url.pathname.startsWith(SCOPE) && !url.pathname.endsWith("/draft/");
  const asset = url.pathname.startsWith(STATIC_PREFIX);
  if (!page && !asset) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok && response.type === "basic") {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(request, copy));
        }
        return response;
      })
      .catch(() => caches.match(request, { ignoreSearch: page, ignoreVary: true }).then((hit) => hit || Response.error())),
  );
});
