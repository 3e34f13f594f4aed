import { test, expect, Page } from "@playwright/test";
import { signInAs } from "./accounts";
import { personalWords } from "./people";
import { seriousViolations } from "./a11y";

// The projector ("Trình chiếu"): the ward's figures as full-screen slides for party-cell
// meetings, and the public page its QR code opens. Never a person's name or household.

const SLIDES = 11;

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
