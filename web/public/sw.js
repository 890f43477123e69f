// Palermo's service worker (docs/offline.md): the application itself offline. Plain JavaScript,
// copied as is into dist/ (no build step). It keeps only the application's files, which are not
// secret: never an /api/ answer (records are personal data; the device's own store keeps them,
// encrypted).
//
//   navigation  network first; offline (or the server down), the cached index.html
//   /assets/*   Vite's hashed files: cache first, cached on first fetch
//   /api/*      never touched
//
// Change VERSION to drop every cache of older versions on activation.

const VERSION = 'v1';
const CACHE = `palermo-shell-${VERSION}`;
const SHELL = ['/', '/index.html', '/manifest.webmanifest', '/icon.svg', '/favicon.svg'];
const INDEX = '/index.html';
// A navigation waits this long for the network before the cached application is shown.
const NAVIGATION_TIMEOUT_MS = 5000;

/** The /assets/ files an index.html loads (its script and style sheet). */
function assetsOf(html) {
  const found = new Set();
  for (const m of html.matchAll(/(?:src|href)="(\/assets\/[^"?#]+)"/g)) found.add(m[1]);
  return [...found];
}

/** Caches an index.html and the assets it names; drops the assets no longer named. */
async function keepShell(cache, response) {
  const html = await response.clone().text();
  const assets = assetsOf(html);
  await Promise.all(
    assets.map(async (url) => {
      if (!(await cache.match(url))) await cache.add(new Request(url, { cache: 'reload' }));
    }),
  );
  await cache.put(INDEX, response.clone());
  await cache.put('/', response);
  const keep = new Set(assets);
  for (const request of await cache.keys()) {
    const path = new URL(request.url).pathname;
    if (path.startsWith('/assets/') && !keep.has(path)) await cache.delete(request);
  }
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // Straight from the server, not from the browser's HTTP cache.
      await cache.addAll(SHELL.filter((url) => url !== '/' && url !== INDEX).map((url) => new Request(url, { cache: 'reload' })));
      const index = await fetch(new Request(INDEX, { cache: 'reload' }));
      if (!index.ok) throw new Error(`index.html: HTTP ${index.status}`);
      await keepShell(cache, index);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith('palermo-') && name !== CACHE) await caches.delete(name);
      }
      // The page that registered the worker is served by it from now on (offline reload works).
      await self.clients.claim();
    })(),
  );
});

async function fromCache(url) {
  const cache = await caches.open(CACHE);
  return cache.match(url);
}

async function navigation(event) {
  const network = fetch(event.request);
  // A page of the application (the server answers index.html for its routes): keep it fresh,
  // even when it arrives after the cached one was shown.
  event.waitUntil(
    network
      .then((response) => {
        const type = response.headers.get('Content-Type') || '';
        if (!response.ok || response.type !== 'basic' || response.redirected || !type.startsWith('text/html')) return;
        const copy = response.clone();
        return caches.open(CACHE).then((cache) => keepShell(cache, copy));
      })
      .catch(() => undefined),
  );
  const timeout = new Promise((resolve) => setTimeout(resolve, NAVIGATION_TIMEOUT_MS));
  try {
    const response = await Promise.race([network, timeout]);
    // The server (or a proxy before it) down: the application, which works offline.
    if (response && ![502, 503, 504].includes(response.status)) return response;
    if (response) return (await fromCache(INDEX)) || response;
  } catch {
    // offline
  }
  const cached = await fromCache(INDEX);
  if (cached) return cached;
  return network; // nothing cached yet: whatever the network gives, or its error
}

async function asset(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && response.type === 'basic') await cache.put(request, response.clone());
  return response;
}

async function networkThenCache(request) {
  try {
    return await fetch(request);
  } catch (e) {
    const cached = await fromCache(request);
    if (cached) return cached;
    throw e;
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // The API: the browser's own handling, never cached here.
  if (url.pathname === '/api' || url.pathname.startsWith('/api/')) return;
  if (request.mode === 'navigate') {
    event.respondWith(navigation(event));
  } else if (url.pathname.startsWith('/assets/')) {
    event.respondWith(asset(request));
  } else if (SHELL.includes(url.pathname)) {
    event.respondWith(networkThenCache(request));
  }
});
