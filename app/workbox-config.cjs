// The service worker, generated after each build by Workbox (`app/build.sh` runs it from the
// repository root): it precaches the app shell so the app opens with no signal, and answers
// navigations with index.html. API responses are never cached: they carry personal data.
module.exports = {
  globDirectory: "dist",
  globPatterns: ["**/*.{html,js,wasm,css,svg,png,webmanifest}"],
  globIgnores: ["sw.js"],
  swDest: "dist/sw.js",
  navigateFallback: "/index.html",
  navigateFallbackDenylist: [/^\/api\//],
  // The main WASM module is about 1 MB before compression.
  maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
  // The bundle's directory and the stylesheet are named after their content's hash: no
  // revision query needed.
  dontCacheBustURLsMatching: /-[0-9a-f]{16}[./]/,
  // A new version waits until the person chooses to reload (the app shows the offer), so a
  // half-filled form is never swapped out from under them.
  skipWaiting: false,
  clientsClaim: false,
  inlineWorkboxRuntime: true,
  sourcemap: false,
  mode: "production",
};
