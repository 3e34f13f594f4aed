import { test, expect, chromium, Page } from "@playwright/test";
import { PASSWORD, PHONES, signInAs } from "./accounts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

async function serviceWorkerReady(page: Page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
}

test("the app is installable: manifest, icons and service worker", async ({ request, baseURL }) => {
  // Chromium never offers to install from an incognito-like context, which is what Playwright
  // gives by default: this test runs in a real profile.
  const profile = mkdtempSync(join(tmpdir(), "ngoso-pwa-"));
  const context = await chromium.launchPersistentContext(profile, {
    ...test.info().project.use.launchOptions,
    baseURL,
    locale: "vi-VN",
  });
  const page = await context.newPage();
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Đăng nhập" })).toBeVisible();
  await serviceWorkerReady(page);
  const cdp = await context.newCDPSession(page);
  const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
  expect(installabilityErrors).toEqual([]);
  const { url, errors } = await cdp.send("Page.getAppManifest");
  expect(url).toMatch(/\/manifest\.webmanifest$/);
  expect(errors).toEqual([]);
  await context.close();
  rmSync(profile, { recursive: true, force: true });

  const manifest = await request.get("/manifest.webmanifest");
  expect(manifest.headers()["content-type"]).toBe("application/manifest+json");
  const body = await manifest.json();
  expect(body.short_name).toBe("Ngõ Số");
  expect(body.display).toBe("standalone");
  expect(body.icons.map((i: { sizes: string; purpose: string }) => `${i.sizes} ${i.purpose}`)).toEqual([
    "192x192 any",
    "512x512 any",
    "512x512 maskable",
  ]);
  for (const icon of body.icons) {
    const res = await request.get(icon.src);
    expect(res.headers()["content-type"]).toBe("image/png");
  }
});

test("with no signal the app still opens, from the service worker's copy", async ({ page, context }) => {
  await page.goto("/");
  await serviceWorkerReady(page);
  // The first visit installs the worker; from the next load on it answers.
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: "Đăng nhập" })).toBeVisible();
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole("link", { name: "Ngõ Số" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 1, name: "Đăng nhập" })).toBeVisible();
  // A deep link opens too.
  await page.goto("/phuong/619");
  await expect(page.getByRole("link", { name: "Ngõ Số" })).toBeVisible();
  await context.setOffline(false);
});

test("API answers are never stored by the HTTP cache", async ({ request }) => {
  const res = await request.get("/api/v1/session");
  expect(res.headers()["cache-control"]).toBe("no-store");
});

test("robots.txt is a robots file, not the app, and keeps crawlers off the API", async ({ request }) => {
  const res = await request.get("/robots.txt");
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toContain("text/plain");
  expect(await res.text()).toMatch(/^User-agent: \*\nDisallow: \/api\/$/m);
});

test("a group of pages is fetched when one first opens: a notice meanwhile, an error without signal", async ({ page }) => {
  await signInAs(page, "admin");
  await page.goto("/phuong/619");
  await expect(page.getByRole("heading", { level: 1, name: "Phường Phú Diễn" })).toBeVisible();
  const nav = page.getByRole("navigation");
  await page.route("**/split_admin.wasm", (route) => route.abort("internetdisconnected"));
  await nav.getByRole("link", { name: "Nhật ký" }).click();
  await expect(page.getByRole("alert")).toHaveText("Không kết nối được máy chủ. Vui lòng kiểm tra mạng và thử lại.");
  // The app lives on, and the next page of the group fetches the code again.
  await page.unroute("**/split_admin.wasm");
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/split_admin.wasm", async (route) => {
    await held;
    await route.continue();
  });
  await nav.getByRole("link", { name: "Tài khoản" }).click();
  const notice = page.getByRole("status").filter({ hasText: "Đang tải…" });
  await expect(notice).toBeVisible();
  release();
  await expect(page.locator("ul.accounts > li").first()).toBeVisible();
  await expect(notice).toBeHidden();
});

test("an answer the app cannot read says so, rather than blaming the signal", async ({ page }) => {
  await signInAs(page, "viewer");
  // A server of another version, say: a success whose body is not what this app expects.
  await page.route("**/api/v1/wards/619/dashboard", (route) =>
    route.fulfill({ status: 200, contentType: "application/json", body: '{"ward": 619}' }),
  );
  await page.goto("/phuong/619");
  await expect(page.getByRole("alert")).toHaveText(
    "Ứng dụng không đọc được câu trả lời của máy chủ. Hãy đóng hẳn ứng dụng rồi mở lại để lấy bản mới.",
  );
  await page.unroute("**/api/v1/wards/619/dashboard");
  await page.reload();
  await expect(page.locator("table.tdps tbody tr")).toHaveCount(52);
});

test("a tap made while the start page loads is not undone when it goes on to the dashboard", async ({ page }) => {
  await signInAs(page, "volunteer");
  // The ward list the start page waits for, and the code of the page tapped, both held.
  const hold = async (url: string) => {
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(url, async (route) => {
      await held;
      await route.continue();
    });
    return release;
  };
  const wards = await hold("**/api/v1/wards");
  const field = await hold("**/split_field.wasm");
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Ngõ Số" })).toBeVisible();
  await page.getByRole("navigation").getByRole("link", { name: "Hộ của tôi" }).click();
  await expect(page.locator(".page-fetch")).toBeVisible();
  wards();
  // The start page lists the ward, where it would have gone on to the ward's dashboard.
  await expect(page.getByRole("link", { name: "Phường Phú Diễn – Thành phố Hà Nội" })).toBeVisible();
  field();
  await expect(page.getByRole("heading", { level: 1, name: "Hộ được giao cho tôi" })).toBeVisible();
  expect(new URL(page.url()).pathname).toBe("/ho-cua-toi");
});

test.describe("with no service worker", () => {
  // The worker fetches every chunk itself for offline use, out of the page's sight.
  test.use({ serviceWorkers: "block" });

  test("the offline engine comes after signing in; the app works without it, and syncs once it comes", async ({ page }) => {
    const engine = "**/split_offline.wasm";
    let fetches = 0;
    page.on("request", (r) => {
      if (r.url().endsWith("/split_offline.wasm")) fetches++;
    });
    await page.route(engine, (route) => route.abort("internetdisconnected"));
    await page.goto("/");
    await expect(page.getByRole("heading", { level: 1, name: "Đăng nhập" })).toBeVisible();
    expect(fetches).toBe(0);

    await page.getByLabel("Số điện thoại").fill(PHONES.volunteer);
    await page.getByLabel("Mật khẩu").fill(PASSWORD);
    await page.getByRole("button", { name: "Đăng nhập" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Phường Phú Diễn" })).toBeVisible();
    const badge = page.getByTestId("sync-badge");
    await expect(badge).toHaveText("Không có mạng");
    expect(fetches).toBeGreaterThan(0);

    await page.unroute(engine);
    await badge.click();
    await page.getByRole("button", { name: "Đồng bộ ngay" }).click();
    await expect(page.getByText(/^Lần đồng bộ gần nhất: /)).toBeVisible();
    await expect(badge).toHaveText("Đã đồng bộ");
  });
});
