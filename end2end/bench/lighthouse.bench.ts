import { test, chromium, expect, BrowserContext } from "@playwright/test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { signInAs } from "../tests/accounts";
import base from "../playwright.config";

// Lighthouse 12 with its mobile preset (its default: a mid-range phone on slow 4G, the CPU
// slowed four times, simulated), on the pages people open every day. Each page is audited
// LIGHTHOUSE_RUNS times (1 unless set: an audit takes a minute or two on a 2-core machine) and
// the run with the median performance score is printed, after the scores of all. Lighthouse clears the
// HTTP cache and the service worker before each run but keeps cookies, so a signed-in page is
// audited signed in, as a cold start of the app.
//
// Lighthouse drives the browser over its debugging port: a browser of its own, whose default
// context (where Lighthouse opens its tabs) holds the session cookie.
const RUNS = Number(process.env.LIGHTHOUSE_RUNS ?? 1);
const PORT = 9333;

type Audits = Record<string, { numericValue?: number }>;
type Result = { lhr: { categories: { performance: { score: number | null } }; audits: Audits } };

async function audit(label: string, url: string) {
  // Lighthouse is an ES module only.
  const { default: lighthouse } = await import("lighthouse");
  const results: Result[] = [];
  for (let i = 0; i < RUNS; i++) {
    const result = await lighthouse(url, { port: PORT, logLevel: "error", onlyCategories: ["performance"] });
    results.push(result as unknown as Result);
  }
  const score = (r: Result) => r.lhr.categories.performance.score ?? 0;
  results.sort((a, b) => score(a) - score(b));
  const median = results[Math.floor(results.length / 2)];
  const value = (id: string) => median.lhr.audits[id].numericValue ?? NaN;
  console.log(
    `lighthouse (mobile), ${label}: performance ${Math.round(score(median) * 100)} ` +
      `(of ${results.map((r) => Math.round(score(r) * 100)).join(", ")}), ` +
      `LCP ${(value("largest-contentful-paint") / 1000).toFixed(1)} s, ` +
      `TBT ${Math.round(value("total-blocking-time"))} ms, ` +
      `CLS ${value("cumulative-layout-shift").toFixed(3)}, ` +
      `${(value("total-byte-weight") / 1024).toFixed(1)} KB transferred ` +
      `(budget: performance 90, LCP 2.5 s, TBT 300 ms, CLS 0.1)`,
  );
}

test("lighthouse", async ({ baseURL }) => {
  test.setTimeout(RUNS * 5 * 180_000);
  const dir = await mkdtemp(join(tmpdir(), "ngoso-lighthouse-"));
  const launch = base.use?.launchOptions ?? {};
  const browser: BrowserContext = await chromium.launchPersistentContext(dir, {
    executablePath: launch.executablePath,
    args: [...(launch.args ?? []), `--remote-debugging-port=${PORT}`],
    baseURL,
    locale: "vi-VN",
  });
  try {
    const page = browser.pages()[0] ?? (await browser.newPage());
    await audit("sign-in page", `${baseURL}/`);

    await signInAs(page, "admin");
    await audit("ward dashboard (ward admin)", `${baseURL}/phuong/619`);
    await audit("projector", `${baseURL}/phuong/619/trinh-chieu`);

    await browser.clearCookies();
    await signInAs(page, "volunteer");
    await audit("Hộ của tôi (volunteer)", `${baseURL}/ho-cua-toi`);
    await page.goto("/phuong/619");
    await page.getByRole("link", { name: "Tổ dân phố số 1", exact: true }).click();
    await page.locator("ul.households li a").first().click();
    await page.getByRole("link", { name: "Ghi nhận buổi hỗ trợ" }).click();
    await expect(page.getByRole("button", { name: "Lưu" })).toBeVisible();
    await audit("visit form (volunteer)", page.url());
  } finally {
    await browser.close();
    await rm(dir, { recursive: true, force: true });
  }
});
