import { defineConfig } from "@playwright/test";
import base, { realTime } from "./playwright.config";

// Figures measured in the browser (`./x bench`), not tests: they print, they do not assert a
// budget. The same real server and release build as the journeys.
export default defineConfig({
  ...base,
  testDir: "bench",
  testMatch: "*.bench.ts",
  reporter: [["line"]],
  // A figure measured twice is not a better figure, and Lighthouse's take minutes.
  retries: 0,
  // At the real time only: the calendar's edges are for the journeys.
  projects: [realTime.project],
  webServer: realTime.server,
});
