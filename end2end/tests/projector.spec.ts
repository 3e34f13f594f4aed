import { test, expect, Page, request as requests } from "@playwright/test";
import { PASSWORD, PHONES, signInAs } from "./accounts";
import { seriousViolations } from "./a11y";

// The projector ("Trình chiếu"): the ward's figures as full-screen slides for party-cell
// meetings, and the public page its QR code opens. Never a person's name or household.

const SLIDES = 11;

/// Names and addresses of the demo ward's people, read through the API as its admin: its
/// accounts, heads of household and addresses of three TDPs, and every resident of twenty of
/// their households.
async function personalWords(baseURL: string): Promise<string[]> {
  const admin = await requests.newContext({ baseURL });
  expect((await admin.post("/api/v1/session", { data: { phone: PHONES.admin, password: PASSWORD } })).status()).toBe(200);
  const tdps = await (await admin.get("/api/v1/wards/619/tdps")).json();
  const words = new Set<string>();
  for (const account of await (await admin.get("/api/v1/wards/619/accounts")).json()) words.add(account.full_name);
  const households: string[] = [];
  for (const tdp of tdps.slice(0, 3)) {
    const list = await (await admin.get(`/api/v1/tdps/${tdp.id}/households?limit=200`)).json();
    for (const h of list) {
      words.add(h.head_name);
      words.add(h.address);
      households.push(h.id);
    }
  }
  for (const id of households.slice(0, 20)) {
    const household = await (await admin.get(`/api/v1/households/${id}`)).json();
    for (const r of household.residents) words.add(r.full_name);
  }
  await admin.dispose();
  return [...words];
}

async function currentPage(page: Page): Promise<number> {
  const text = (await page.locator(".slide-footer").innerText()).match(/Trang (\d+)\/(\d+)/);
  expect(text?.[2]).toBe(String(SLIDES));
  return Number(text?.[1]);
}

async function overflows(page: Page): Promise<boolean> {
  return page.locator(".deck-stage").evaluate((el) => el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1);
}

for (const size of [
  { width: 1920, height: 1080 },
  { width: 1024, height: 768 },
]) {
  test.describe(`at ${size.width}×${size.height}`, () => {
    test.use({ viewport: size });

    test("a viewer presents the ward with the keyboard, and no slide names a person", async ({ page, baseURL }) => {
      const people = await personalWords(baseURL!);
      expect(people.length).toBeGreaterThan(300);

      await signInAs(page, "viewer");
      await page.goto("/phuong/619");
      await page.getByRole("navigation").getByRole("link", { name: "Trình chiếu" }).click();
      await expect(page.getByRole("heading", { level: 1, name: "Phường Phú Diễn" })).toBeVisible();
      expect(await currentPage(page)).toBe(1);
      expect(await seriousViolations(page)).toEqual([]);

      // Clickers send Page Down; keyboards arrows and space.
      const forward = ["ArrowRight", "PageDown", " ", "ArrowDown"];
      for (let n = 1; n <= SLIDES; n++) {
        await expect(page.locator(".slide-footer")).toContainText(`Trang ${n}/${SLIDES}`);
        await expect(page.locator(".data-time")).toContainText(/Số liệu lúc \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
        const html = await page.content();
        const shown = people.filter((w) => html.includes(w));
        expect(shown, `slide ${n} shows personal data`).toEqual([]);
        expect(await overflows(page), `slide ${n} fits the screen`).toBe(false);
        if (n === 2 && size.width === 1920) {
          await expect(page.locator(".deck .skill-row")).toHaveCount(9);
          await page.screenshot({ path: test.info().outputPath("projector-1920x1080.png") });
        }
        if (n === 3) await expect(page.locator(".deck .models .skill-row")).toHaveCount(4);
        // The campaigns a test of its own may have started, or none running.
        if (n === 4) await expect(page.locator(".deck .campaign .skill-row, .deck .slide-note").first()).toBeVisible();
        if (n === 5) await expect(page.locator("svg.deck-map path")).toHaveCount(52);
        if (n === 6) await expect(page.locator("table.ranking tbody tr")).toHaveCount(8);
        // The demo ward's classes of the coming days.
        if (n === 10) await expect(page.locator("table.ranking.activities tbody tr")).toHaveCount(4);
        if (n < SLIDES) await page.keyboard.press(forward[n % forward.length]);
      }
      await expect(page.locator(".deck .qr svg")).toBeVisible();
      await expect(page.locator(".closing-url")).toHaveText(/\/phuong\/619\/trinh-chieu$/);

      await page.keyboard.press("PageUp");
      expect(await currentPage(page)).toBe(SLIDES - 1);
      await page.keyboard.press("Home");
      expect(await currentPage(page)).toBe(1);
      await page.keyboard.press("End");
      expect(await currentPage(page)).toBe(SLIDES);
      await page.getByLabel("Đến trang").selectOption({ index: 2 });
      expect(await currentPage(page)).toBe(3);
    });
  });
}

test("the deck advances by itself, pauses, and reopens offline with the time of its figures", async ({ page, context }) => {
  await page.clock.install();
  await signInAs(page, "viewer");
  await page.goto("/phuong/619/trinh-chieu");
  await expect(page.getByRole("heading", { level: 1, name: "Phường Phú Diễn" })).toBeVisible();
  await page.getByLabel("Tự chuyển trang").selectOption({ label: "mỗi 10 giây" });
  await page.clock.runFor(10_500);
  expect(await currentPage(page)).toBe(2);
  await page.clock.runFor(10_000);
  expect(await currentPage(page)).toBe(3);
  await page.keyboard.press("p");
  await expect(page.getByRole("button", { name: "Chạy tiếp (P)" })).toBeVisible();
  await page.clock.runFor(30_000);
  expect(await currentPage(page)).toBe(3);

  const time = await page.locator(".data-time").innerText();
  // The service worker holds the app; the phone's database the last figures.
  await page.evaluate(() => navigator.serviceWorker.ready);
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: "Phường Phú Diễn" })).toBeVisible();
  await expect(page.locator(".data-time")).toContainText(time.split(" · ")[0]);
  await expect(page.locator(".data-time")).toContainText("bản lưu trên máy");
  await context.setOffline(false);
});

test("the QR code's page opens without signing in; a TDP's own deck shows its rank", async ({ page, browser }) => {
  const visitor = await browser.newPage();
  await visitor.goto("/phuong/619/trinh-chieu");
  await expect(visitor.getByRole("heading", { level: 1, name: "Phường Phú Diễn" })).toBeVisible();
  await expect(visitor.getByLabel("Số điện thoại")).toHaveCount(0);
  // Anyone sees the hour's snapshot, with the ward's satisfaction and never a TDP's.
  await visitor.keyboard.press("End");
  await visitor.keyboard.press("ArrowLeft");
  await visitor.keyboard.press("ArrowLeft");
  await expect(visitor.getByText("Điểm hài lòng chỉ công bố cho toàn phường, từ 5 lượt đánh giá")).toBeVisible();
  await expect(visitor.locator("table.ranking")).toHaveCount(0);
  await visitor.close();

  await signInAs(page, "admin");
  await page.goto("/phuong/619");
  await page.getByRole("link", { name: "Tổ dân phố số 1", exact: true }).click();
  await page.getByRole("main").getByRole("link", { name: "Trình chiếu" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Tổ dân phố số 1 · Phường Phú Diễn" })).toBeVisible();
  await expect(page.locator(".figure").filter({ hasText: "xếp hạng thi đua" })).toContainText(/\d+\/52/);
  await page.keyboard.press("End");
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("ArrowLeft");
  expect(await currentPage(page)).toBe(SLIDES - 3);
});
