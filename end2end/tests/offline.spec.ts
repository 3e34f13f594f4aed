import { Page } from "@playwright/test";
import { test, expect, vietnamDay } from "./clock";
import { spawn, ChildProcess } from "node:child_process";
import { mkdirSync, openSync } from "node:fs";
import { once } from "node:events";
import { PASSWORD, PHONES, signInAs } from "./accounts";
import { serverLog } from "../playwright.config";

// A volunteer in an alley with no signal: the app opens from the service worker, pages read
// what the phone keeps, visits wait in the outbox, and reach the server once each.

async function controlledBySW(page: Page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  // The first load installs the worker; from the next one on it answers.
  await page.reload();
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
}

/** What the phone's database holds: records in its outbox, households and person stores. */
async function kept(page: Page) {
  return page.evaluate(async () => {
    const db: IDBDatabase = await new Promise((ok, fail) => {
      const open = indexedDB.open("ngoso");
      open.onsuccess = () => ok(open.result);
      open.onerror = () => fail(open.error);
    });
    const count = (store: string) =>
      new Promise<number>((ok) => {
        if (!db.objectStoreNames.contains(store)) return ok(0);
        const req = db.transaction(store).objectStore(store).count();
        req.onsuccess = () => ok(req.result);
      });
    const counts = { outbox: await count("outbox"), households: await count("households"), person: await count("person") };
    // An open connection would hold up the app's own upgrade of the database.
    db.close();
    return counts;
  });
}

/** Waits until the first sync has brought the volunteer's TDP onto the phone. */
async function pulled(page: Page) {
  await expect.poll(async () => (await kept(page)).households, { timeout: 30_000 }).toBeGreaterThan(0);
}

/** Opens a household of the volunteer's TDP (online) and returns its id. */
async function openHousehold(page: Page, nth: number): Promise<string> {
  await page.goto("/");
  await page.getByRole("link", { name: "Tổ dân phố số 1", exact: true }).click();
  await page.locator("ul.households li a").nth(nth).click();
  await expect(page.getByRole("link", { name: "Ghi nhận buổi hỗ trợ" })).toBeVisible();
  return page.url().split("/ho/")[1];
}

async function recordVisit(page: Page, note: string) {
  await page.getByRole("link", { name: "Ghi nhận buổi hỗ trợ" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Ghi nhận buổi hỗ trợ" })).toBeVisible();
  await page.locator("fieldset", { hasText: "Người đi hỗ trợ" }).getByRole("checkbox").first().check();
  await page.getByLabel("Sử dụng điện thoại thông minh").first().selectOption("in_progress");
  await page.getByLabel("4 – Hài lòng").check();
  await page.getByLabel("Ghi chú").fill(note);
  await page.getByRole("button", { name: "Lưu" }).click();
  await expect(page.getByRole("heading", { level: 2, name: "Các lần đến thăm" })).toBeVisible();
}

/** How many of the household's visits on the server carry `tag` in their note. */
async function onServer(page: Page, household: string, tag: string, base = ""): Promise<number> {
  const res = await page.request.get(`${base}/api/v1/households/${household}`);
  expect(res.status()).toBe(200);
  const body = await res.json();
  return body.visits.filter((v: { note: string }) => v.note.includes(tag)).length;
}

test("five visits recorded offline survive a reopen and reach the server exactly once", async ({ page, context }) => {
  await signInAs(page, "volunteer");
  await page.goto("/");
  await controlledBySW(page);
  const badge = page.getByTestId("sync-badge");
  await expect(badge).toHaveText("Đã đồng bộ");
  const household = await openHousehold(page, 0);
  const tag = `offline-${Date.now()}`;
  await pulled(page);

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole("link", { name: "Ghi nhận buổi hỗ trợ" })).toBeVisible();
  for (let i = 1; i <= 5; i++) {
    await recordVisit(page, `${tag} #${i}`);
    await expect(badge).toHaveText(`${i} chưa đồng bộ`);
  }
  await expect(page.locator(".pending-visit")).toHaveCount(5);

  // Closed and opened again, still without signal: the visits are still waiting.
  await page.close();
  const again = await context.newPage();
  await again.goto(`/ho/${household}`);
  await expect(again.getByTestId("sync-badge")).toHaveText("5 chưa đồng bộ");
  await expect(again.locator(".pending-visit")).toHaveCount(5);
  // Search works from the phone's copy too.
  await again.getByRole("link", { name: "Tìm kiếm" }).click();
  await again.getByLabel("Tìm hộ gia đình hoặc người dân").fill("nguyen");
  await again.getByRole("button", { name: "Tìm" }).click();
  await expect(again.getByRole("heading", { level: 2, name: "Người dân" })).toBeVisible();

  await context.setOffline(false);
  await expect(again.getByTestId("sync-badge")).toHaveText("Đã đồng bộ");
  expect(await onServer(again, household, tag)).toBe(5);
  await again.goto(`/ho/${household}`);
  await expect(again.locator(".pending-visit")).toHaveCount(0);
  await expect(again.locator("li.visit", { hasText: tag })).toHaveCount(5);
});

test("signing out with unsent visits warns, then wipes the phone", async ({ page, context }) => {
  await signInAs(page, "volunteer");
  await page.goto("/");
  await controlledBySW(page);
  await openHousehold(page, 2);
  // The phone must hold the TDP before the signal goes: the visit is recorded from it.
  await pulled(page);
  await context.setOffline(true);
  await recordVisit(page, `wipe-${Date.now()}`);
  await expect(page.getByTestId("sync-badge")).toHaveText("1 chưa đồng bộ");

  await page.getByRole("button", { name: "Đăng xuất" }).click();
  const dialog = page.getByRole("alertdialog", { name: "Còn dữ liệu chưa gửi" });
  await expect(dialog).toContainText("Còn 1 lượt thăm");
  await dialog.getByRole("button", { name: "Quay lại" }).click();
  await expect(page.getByTestId("sync-badge")).toHaveText("1 chưa đồng bộ");

  await page.getByRole("button", { name: "Đăng xuất" }).click();
  await dialog.getByRole("button", { name: "Vẫn đăng xuất và xóa" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Đăng nhập" })).toBeVisible();
  expect(await kept(page)).toEqual({ outbox: 0, households: 0, person: 0 });

  // The server forgets the session once the signal is back, before anything else.
  await context.setOffline(false);
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: "Đăng nhập" })).toBeVisible();
  const session = await page.request.get("/api/v1/session");
  expect((await session.json()).user).toBeNull();
});

test.describe("with no service worker", () => {
  // The worker would answer with its own copy of the offline engine.
  test.use({ serviceWorkers: "block" });

  test("signing out wipes the phone even when the offline engine cannot be fetched", async ({ page }) => {
    await signInAs(page, "volunteer");
    await page.goto("/");
    await pulled(page);
    await page.route("**/split_offline.wasm", (route) => route.abort("internetdisconnected"));
    await page.reload();
    await expect(page.getByRole("heading", { level: 1, name: "Phường Phú Diễn" })).toBeVisible();
    expect((await kept(page)).households).toBeGreaterThan(0);

    await page.getByRole("button", { name: "Đăng xuất" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Đăng nhập" })).toBeVisible();
    expect(await kept(page)).toEqual({ outbox: 0, households: 0, person: 0 });
  });
});

// A server of its own, on its own data directory, that this test stops and starts again.
const RESTART_PORT = 3101;
const restartURL = `http://127.0.0.1:${RESTART_PORT}`;

function startServer(): ChildProcess {
  mkdirSync(serverLog.dir, { recursive: true });
  return spawn(
    "../target/debug/ngo-so",
    ["--demo", "--data-dir", "../target/e2e-restart", "--dist", "../dist", "--port", String(RESTART_PORT)],
    {
      stdio: ["ignore", "ignore", openSync(`${serverLog.dir}/e2e-restart.log`, "a")],
      env: { ...process.env, RUST_LOG: serverLog.RUST_LOG },
    },
  );
}

async function serving(page: Page) {
  await expect
    .poll(async () => (await page.request.get(`${restartURL}/api/v1/health`).catch(() => null))?.status(), {
      timeout: 120_000,
    })
    .toBe(200);
}

test("the server killed in the middle of a sync and started again ends with every visit once", async ({ page, context }) => {
  test.setTimeout(240_000);
  let server = startServer();
  try {
    await serving(page);
    const signIn = await page.request.post(`${restartURL}/api/v1/session`, {
      data: { phone: PHONES.volunteer, password: PASSWORD },
    });
    expect(signIn.status()).toBe(200);
    await page.goto(`${restartURL}/`);
    await controlledBySW(page);
    await page.getByRole("link", { name: "Tổ dân phố số 1", exact: true }).click();
    await page.locator("ul.households li a").first().click();
    const household = page.url().split("/ho/")[1];
    const tag = `restart-${Date.now()}`;
    await pulled(page);
    await context.setOffline(true);
    for (let i = 1; i <= 3; i++) await recordVisit(page, `${tag} #${i}`);
    const badge = page.getByTestId("sync-badge");
    await expect(badge).toHaveText("3 chưa đồng bộ");

    // The batch reaches the server, which is then killed before it can answer.
    let killed = false;
    await page.route("**/api/v1/wards/*/sync/visits", async (route) => {
      if (!killed) {
        await route.fetch();
        server.kill("SIGKILL");
        await once(server, "exit");
        killed = true;
      }
      await route.abort("connectionrefused");
    });
    await context.setOffline(false);
    await expect.poll(() => killed).toBe(true);
    await expect(badge).toHaveText("3 chưa đồng bộ");

    server = startServer();
    await serving(page);
    // What the server committed before it died is there after the restart.
    expect(await onServer(page, household, tag, restartURL)).toBe(3);
    await page.unroute("**/api/v1/wards/*/sync/visits");
    await badge.click();
    await page.getByRole("button", { name: "Đồng bộ ngay" }).click();
    await expect(badge).toHaveText("Đã đồng bộ");
    await expect(page.getByTestId("unsent")).toHaveText("Chưa gửi: 0 lượt thăm");
    expect(await onServer(page, household, tag, restartURL)).toBe(3);
  } finally {
    server.kill("SIGTERM");
    if (server.exitCode === null) await once(server, "exit");
  }
});

test.describe("on a phone whose clock is two days ahead", () => {
  test.use({ timezoneId: "Asia/Ho_Chi_Minh" });

  test("a visit recorded 'today' lands on the server's today, newest first", async ({ page, now }) => {
    await signInAs(page, "volunteer");
    await page.clock.install({ time: new Date(now.getTime() + 2 * 86_400_000) });
    const household = await openHousehold(page, 3);
    const tag = `clock-${Date.now()}`;
    await recordVisit(page, tag);
    await expect(page.getByTestId("sync-badge")).toHaveText("Đã đồng bộ");

    const res = await page.request.get(`/api/v1/households/${household}`);
    const visits: { note: string; visited_on: string }[] = (await res.json()).visits;
    expect(visits[0].note).toBe(tag);
    expect(visits[0].visited_on).toBe(vietnamDay(now));
  });
});

test("a team leader settles a conflict from the sync page", async ({ page, now }) => {
  await signInAs(page, "volunteer");
  const me = (await (await page.request.get("/api/v1/session")).json()).user;
  const tdp = me.grants[0].tdp_id;
  const [household] = await (await page.request.get(`/api/v1/tdps/${tdp}/households?limit=1`)).json();
  const { team } = await (await page.request.get(`/api/v1/tdps/${tdp}`)).json();
  const visit = {
    id: crypto.randomUUID(),
    household_id: household.id,
    visited_on: vietnamDay(now),
    volunteer_ids: [team[0].id],
    help: [],
    satisfaction: null,
    note: `first-${Date.now()}`,
  };
  const second = { ...visit, note: `second-${Date.now()}` };
  const sent = now.toISOString();
  const res = await page.request.post("/api/v1/wards/619/sync/visits", {
    data: { sent_at: sent, visits: [visit, second].map((v) => ({ recorded_at: sent, visit: v })) },
  });
  expect((await res.json()).map((o: { status: string }) => o.status)).toEqual(["stored", "conflict"]);

  await signInAs(page, "leader");
  await page.goto("/dong-bo");
  const item = page.locator("ul.conflicts li", { hasText: second.note });
  await expect(item).toContainText(visit.note);
  await item.getByRole("button", { name: "Giữ cả hai (là hai lượt thăm khác nhau)" }).click();
  await expect(page.locator("ul.conflicts li", { hasText: second.note })).toHaveCount(0);
  const after = await (await page.request.get(`/api/v1/households/${household.id}`)).json();
  const notes = after.visits.map((v: { note: string }) => v.note);
  expect(notes).toContain(visit.note);
  expect(notes).toContain(second.note);
});
