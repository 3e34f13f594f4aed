import { defineConfig } from "@playwright/test";

// The server is the real one (debug build from `cargo test`), on a fresh embedded PostgreSQL
// with the demo ward, serving the real release build of the web app from ../dist.
const port = 3100;

export default defineConfig({
  testDir: "tests",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    locale: "vi-VN",
    // The people who use it are in Vietnam: "today" in the browser is the server's today.
    timezoneId: "Asia/Ho_Chi_Minh",
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: {
    command:
      `rm -rf ../target/e2e-data ../target/e2e-restart && exec ../target/debug/ngo-so --demo --data-dir ../target/e2e-data --dist ../dist --port ${port}`,
    url: `http://127.0.0.1:${port}/api/v1/health`,
    timeout: 180_000,
    reuseExistingServer: false,
    // Asked to stop rather than killed, so the server stops its PostgreSQL too: one left
    // running would remove the next run's socket when it notices its data directory is gone.
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    stdout: "ignore",
    stderr: "pipe",
  },
});
