import { Browser, Page } from "@playwright/test";
import { test, expect, vietnamDay, atInstant } from "./clock";
import { spawn, ChildProcess } from "node:child_process";
import { mkdirSync, openSync } from "node:fs";
import { once } from "node:events";
import { PASSWORD, PHONES, signInAs } from "./accounts";
import { serverLog } from "../playwright.config";
import { seriousViolations } from "./a11y";

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

/** A volunteer's phone, the service worker in control and their TDP pulled: the TDP's id. */
async function volunteerReady(page: Page): Promise<string> {
  await signInAs(page, "volunteer");
  await page.goto("/");
  await controlledBySW(page);
  await pulled(page);
  const me = (await (await page.request.get("/api/v1/session")).json()).user;
  return me.grants[0].tdp_id;
}

/** A volunteer's phone, its TDP pulled, at household `nth` of the TDP (online): the
 * household's id and what the server says of it. */
async function volunteerAt(page: Page, nth: number) {
  await signInAs(page, "volunteer");
  await page.goto("/");
  await controlledBySW(page);
  const household = await openHousehold(page, nth);
  await pulled(page);
  const body = await (await page.request.get(`/api/v1/households/${household}`)).json();
  return { household, ...body };
}

/** The first of `residents` the forms still offer, as the visit form lists them. */
function recordable(residents: Resident[]): Resident {
  return residents.find((r) => r.full_name && !r.departure && !r.consent_withdrawn)!;
}

type Resident = { id: string; full_name: string; birth_year: number; departure?: unknown; consent_withdrawn: boolean; achieved: string[] };

/** What the team leader does meanwhile, from their own phone: `PUT path` with `data`. */
async function asLeader(browser: Browser, path: string, data: object) {
  const phone = await browser.newContext();
  const leader = await phone.newPage();
  await signInAs(leader, "leader");
  const done = await leader.request.put(path, { data });
  expect(done.ok()).toBe(true);
  await phone.close();
}

/** The one change on the sync page that the server refused for `reason`. */
async function problemSaying(page: Page, reason: string) {
  await page.goto("/dong-bo");
  const problem = page.locator("li.problem", { hasText: reason });
  await expect(problem).toHaveCount(1);
  return problem;
}

/** Adds a household from the TDP page open in `page`, and opens its page. Returns its id. */
async function addHousehold(page: Page, address: string, head: string): Promise<string> {
  await page.getByRole("button", { name: "Thêm hộ mới" }).click();
  await page.getByLabel("Địa chỉ (số nhà, ngõ, đường)").fill(address);
  await page.getByLabel("Họ tên chủ hộ").fill(head);
  await page.getByLabel("Người cao tuổi sống một mình").check();
  await page.getByRole("button", { name: "Lưu hộ" }).click();
  await expect(page.getByRole("heading", { level: 1, name: head })).toBeVisible();
  return page.url().split("/ho/")[1];
}

/** Adds a resident, with their consent, from the household page open in `page`. */
async function addResident(page: Page, name: string, year: number) {
  await page.getByRole("button", { name: "Thêm thành viên" }).click();
  await page.getByLabel("Họ và tên").fill(name);
  await page.getByLabel("Năm sinh").fill(String(year));
  await page.getByLabel("Người dân đã nghe mục đích trên và đồng ý").check();
  await page.getByRole("button", { name: "Lưu thành viên" }).click();
  await expect(page.getByRole("link", { name, exact: true })).toBeVisible();
}

/** Puts entries into the phone's outbox by their keys, as an older version of the app left them. */
async function putInOutbox(page: Page, entries: [string, object][]) {
  await page.evaluate(async (entries) => {
    const db: IDBDatabase = await new Promise((ok, fail) => {
      const open = indexedDB.open("ngoso");
      open.onsuccess = () => ok(open.result);
      open.onerror = () => fail(open.error);
    });
    await new Promise((ok, fail) => {
      const tx = db.transaction("outbox", "readwrite");
      for (const [key, value] of entries) tx.objectStore("outbox").put(value, key);
      tx.oncomplete = ok;
      tx.onerror = () => fail(tx.error);
    });
    db.close();
  }, entries.map(([key, value]): [string, string] => [key, JSON.stringify(value)]));
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

test("a household, its residents, a visit, a ticket and a class's attendance taken with no signal reach the server in one round", async ({ page, context, now }) => {
  await signInAs(page, "volunteer");
  await page.goto("/");
  await controlledBySW(page);
  await pulled(page);
  // The TDP's class for older people this week, kept on the phone with the TDP.
  const week = await (await page.request.get(`/api/v1/wards/619/activities?from=${vietnamDay(now)}&to=${vietnamDay(now, 6)}`)).json();
  const lesson = week.find((a: { title: string }) => a.title === "Cài và dùng VNeID cho người cao tuổi – tổ 1");
  expect(lesson).toBeTruthy();
  await page.getByRole("link", { name: "Tổ dân phố số 1", exact: true }).click();
  // The dashboard has figures of the same shape: wait for the TDP's page.
  await expect(page.getByRole("button", { name: "Thêm hộ mới" })).toBeVisible();
  const visited = page.locator(".card-note").first();
  const visitedBefore = Number((await visited.textContent())!.split("/")[0].trim());
  const tdpPage = page.url();
  const tag = `door-${Date.now()}`;

  await context.setOffline(true);
  await page.reload();
  // A form with nothing in it says what is missing, next to the field.
  await page.getByRole("button", { name: "Thêm hộ mới" }).click();
  await page.getByRole("button", { name: "Lưu hộ" }).click();
  await expect(page.locator("#household-address-error")).toHaveText("Trường này là bắt buộc.");
  await page.getByRole("button", { name: "Huỷ" }).click();
  const household = await addHousehold(page, `Số 7 ngõ ${tag}`, "Nguyễn Văn Lộc");
  await addResident(page, "Nguyễn Văn Lộc", 1956);
  await addResident(page, "Trần Thị Bình", 2001);
  await recordVisit(page, tag);
  // A problem the volunteer could not solve at the door, escalated with no signal.
  await page.getByRole("link", { name: "Nhờ tổ ứng cứu" }).click();
  await page.getByLabel("Người cần hỗ trợ").selectOption({ label: "Trần Thị Bình (2001)" });
  await page.getByLabel("Vướng mắc là gì").fill(`Không nhận được OTP ${tag}`);
  await page.getByLabel("Đã thử những gì, lỗi báo ra sao").fill("Đã thử hai lần, không có tin nhắn.");
  await page.getByRole("button", { name: "Gửi tổ ứng cứu" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Nguyễn Văn Lộc" })).toBeVisible();
  // She comes to the class tonight: her name goes on its attendance.
  await page.goto(`/hoat-dong/${lesson.id}`);
  await expect(page.getByRole("heading", { level: 1, name: lesson.title })).toBeVisible();
  const attendees = page.locator("ul.attendees li", { hasText: `Số 7 ngõ ${tag}` });
  await page.getByLabel(/Thêm người dự/).fill("Trần Thị Bình");
  await page.getByRole("button", { name: "Tìm", exact: true }).click();
  await page.locator("li", { hasText: `Số 7 ngõ ${tag}` }).getByRole("button", { name: "Thêm Trần Thị Bình" }).click();
  await expect(attendees).toHaveCount(1);
  await expect(page.locator(".attendance-count")).toHaveText(`${lesson.attendees + lesson.unregistered + 1}/${lesson.capacity} người dự`);
  const badge = page.getByTestId("sync-badge");
  await expect(badge).toHaveText("6 chưa đồng bộ");
  await page.reload();
  await expect(attendees).toContainText("Trần Thị Bình");
  await page.goto(`/ho/${household}`);
  // The head of the household will guide the others.
  const head = page.locator("main ul.list > li", { hasText: "Nguyễn Văn Lộc" });
  await head.getByRole("button", { name: "Chọn làm người hướng dẫn" }).click();
  await expect(head.getByRole("button", { name: "Người hướng dẫn gia đình" })).toHaveAttribute("aria-pressed", "true");
  await expect(badge).toHaveText("7 chưa đồng bộ");

  // Opened again with no signal: all of it is there, from the phone.
  await page.reload();
  await expect(head.getByRole("button", { name: "Người hướng dẫn gia đình" })).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByRole("heading", { level: 1, name: "Nguyễn Văn Lộc" })).toBeVisible();
  await expect(page.getByText(`Số 7 ngõ ${tag}`)).toBeVisible();
  await expect(page.getByRole("link", { name: "Trần Thị Bình", exact: true })).toBeVisible();
  await expect(page.locator(".pending-visit")).toHaveCount(1);
  // Found by search from the phone's copy (the TDP's list shows a page of many).
  await page.getByRole("link", { name: "Tìm kiếm" }).click();
  await page.getByLabel("Tìm hộ gia đình hoặc người dân").fill(tag);
  await page.getByRole("button", { name: "Tìm" }).click();
  await expect(page.locator("main li", { hasText: `Số 7 ngõ ${tag}` })).toHaveCount(1);

  await context.setOffline(false);
  await expect(badge).toHaveText("Đã đồng bộ");
  const res = await page.request.get(`/api/v1/households/${household}`);
  expect(res.status()).toBe(200);
  const stored = await res.json();
  expect(stored.address).toBe(`Số 7 ngõ ${tag}`);
  expect(stored.priority.elderly_alone).toBe(true);
  expect(stored.residents.map((r: { full_name: string }) => r.full_name).sort()).toEqual(["Nguyễn Văn Lộc", "Trần Thị Bình"]);
  expect(stored.visits.map((v: { note: string }) => v.note)).toEqual([tag]);
  expect(stored.guide_id).toBe(stored.residents.find((r: { full_name: string }) => r.full_name === "Nguyễn Văn Lộc").id);
  const queue = await (await page.request.get("/api/v1/wards/619/tickets")).json();
  const escalated = queue.filter((t: { title: string }) => t.title.includes(tag));
  expect(escalated.map((t: { household_id: string }) => t.household_id)).toEqual([household]);
  const { attendees: came } = await (await page.request.get(`/api/v1/activities/${lesson.id}`)).json();
  expect(came.filter((a: { household_address: string }) => a.household_address === `Số 7 ngõ ${tag}`).map((a: { full_name: string }) => a.full_name)).toEqual(["Trần Thị Bình"]);
  await page.goto(tdpPage);
  await expect(visited).toHaveText(new RegExp(`^${visitedBefore + 1} /`));
});

test("a visit left in the outbox by the app's previous version is still sent", async ({ page, now }) => {
  await signInAs(page, "volunteer");
  const household = await openHousehold(page, 1);
  await pulled(page);
  const { tdp } = await (await page.request.get(`/api/v1/households/${household}`)).json();
  const { team } = await (await page.request.get(`/api/v1/tdps/${tdp.id}`)).json();
  const tag = `old-outbox-${Date.now()}`;
  const id = crypto.randomUUID();
  // The shape versions before the mixed outbox kept: a visit and when it was recorded.
  const entry = {
    ward: 619,
    item: {
      recorded_at: now.toISOString(),
      visit: {
        id, household_id: household, visited_on: vietnamDay(now), volunteer_ids: [team[0].id],
        help: [], satisfaction: null, note: tag,
      },
    },
    problem: null,
  };
  await putInOutbox(page, [[id, entry]]);
  await page.reload();
  await expect.poll(() => onServer(page, household, tag)).toBe(1);
  await expect.poll(async () => (await kept(page)).outbox).toBe(0);
});

test("adding someone already in the register shows them, with or without signal", async ({ page, context }) => {
  await signInAs(page, "volunteer");
  await page.goto("/");
  await controlledBySW(page);
  await pulled(page);
  const me = (await (await page.request.get("/api/v1/session")).json()).user;
  const [first] = await (await page.request.get(`/api/v1/tdps/${me.grants[0].tdp_id}/households?limit=1`)).json();
  const { residents } = await (await page.request.get(`/api/v1/households/${first.id}`)).json();
  const { full_name: name, birth_year: year } = residents[0];
  // As a hurried thumb types it: no diacritics.
  const plain = name.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D");
  expect(plain).not.toBe(name);
  const household = await openHousehold(page, 1);

  const warn = async () => {
    await page.getByRole("button", { name: "Thêm thành viên" }).click();
    await page.getByLabel("Họ và tên").fill(plain);
    await page.getByLabel("Năm sinh").fill(String(year));
    await page.getByLabel("Người dân đã nghe mục đích trên và đồng ý").check();
    await page.getByRole("button", { name: "Lưu thành viên" }).click();
    const notice = page.getByTestId("likely-duplicates");
    await expect(notice).toContainText("Có thể đã có trong sổ:");
    await expect(notice.getByRole("link", { name: `${name} (${year})` }).first()).toBeVisible();
  };
  await warn();
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole("button", { name: "Vẫn thêm mới" }).click();
  await expect(page.getByRole("link", { name: plain, exact: true })).toBeVisible();
  await expect(page.getByTestId("sync-badge")).toHaveText("Đã đồng bộ");

  // With no signal the phone's own copy answers.
  await context.setOffline(true);
  await page.goto(`/ho/${household}`);
  await warn();
  await page.getByRole("button", { name: "Huỷ" }).click();
  await context.setOffline(false);

  // Added all the same: the team leader sees the pair, and says they are two people.
  await signInAs(page, "leader");
  await page.goto("/dong-bo");
  // Newest first; a data folder kept from an earlier run may hold older pairs.
  const pairs = page.locator("ul.duplicates li", { hasText: plain });
  await expect(pairs.first()).toContainText(`${name} (${year})`);
  const open = await pairs.count();
  await pairs.first().getByRole("button", { name: "Không trùng, giữ cả hai" }).click();
  await expect(pairs).toHaveCount(open - 1);
});

test("a team leader merges a resident entered twice into the one already there", async ({ page }) => {
  await signInAs(page, "volunteer");
  const me = (await (await page.request.get("/api/v1/session")).json()).user;
  const list = await (await page.request.get(`/api/v1/tdps/${me.grants[0].tdp_id}/households?limit=5`)).json();
  const household = list[4].id;
  const read = async () => (await (await page.request.get(`/api/v1/households/${household}`)).json()).residents;
  const [kept] = await read();
  const plain = kept.full_name.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D");
  // Entered again at the door, without diacritics, past the warning.
  const copy = await page.request.post("/api/v1/wards/619/residents", {
    data: { household_id: household, full_name: plain, birth_year: kept.birth_year, gender: kept.gender, consent: true },
  });
  expect(copy.status()).toBe(201);
  const copyId = (await copy.json()).id;
  const entered = (await read()).length;

  await signInAs(page, "leader");
  await page.goto("/dong-bo");
  const pair = page.locator("ul.duplicates li", { hasText: plain }).filter({ hasText: `${kept.full_name} (${kept.birth_year})` });
  await expect(pair).toHaveCount(1);
  await pair.getByRole("button", { name: "Gộp vào người đã có" }).click();
  await expect(pair.getByRole("group", { name: "Gộp vào người đã có" })).toContainText("bản ghi mới bị xóa");
  expect(await seriousViolations(page)).toEqual([]);
  await pair.getByRole("button", { name: "Gộp", exact: true }).click();
  await expect(pair).toHaveCount(0);

  expect((await page.request.get(`/api/v1/residents/${copyId}`)).status()).toBe(404);
  expect((await read()).length).toBe(entered - 1);
  await page.goto(`/ho/${household}`);
  await expect(page.getByRole("link", { name: kept.full_name, exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: plain, exact: true })).toHaveCount(0);
});

test("a team leader merges a household entered twice: its people go to the one already there", async ({ page }) => {
  await signInAs(page, "volunteer");
  const me = (await (await page.request.get("/api/v1/session")).json()).user;
  const tdp = me.grants[0].tdp_id;
  const list = await (await page.request.get(`/api/v1/tdps/${tdp}/households?limit=7`)).json();
  const kept = await (await page.request.get(`/api/v1/households/${list[6].id}`)).json();
  // The same house added again from another phone, with the one person met there.
  const copy = await page.request.post("/api/v1/wards/619/households", {
    data: { tdp_id: tdp, address: kept.address, head_name: "Đỗ Văn Trùng", priority: { elderly_alone: false, disability: false, poverty: "none" } },
  });
  expect(copy.status()).toBe(201);
  const copyId = (await copy.json()).id;
  const person = await page.request.post("/api/v1/wards/619/residents", {
    data: { household_id: copyId, full_name: "Đỗ Văn Trùng", birth_year: 1961, gender: "male", consent: true },
  });
  expect(person.status()).toBe(201);

  await signInAs(page, "leader");
  await page.goto("/dong-bo");
  const pair = page.locator("ul.duplicates li", { hasText: "Đỗ Văn Trùng" }).filter({ hasText: kept.head_name });
  await expect(pair).toHaveCount(1);
  await pair.getByRole("button", { name: "Gộp vào hộ đã có" }).click();
  await expect(pair.getByRole("group", { name: "Gộp vào hộ đã có" })).toContainText("hộ mới bị xóa");
  await pair.getByRole("button", { name: "Gộp", exact: true }).click();
  await expect(pair).toHaveCount(0);

  expect((await page.request.get(`/api/v1/households/${copyId}`)).status()).toBe(404);
  await page.goto(`/ho/${kept.id}`);
  await expect(page.getByRole("link", { name: "Đỗ Văn Trùng", exact: true })).toBeVisible();
  for (const r of kept.residents.filter((r: { full_name: string }) => r.full_name)) {
    await expect(page.getByRole("link", { name: r.full_name, exact: true })).toBeVisible();
  }
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
  await expect(dialog).toContainText("Còn 1 mục");
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
    const tag = `restart-${Date.now()}`;
    await pulled(page);
    // A mixed outbox: a household, its resident and visits to it.
    await context.setOffline(true);
    const household = await addHousehold(page, `Số 1 ngõ ${tag}`, "Phạm Thị Hoa");
    await addResident(page, "Phạm Thị Hoa", 1950);
    for (let i = 1; i <= 3; i++) await recordVisit(page, `${tag} #${i}`);
    const badge = page.getByTestId("sync-badge");
    await expect(badge).toHaveText("5 chưa đồng bộ");

    // The batch reaches the server, which is then killed before it can answer.
    let killed = false;
    await page.route("**/api/v1/wards/*/sync/outbox", async (route) => {
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
    await expect(badge).toHaveText("5 chưa đồng bộ");

    server = startServer();
    await serving(page);
    // What the server committed before it died is there after the restart.
    expect(await onServer(page, household, tag, restartURL)).toBe(3);
    await page.unroute("**/api/v1/wards/*/sync/outbox");
    await badge.click();
    await page.getByRole("button", { name: "Đồng bộ ngay" }).click();
    await expect(badge).toHaveText("Đã đồng bộ");
    await expect(page.getByTestId("unsent")).toHaveText("Chưa gửi: 0 mục");
    // Record by record: the household once, its one resident, each visit once.
    expect(await onServer(page, household, tag, restartURL)).toBe(3);
    const stored = await (await page.request.get(`${restartURL}/api/v1/households/${household}`)).json();
    expect(stored.residents.map((r: { full_name: string }) => r.full_name)).toEqual(["Phạm Thị Hoa"]);
    const found = await (await page.request.get(`${restartURL}/api/v1/wards/619/search?q=${tag}`)).json();
    expect(found.households.map((h: { id: string }) => h.id)).toEqual([household]);
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

test("two phones edit one resident offline: both edits are kept, the same field is the leader's to settle", async ({ page, context, browser, instant }) => {
  test.setTimeout(180_000);
  const tag = `edit-${Date.now()}`;
  // Phone A: the volunteer. Phone B: the team leader of the same TDP.
  await signInAs(page, "volunteer");
  await page.goto("/");
  await controlledBySW(page);
  const household = await openHousehold(page, 6);
  await pulled(page);
  const phoneB = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: "vi-VN" });
  await atInstant(phoneB, instant);
  const leader = await phoneB.newPage();
  await signInAs(leader, "leader");
  await leader.goto("/");
  await controlledBySW(leader);
  await pulled(leader);
  await leader.goto(`/ho/${household}`);
  await expect(leader.getByRole("link", { name: "Ghi nhận buổi hỗ trợ" })).toBeVisible();

  const before = await (await page.request.get(`/api/v1/households/${household}`)).json();
  const resident = before.residents.find((r: { full_name: string; departure?: unknown }) => r.full_name && !r.departure);
  const year: number = resident.birth_year;
  const name = `Lê Thị Sửa ${tag}`;
  const row = (p: Page, who: string) => p.locator("main ul.list > li", { hasText: who });
  const editResident = async (p: Page, who: string, fill: (form: ReturnType<Page["locator"]>) => Promise<void>) => {
    await row(p, who).getByRole("button", { name: "Sửa", exact: true }).click();
    const form = row(p, who).locator("form");
    await fill(form);
    await form.getByRole("button", { name: "Lưu thay đổi" }).click();
    await expect(form).toHaveCount(0);
  };

  await context.setOffline(true);
  await phoneB.setOffline(true);
  // A: the household's address and the resident's name.
  await page.getByRole("button", { name: "Sửa thông tin hộ" }).click();
  await page.getByLabel("Địa chỉ (số nhà, ngõ, đường)").fill(`Số 21 ngõ ${tag}`);
  await page.getByRole("button", { name: "Lưu thay đổi" }).click();
  await expect(page.locator(".subtitle")).toHaveText(`Số 21 ngõ ${tag}`);
  await editResident(page, resident.full_name, (form) => form.getByLabel("Họ và tên").fill(name));
  // B: the same resident's birth year.
  await editResident(leader, resident.full_name, (form) => form.getByLabel("Năm sinh").fill(String(year - 1)));
  // Each phone, opened again with no signal, shows its own edits.
  await page.reload();
  await expect(row(page, name)).toContainText(String(year));
  await expect(page.locator("section.history")).toContainText("Xem lịch sử thay đổi khi có mạng.");
  await expect(page.locator(".subtitle")).toHaveText(`Số 21 ngõ ${tag}`);
  await leader.reload();
  await expect(row(leader, resident.full_name)).toContainText(String(year - 1));

  await context.setOffline(false);
  await expect(page.getByTestId("sync-badge")).toHaveText("Đã đồng bộ");
  await phoneB.setOffline(false);
  await expect(leader.getByTestId("sync-badge")).toHaveText("Đã đồng bộ");
  const merged = await (await page.request.get(`/api/v1/residents/${resident.id}`)).json();
  expect([merged.full_name, merged.birth_year]).toEqual([name, year - 1]);
  expect((await (await page.request.get(`/api/v1/households/${household}`)).json()).address).toBe(`Số 21 ngõ ${tag}`);
  // The household's history shows both, each field from what to what.
  await leader.reload();
  const history = leader.locator("section.history");
  await expect(history).toContainText(`Năm sinh: ${year} → ${year - 1}`);
  await expect(history).toContainText(`Họ và tên: ${resident.full_name} → ${name}`);

  // Both edit the note offline; B's is made later and reaches the server first.
  await context.setOffline(true);
  await phoneB.setOffline(true);
  await page.reload();
  await editResident(page, name, (form) => form.getByLabel("Ghi chú").fill(`Hẹn thứ Bảy ${tag}`));
  await leader.reload();
  await editResident(leader, name, (form) => form.getByLabel("Ghi chú").fill(`Hẹn Chủ nhật ${tag}`));
  await phoneB.setOffline(false);
  await expect(leader.getByTestId("sync-badge")).toHaveText("Đã đồng bộ");
  await context.setOffline(false);
  await expect(page.getByTestId("sync-badge")).toHaveText("Đã đồng bộ");
  const noteOf = async () => (await (await page.request.get(`/api/v1/residents/${resident.id}`)).json()).note;
  expect(await noteOf()).toBe(`Hẹn Chủ nhật ${tag}`);

  // The team leader sees both values and takes the other one.
  await leader.goto("/dong-bo");
  const conflict = leader.locator("ul.edit-conflicts li", { hasText: `Hẹn thứ Bảy ${tag}` });
  await expect(conflict).toContainText("Ghi chú");
  await expect(conflict).toContainText(`Hẹn Chủ nhật ${tag}`);
  expect(await seriousViolations(leader)).toEqual([]);
  await conflict.getByRole("button", { name: "Dùng bản còn lại" }).click();
  await expect(conflict).toHaveCount(0);
  expect(await noteOf()).toBe(`Hẹn thứ Bảy ${tag}`);
  await phoneB.close();
});

test("a resident moved to another household with no signal takes their history, and both households tell of it", async ({ page, context }) => {
  test.setTimeout(120_000);
  await signInAs(page, "volunteer");
  await page.goto("/");
  await controlledBySW(page);
  const to = await openHousehold(page, 9);
  const from = await openHousehold(page, 8);
  await pulled(page);
  const read = async (path: string) => (await page.request.get(`/api/v1/${path}`)).json();
  const [left, joined] = [await read(`households/${from}`), await read(`households/${to}`)];
  const resident = left.residents.find((r: { full_name: string; departure?: unknown }) => r.full_name && !r.departure);
  const helped = (await read(`residents/${resident.id}`)).history.length;
  const row = (who: string) => page.locator("main ul.list > li", { hasText: who });

  await context.setOffline(true);
  await row(resident.full_name).getByRole("button", { name: "Chuyển sang hộ khác" }).click();
  await row(resident.full_name).getByLabel("Tìm hộ mới theo địa chỉ (trong phường)").fill(joined.address);
  await row(resident.full_name).getByRole("button", { name: "Tìm", exact: true }).click();
  await page.getByRole("button", { name: `Chuyển đến hộ này ${joined.address}` }).click();
  await expect(row(resident.full_name)).toHaveCount(0);
  // Opened again with no signal, the phone shows them where they went.
  await page.goto(`/ho/${to}`);
  await expect(page.getByRole("link", { name: resident.full_name, exact: true })).toBeVisible();
  await expect(page.getByTestId("sync-badge")).toContainText("1 chưa đồng bộ");

  await context.setOffline(false);
  await expect(page.getByTestId("sync-badge")).toHaveText("Đã đồng bộ");
  const moved = await read(`residents/${resident.id}`);
  expect(moved.household_id).toBe(to);
  expect(moved.history.length).toBe(helped);
  await page.goto(`/ho/${from}`);
  await expect(page.locator("section.history")).toContainText(`Hộ: ${left.address} → ${joined.address}`);
  await expect(page.getByRole("link", { name: resident.full_name, exact: true })).toHaveCount(0);
  expect(await seriousViolations(page)).toEqual([]);
});

test("a visit corrected with no signal takes the wrong one's place, on the phone and on the server", async ({ page, context }) => {
  test.setTimeout(120_000);
  await signInAs(page, "volunteer");
  await page.goto("/");
  await controlledBySW(page);
  const household = await openHousehold(page, 10);
  await pulled(page);
  const tag = `sua-${Date.now()}`;
  await recordVisit(page, tag);
  // Its visits, not those waiting on the phone.
  const wrong = page.locator("li.visit:not(.pending-visit)", { hasText: tag });
  await expect(wrong).toContainText("Sử dụng điện thoại thông minh – Đang hướng dẫn");
  const tagged = async () =>
    (await (await page.request.get(`/api/v1/households/${household}`)).json()).visits.filter(
      (v: { note: string }) => v.note === tag,
    );
  const [{ id: old }] = await tagged();

  await context.setOffline(true);
  await page.reload();
  await wrong.getByRole("link", { name: "Sửa lượt thăm" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Sửa lượt thăm" })).toBeVisible();
  // The form says what the visit said.
  await expect(page.locator("fieldset", { hasText: "Người đi hỗ trợ" }).getByRole("checkbox").first()).toBeChecked();
  const skill = page.getByLabel("Sử dụng điện thoại thông minh").first();
  await expect(skill).toHaveValue("in_progress");
  await expect(page.getByLabel("4 – Hài lòng")).toBeChecked();
  await expect(page.getByLabel("Ghi chú")).toHaveValue(tag);
  await skill.selectOption("achieved");
  await page.getByRole("button", { name: "Lưu bản sửa" }).click();
  await expect(page.locator("#reason-error")).toHaveText("Trường này là bắt buộc.");
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByLabel("Lý do sửa").fill("Bà đã tự cài được");
  await page.getByRole("button", { name: "Lưu bản sửa" }).click();
  await expect(page.getByRole("heading", { level: 2, name: "Các lần đến thăm" })).toBeVisible();
  await expect(wrong).toHaveCount(0);
  await expect(page.locator(".pending-visit", { hasText: tag })).toHaveCount(1);
  await expect(page.getByTestId("sync-badge")).toHaveText("1 chưa đồng bộ");

  await context.setOffline(false);
  await expect(page.getByTestId("sync-badge")).toHaveText("Đã đồng bộ");
  const now = await tagged();
  expect(now.length).toBe(1);
  expect(now[0].id).not.toBe(old);
  expect(now[0].help[0].outcome).toBe("achieved");
  expect((await page.request.get(`/api/v1/visits/${old}`)).status()).toBe(404);
  await page.goto(`/ho/${household}`);
  await expect(page.locator("li.visit", { hasText: tag })).toContainText("Sử dụng điện thoại thông minh – Đã đạt");
});

test("a team leader confirms what a class learnt with no signal, and it reaches the server", async ({ page, context }) => {
  test.setTimeout(120_000);
  await signInAs(page, "leader");
  await page.goto("/");
  await controlledBySW(page);
  await pulled(page);
  await page.goto("/phuong/619/hoat-dong");
  const title = `Lớp VNeID không sóng ${Date.now()}`;
  await page.getByLabel("Tên hoạt động").fill(title);
  await page.getByLabel("Địa điểm").fill("Nhà văn hoá tổ 1");
  await page.getByLabel("Người/đơn vị tổ chức").fill("Tổ công nghệ số tổ 1");
  await page.getByLabel("Ứng dụng của thành phố (iHanoi)").check();
  await page.getByRole("button", { name: "Lên lịch hoạt động" }).click();
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  const activity = page.url().split("/hoat-dong/")[1];
  // Taking attendance goes through the phone, which then keeps the class.
  await page.getByLabel(/Thêm người dự/).fill("nguyen");
  await page.getByRole("button", { name: "Tìm", exact: true }).click();
  await page.getByRole("button", { name: /^Thêm / }).first().click();
  const attendee = page.locator("ul.attendees li a");
  await expect(attendee).toHaveCount(1);
  const name = (await attendee.textContent())!;

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  // Not there yet: on their way.
  await page.getByLabel(`${name} đã làm được`).uncheck();
  await page.getByRole("button", { name: "Xác nhận và cập nhật kỹ năng" }).click();
  await expect(page.getByRole("status")).toHaveText("Đã cập nhật kỹ năng của người tham dự.");
  await expect(page.getByTestId("sync-badge")).toHaveText("1 chưa đồng bộ");
  // Opened again with no signal, the page shows what was confirmed.
  await page.reload();
  await expect(page.getByLabel(`${name} đã làm được`)).not.toBeChecked();

  await context.setOffline(false);
  await expect(page.getByTestId("sync-badge")).toHaveText("Đã đồng bộ");
  const stored = await (await page.request.get(`/api/v1/activities/${activity}`)).json();
  expect(stored.activity.confirmed_at).toBeTruthy();
  expect(stored.attendees.map((a: { outcome: string }) => a.outcome)).toEqual(["in_progress"]);
});

test("a digital ambassador registered as the signal goes is kept on the phone and sent later", async ({ page, context }) => {
  await signInAs(page, "volunteer");
  await page.goto("/");
  await controlledBySW(page);
  const household = await openHousehold(page, 11);
  const { residents } = await (await page.request.get(`/api/v1/households/${household}`)).json();
  // Someone no other journey made an ambassador meanwhile.
  let resident: { id: string } | undefined;
  for (const r of residents.filter((r: { departure?: unknown; consent_withdrawn: boolean }) => !r.departure && !r.consent_withdrawn)) {
    const full = await (await page.request.get(`/api/v1/residents/${r.id}`)).json();
    if (!full.mentor_id) {
      resident = r;
      break;
    }
  }
  expect(resident).toBeDefined();
  await page.goto(`/nguoi/${resident!.id}`);
  const section = page.locator("section.ambassador");
  await expect(section.getByRole("button", { name: "Đăng ký làm Đại sứ số" })).toBeVisible();

  await context.setOffline(true);
  await section.getByRole("button", { name: "Đăng ký làm Đại sứ số" }).click();
  await expect(section.getByRole("status")).toHaveText("Đã lưu trên máy này; sẽ gửi lên khi có mạng.");
  await expect(page.getByTestId("sync-badge")).toHaveText("1 chưa đồng bộ");

  await context.setOffline(false);
  await expect(page.getByTestId("sync-badge")).toHaveText("Đã đồng bộ");
  const stored = await (await page.request.get(`/api/v1/residents/${resident!.id}`)).json();
  expect(stored.mentor_id).toBeTruthy();
  await page.reload();
  await expect(section).toContainText("Là Đại sứ số.");
  // Withdrawn again, with signal: the page says so at once.
  await section.getByRole("button", { name: "Thôi làm Đại sứ số" }).click();
  await expect(section.getByRole("button", { name: "Đăng ký làm Đại sứ số" })).toBeVisible();
});

test("a visit the server refuses once the signal is back is edited from the sync page and sent again", async ({ page, context, browser, now }) => {
  test.setTimeout(120_000);
  const { household, residents } = await volunteerAt(page, 12);
  // The first resident the visit form lists: the one the visit helps.
  const helped = recordable(residents);
  const tag = `gui-lai-${Date.now()}`;

  await context.setOffline(true);
  await page.reload();
  await recordVisit(page, tag);
  await expect(page.getByTestId("sync-badge")).toHaveText("1 chưa đồng bộ");
  // Meanwhile the team leader records that this resident moved away.
  await asLeader(browser, `/api/v1/residents/${helped.id}/departure`, {
    departure: { on: vietnamDay(now), reason: "moved_out" },
  });

  // Back in signal: the server refuses the visit, and says why.
  await context.setOffline(false);
  const problem = await problemSaying(page, "Người này đã chuyển khỏi phường hoặc đã mất");
  expect(await seriousViolations(page)).toEqual([]);
  await problem.getByRole("link", { name: "Sửa và gửi lại" }).click();
  // The form holds what was recorded, without the one who left.
  await expect(page.getByRole("heading", { level: 1, name: "Ghi nhận buổi hỗ trợ" })).toBeVisible();
  await expect(page.getByLabel("Ghi chú")).toHaveValue(tag);
  await expect(page.getByLabel("4 – Hài lòng")).toBeChecked();
  await page.getByRole("button", { name: "Lưu" }).click();
  await expect(page.getByRole("heading", { level: 2, name: "Các lần đến thăm" })).toBeVisible();
  await expect(page.getByTestId("sync-badge")).toHaveText("Đã đồng bộ");
  const { visits } = await (await page.request.get(`/api/v1/households/${household}`)).json();
  const sent = visits.filter((v: { note: string }) => v.note === tag);
  expect(sent.length).toBe(1);
  expect(sent[0].help.map((h: { resident_id: string }) => h.resident_id)).not.toContain(helped.id);
  await page.goto("/dong-bo");
  await expect(page.locator("li.problem")).toHaveCount(0);
});

test("a ticket about someone who withdrew their consent meanwhile is edited from the sync page and sent again", async ({ page, context, browser }) => {
  test.setTimeout(120_000);
  const { household, residents } = await volunteerAt(page, 13);
  const named = recordable(residents);
  const tag = `phieu-gui-lai-${Date.now()}`;

  await context.setOffline(true);
  await page.reload();
  await page.getByRole("link", { name: "Nhờ tổ ứng cứu" }).click();
  await page.getByLabel("Người cần hỗ trợ").selectOption({ label: `${named.full_name} (${named.birth_year})` });
  await page.getByLabel("Vướng mắc là gì").fill(`Quên mật khẩu VNeID ${tag}`);
  await page.getByLabel("Đã thử những gì, lỗi báo ra sao").fill("Đã thử khôi phục, không nhận được mã.");
  await page.getByRole("button", { name: "Gửi tổ ứng cứu" }).click();
  await expect(page.getByRole("link", { name: "Ghi nhận buổi hỗ trợ" })).toBeVisible();
  await expect(page.getByTestId("sync-badge")).toHaveText("1 chưa đồng bộ");
  // Meanwhile the resident withdraws their consent, which the team leader records.
  await asLeader(browser, `/api/v1/residents/${named.id}/consent`, { given: false });

  // Back in signal: the server refuses the ticket, and says why.
  await context.setOffline(false);
  const problem = await problemSaying(page, "Người này đã rút lại sự đồng ý");
  await expect(problem).toContainText(tag);
  const edit = problem.getByRole("link", { name: "Sửa và gửi lại" });
  const id = new URL(await edit.getAttribute("href") ?? "", page.url()).searchParams.get("gui-lai");
  await edit.click();
  // The form holds what was written, about the whole household now.
  await expect(page.getByRole("heading", { level: 1, name: "Báo vướng mắc" })).toBeVisible();
  await expect(page.getByLabel("Vướng mắc là gì")).toHaveValue(`Quên mật khẩu VNeID ${tag}`);
  await expect(page.getByLabel("Đã thử những gì, lỗi báo ra sao")).toHaveValue("Đã thử khôi phục, không nhận được mã.");
  await expect(page.getByLabel("Người cần hỗ trợ")).toHaveValue("");
  await page.getByRole("button", { name: "Gửi tổ ứng cứu" }).click();
  // Sent under the change's own id: the ticket's page opens.
  await expect(page).toHaveURL(new RegExp(`/ung-cuu/${id}$`));
  const { ticket } = await (await page.request.get(`/api/v1/tickets/${id}`)).json();
  expect(ticket.title).toBe(`Quên mật khẩu VNeID ${tag}`);
  expect(ticket.resident_id).toBeNull();
  await page.goto("/dong-bo");
  await expect(page.getByTestId("unsent")).toHaveText("Chưa gửi: 0 mục");
  await expect(page.locator("li.problem")).toHaveCount(0);
});

test("a household and its resident an older app kept with what the server now refuses are edited and sent again", async ({ page, now }) => {
  test.setTimeout(120_000);
  const tdp = await volunteerReady(page);
  const suffix = String(Date.now() % 1_000_000);
  // Pasted from a chat app, before the app refused control characters: the server refuses
  // them now. The resident lives in the household added with them, so the household goes first.
  const household = crypto.randomUUID();
  const resident = crypto.randomUUID();
  const changes = [
    {
      id: household, made_at: now.toISOString(),
      change: {
        kind: "household", id: null, tdp_id: tdp, address: `Số 3 ngõ gửi lại ${suffix}`, head_name: "Lê Văn\u0007 Tư",
        priority: { elderly_alone: true, disability: false, poverty: "none" }, location: null,
      },
    },
    {
      id: resident, made_at: now.toISOString(),
      change: { kind: "resident", id: null, household_id: household, full_name: "Lê Văn\u0007 Tư", birth_year: 1948, gender: "male", consent: true },
    },
  ];
  await putInOutbox(page, changes.map((change): [string, object] => [change.id, { ward: 619, change, problem: null }]));
  await page.reload();
  await page.goto("/dong-bo");
  // Both are refused, each for what it says.
  const problems = page.locator("li.problem", { hasText: "Nội dung có ký tự điều khiển" });
  await expect(problems).toHaveCount(2);

  // The household: its form on the TDP's page, filled in; the name typed again.
  await problems.filter({ hasText: `Số 3 ngõ gửi lại ${suffix}` }).getByRole("link", { name: "Sửa và gửi lại" }).click();
  await expect(page.getByLabel("Địa chỉ (số nhà, ngõ, đường)")).toHaveValue(`Số 3 ngõ gửi lại ${suffix}`);
  await expect(page.getByLabel("Người cao tuổi sống một mình")).toBeChecked();
  await page.getByLabel("Họ tên chủ hộ").fill(`Lê Văn Tư ${suffix}`);
  await page.getByRole("button", { name: "Lưu hộ" }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Lê Văn Tư ${suffix}` })).toBeVisible();
  expect(page.url()).toContain(`/ho/${household}`);
  const stored = await (await page.request.get(`/api/v1/households/${household}`)).json();
  expect(stored.head_name).toBe(`Lê Văn Tư ${suffix}`);
  expect(stored.priority.elderly_alone).toBe(true);

  // Then its resident: the form on the household's page, now on the server.
  await page.goto("/dong-bo");
  await expect(problems).toHaveCount(1);
  await problems.getByRole("link", { name: "Sửa và gửi lại" }).click();
  await expect(page.getByLabel("Năm sinh")).toHaveValue("1948");
  await expect(page.getByLabel("Người dân đã nghe mục đích trên và đồng ý")).toBeChecked();
  await page.getByLabel("Họ và tên").fill(`Lê Văn Tư ${suffix}`);
  await page.getByRole("button", { name: "Lưu thành viên" }).click();
  await expect(page.getByRole("link", { name: `Lê Văn Tư ${suffix}`, exact: true })).toBeVisible();
  const kept = await page.request.get(`/api/v1/residents/${resident}`);
  expect(kept.ok()).toBe(true);
  expect((await kept.json()).full_name).toBe(`Lê Văn Tư ${suffix}`);
  await page.goto("/dong-bo");
  await expect(page.locator("li.problem")).toHaveCount(0);
  await expect(page.getByTestId("sync-badge")).toHaveText("Đã đồng bộ");
});

test("a resident's page opens with no signal from the phone's copy, and their departure is marked there", async ({ page, context }) => {
  test.setTimeout(120_000);
  const { household, residents, tdp } = await volunteerAt(page, 15);
  const skills: { code: string; name_vi: string }[] = await (await page.request.get(`/api/v1/wards/${tdp.ward_code}/skills`)).json();
  // The one achieved most, among those still counted.
  const resident = residents
    .filter((r: { full_name: string; departure?: unknown }) => r.full_name && !r.departure)
    .sort((a: { achieved: string[] }, b: { achieved: string[] }) => b.achieved.length - a.achieved.length)[0];

  await context.setOffline(true);
  await page.reload();
  await page.getByRole("link", { name: resident.full_name, exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: resident.full_name })).toBeVisible();
  await expect(page.getByTestId("kept-copy")).toBeVisible();
  await expect(page.getByText(`Sinh năm ${resident.birth_year}`)).toBeVisible();
  const achieved = skills.filter((s) => resident.achieved.includes(s.code)).map((s) => `${s.name_vi} – Đã đạt`);
  if (achieved.length > 0) {
    await expect(page.locator("ul.list li")).toHaveText(achieved);
  } else {
    await expect(page.getByText("Chưa ghi nhận kỹ năng nào.")).toBeVisible();
  }
  expect(await seriousViolations(page)).toEqual([]);

  // At the door: they moved away. Kept on the phone, shown at once.
  await page.getByRole("button", { name: "Người này đã chuyển đi hoặc đã mất" }).click();
  await page.getByRole("button", { name: "Ghi nhận và thôi tính vào số liệu" }).click();
  await expect(page.getByTestId("departure")).toContainText("Đã chuyển khỏi phường từ ngày");
  await expect(page.getByTestId("sync-badge")).toHaveText("1 chưa đồng bộ");

  await context.setOffline(false);
  await expect(page.getByTestId("sync-badge")).toHaveText("Đã đồng bộ");
  const stored = await (await page.request.get(`/api/v1/residents/${resident.id}`)).json();
  expect(stored.departure.reason).toBe("moved_out");
  // With signal, the whole record again.
  await page.reload();
  await expect(page.getByRole("heading", { level: 2, name: "Lịch sử hỗ trợ" })).toBeVisible();
  await expect(page.getByTestId("kept-copy")).toHaveCount(0);
});

test("consent withdrawn at the door with no signal is kept, shown, and recorded once the signal is back", async ({ page, context }) => {
  test.setTimeout(120_000);
  const { household, residents } = await volunteerAt(page, 16);
  const resident = recordable(residents);
  const row = page.locator("ul.list li", { hasText: resident.full_name });

  await context.setOffline(true);
  await page.reload();
  await row.getByRole("link", { name: resident.full_name, exact: true }).click();
  const section = page.locator("section.consent");
  await expect(section).toContainText("Đã ghi nhận sự đồng ý hay chưa sẽ hiện khi có mạng.");
  await section.getByRole("button", { name: "Người dân rút lại sự đồng ý" }).click();
  await expect(section).toContainText("Người này đã rút lại sự đồng ý");
  await expect(section.getByRole("button", { name: "Người dân rút lại sự đồng ý" })).toHaveCount(0);
  await expect(page.getByTestId("sync-badge")).toHaveText("1 chưa đồng bộ");
  // The household's list says so too, and the visit form no longer offers them.
  await page.goto(`/ho/${household}`);
  await expect(row.locator(".badge")).toContainText(["Đã rút lại sự đồng ý"]);
  await page.getByRole("link", { name: "Ghi nhận buổi hỗ trợ" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Ghi nhận buổi hỗ trợ" })).toBeVisible();
  const others = residents.filter((r: { id: string; full_name: string; departure?: unknown; consent_withdrawn: boolean }) =>
    r.id !== resident.id && r.full_name && !r.departure && !r.consent_withdrawn);
  await expect(page.locator("details.resident summary")).toHaveText(others.map((r: { full_name: string; birth_year: number }) => `${r.full_name} (${r.birth_year})`));

  await context.setOffline(false);
  await expect(page.getByTestId("sync-badge")).toHaveText("Đã đồng bộ");
  const stored = await (await page.request.get(`/api/v1/residents/${resident.id}`)).json();
  expect(stored.consent.withdrawn_at).toBeTruthy();
  // Asked again with signal, they agree: the page shows who recorded it.
  await page.goto(`/nguoi/${resident.id}`);
  await section.getByRole("button", { name: "Người dân đồng ý" }).click();
  await expect(section).toContainText("Đã đồng ý ngày");
  const again = await (await page.request.get(`/api/v1/residents/${resident.id}`)).json();
  expect(again.consent.withdrawn_at).toBeNull();
});

test("at a market with no signal, a trader's 4T steps are ticked and a trader added, and both reach the server", async ({ page, context, browser }) => {
  test.setTimeout(120_000);
  // A market of its own for this run, added by the ward's official.
  const office = await browser.newContext();
  const admin = await office.newPage();
  await signInAs(admin, "admin");
  const market = crypto.randomUUID();
  const name = `Chợ Cầu Diễn ${Date.now()}`;
  const created = await admin.request.post("/api/v1/wards/619/markets", { data: { id: market, name, kind: "market" } });
  expect(created.ok()).toBe(true);
  await office.close();

  await signInAs(page, "volunteer");
  await page.goto("/");
  await controlledBySW(page);
  await pulled(page);
  // Read once with signal, the market is kept on the phone; its first trader is added then.
  await page.goto(`/cho/${market}`);
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await page.getByLabel("Số sạp").fill("C-1");
  await page.getByLabel("Tên tiểu thương").fill("Nguyễn Thị Lụa");
  await page.getByLabel("Mặt hàng").fill("Vải");
  await page.getByRole("button", { name: "Thêm tiểu thương" }).click();
  await expect(page.locator('tr[data-stall="C-1"]')).toBeVisible();

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  // Two steps, one after the other: the second keeps the first.
  await page.getByLabel("C-1 – Tập huấn").check();
  await expect(page.locator('tr[data-stall="C-1"] + tr')).toContainText("Đã lưu trên máy này");
  await page.getByLabel("C-1 – Thanh toán QR/chuyển khoản").check();
  await expect(page.getByTestId("sync-badge")).toHaveText("2 chưa đồng bộ");
  await page.getByLabel("Số sạp").fill("C-2");
  await page.getByLabel("Tên tiểu thương").fill("Đặng Văn Sơn");
  await page.getByLabel("Mặt hàng").fill("Cá");
  await page.getByRole("button", { name: "Thêm tiểu thương" }).click();
  await expect(page.getByTestId("sync-badge")).toHaveText("3 chưa đồng bộ");
  // Opened again with no signal: what was ticked and added is there.
  await page.reload();
  await expect(page.getByLabel("C-1 – Tập huấn")).toBeChecked();
  await expect(page.getByLabel("C-1 – Thanh toán QR/chuyển khoản")).toBeChecked();
  await expect(page.locator('tr[data-stall="C-2"]')).toContainText("Đặng Văn Sơn");

  await context.setOffline(false);
  await expect(page.getByTestId("sync-badge")).toHaveText("Đã đồng bộ");
  const stored = await (await page.request.get(`/api/v1/markets/${market}`)).json();
  const codes = stored.stalls.map((s: { stall_code: string }) => s.stall_code);
  expect(codes).toEqual(["C-1", "C-2"]);
  const first = stored.stalls[0];
  expect(first.trained_on).toBeTruthy();
  expect(first.cashless_on).toBeTruthy();
  expect(first.ecommerce_on).toBeNull();
  await page.reload();
  await expect(page.locator("p.market-share")).toContainText("(1/2)");
});

test("edits an older app kept with what the server now refuses open their forms from the sync page and are sent again", async ({ page, now }) => {
  test.setTimeout(120_000);
  const tdp = await volunteerReady(page);
  const [listed] = await (await page.request.get(`/api/v1/tdps/${tdp}/households?limit=1&offset=17`)).json();
  const home = await (await page.request.get(`/api/v1/households/${listed.id}`)).json();
  const resident = home.residents.find((r: { full_name: string }) => r.full_name);
  const tag = String(Date.now() % 1_000_000);
  const household = crypto.randomUUID();
  const person = crypto.randomUUID();
  const changes = [
    {
      id: household, made_at: now.toISOString(),
      change: { kind: "household_edit", household_id: home.id, base_version: home.version, fields: { note: `Gọi trước\u0007 ${tag}` } },
    },
    {
      id: person, made_at: now.toISOString(),
      change: { kind: "resident_edit", resident_id: resident.id, base_version: resident.version, fields: { note: `Nghe kém\u0007 ${tag}` } },
    },
  ];
  await putInOutbox(page, changes.map((change): [string, object] => [change.id, { ward: 619, change, problem: null }]));
  await page.reload();
  await page.goto("/dong-bo");
  await expect(page.locator("li.problem", { hasText: "Nội dung có ký tự điều khiển" })).toHaveCount(2);

  // The household's edit: its form open on the household's page, with what was written.
  await page.locator(`li.problem a[href*="gui-lai=${household}"]`).click();
  const householdNote = page.locator("#edit-household-note");
  await expect(householdNote).toHaveValue(new RegExp(`^Gọi trước.* ${tag}$`));
  await householdNote.fill(`Gọi trước ${tag}`);
  await page.getByRole("button", { name: "Lưu thay đổi" }).click();
  await expect(householdNote).toHaveCount(0);
  await expect.poll(async () => (await (await page.request.get(`/api/v1/households/${home.id}`)).json()).note).toBe(`Gọi trước ${tag}`);

  // The resident's: theirs, on the same page.
  await page.goto("/dong-bo");
  await page.locator(`li.problem a[href*="gui-lai=${person}"]`).click();
  const residentNote = page.locator(`#edit-note-${resident.id}`);
  await expect(residentNote).toHaveValue(new RegExp(`^Nghe kém.* ${tag}$`));
  await residentNote.fill(`Nghe kém ${tag}`);
  await page.getByRole("button", { name: "Lưu thay đổi" }).click();
  await expect(residentNote).toHaveCount(0);
  const stored = await (await page.request.get(`/api/v1/households/${home.id}`)).json();
  expect(stored.residents.find((r: { id: string }) => r.id === resident.id).note).toBe(`Nghe kém ${tag}`);
  await page.goto("/dong-bo");
  await expect(page.locator("li.problem")).toHaveCount(0);
  await expect(page.getByTestId("sync-badge")).toHaveText("Đã đồng bộ");
});
