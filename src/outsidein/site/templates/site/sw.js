{% autoescape off %}// Outside-In's service worker (site/app_shell.py): the quick log opens with no signal.
// What it keeps: the static files, each workspace's quick log page and the pickers' answers, refreshed whenever
// the network answers. Other pages need the network; offline they answer a short page pointing to the quick log.
const VERSION = "{{ version }}";
const SHELL = `shell-${VERSION}`;
const PAGES = "pages";  // kept across versions: a phone that updates offline still opens its quick log
const SHELL_FILES = {{ shell }};
const QUICK_LOG = /^\/w\/[-\w]+\/conversations\/log\/$/;
const SEARCH = /^\/w\/[-\w]+\/(accounts|persons)\/search\/$/;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(SHELL_FILES)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((n) => n.startsWith("shell-") && n !== SHELL).map((n) => caches.delete(n))))
    .then(() => self.clients.claim()));
});

async function fromNetworkThenKeep(request, cacheName) {
  const response = await fetch(request);
  // Only a page as it is meant to be seen: not a redirect to the login page, not an error.
  if (response.ok && !response.redirected) {
    const cache = await caches.open(cacheName);
    await cache.put(request, response.clone());
  }
  return response;
}

function offlinePage(links) {
  const items = links.map((url) => `<li><a href="${url}">Log a conversation (${url.split("/")[2]})</a></li>`).join("");
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Offline · Outside-In</title>
${SHELL_FILES.filter((f) => f.endsWith(".css")).map((f) => `<link rel="stylesheet" href="${f}">`).join("")}</head>
<body><main class="container"><h1>You are offline</h1>
<p>This page needs a connection. The quick log works without one: what you log is kept on this phone and sent
when you are back online.</p><ul>${items || "<li>Open the quick log once while online to have it here.</li>"}</ul>
</main></body></html>`;
  return new Response(body, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

async function quickLogPages() {
  const cache = await caches.open(PAGES);
  return (await cache.keys()).map((r) => new URL(r.url).pathname).filter((p) => QUICK_LOG.test(p));
}

function offlineOptions() {
  return new Response(
    '<li class="picker-none" role="option" aria-disabled="true">Offline: only those met last are here (clear the box '
    + "to see them). Someone else? Add them under “Someone new?”.</li>",
    { headers: { "Content-Type": "text/html; charset=utf-8" } });
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    // Stale while revalidate: instant from the phone, refreshed for next time.
    event.respondWith(caches.match(request).then((kept) => {
      const fresh = fetch(request).then((response) => {
        if (response.ok) caches.open(SHELL).then((cache) => cache.put(request, response.clone()));
        return response;
      });
      return kept || fresh;
    }));
  } else if (QUICK_LOG.test(url.pathname)) {
    event.respondWith(fromNetworkThenKeep(request, PAGES)
      .catch(async () => (await caches.match(request, { ignoreSearch: true })) || offlinePage(await quickLogPages())));
  } else if (SEARCH.test(url.pathname)) {
    event.respondWith(fromNetworkThenKeep(request, PAGES)
      .catch(async () => (await caches.match(request)) || offlineOptions()));
  } else if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(async () => offlinePage(await quickLogPages())));
  }
});
{% endautoescape %}
