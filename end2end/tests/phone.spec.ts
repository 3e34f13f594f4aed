import { test, expect, Page } from "@playwright/test";
import { PHONES, signInAs } from "./accounts";
import { seriousViolations } from "./a11y";

// A cheap Android phone: 360 CSS pixels wide.
test.use({ viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true });

async function pageIsNotWiderThanTheScreen(page: Page) {
  const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  expect(widths[0]).toBeLessThanOrEqual(widths[1]);
}

test("the dashboard fits a 360 px phone; wide tables scroll inside their frame", async ({ page }) => {
  await signInAs(page, "admin");
  await page.goto("/phuong/619");
  await expect(page.getByRole("heading", { level: 1, name: "Phường Phú Diễn" })).toBeVisible();
  await pageIsNotWiderThanTheScreen(page);
});

test("on a phone every page starts at the top; the role's pages are a thumb away", async ({ page }) => {
  await signInAs(page, "volunteer");
  await page.goto("/phuong/619");
  const heading = page.getByRole("heading", { level: 1, name: "Phường Phú Diễn" });
  await expect(heading).toBeVisible();
  expect((await heading.boundingBox())!.y).toBeLessThan(200);

  // The bar along the bottom: what a volunteer opens most.
  const bar = page.getByRole("navigation", { name: "Lối tắt" });
  await expect(bar.getByRole("link")).toHaveText(["Hộ của tôi", "Tổng quan", "Tìm kiếm", "Ứng cứu"]);
  const box = (await bar.boundingBox())!;
  expect(box.y + box.height).toBeCloseTo(740, 0);
  await expect(page.getByTestId("sync-badge")).toBeVisible();

  // Everything else behind the menu button, folded again once a page is chosen.
  const menu = page.getByRole("navigation", { name: "Điều hướng chính" });
  await expect(menu).toBeHidden();
  await page.getByRole("button", { name: "Menu" }).click();
  await expect(menu.getByRole("link", { name: "Hoạt động" })).toBeVisible();
  await menu.getByRole("link", { name: "Bản đồ" }).click();
  await expect(page).toHaveURL(/\/phuong\/619\/ban-do$/);
  await expect(menu).toBeHidden();

  await bar.getByRole("link", { name: "Hộ của tôi" }).click();
  const mine = page.getByRole("heading", { level: 1, name: "Hộ được giao cho tôi" });
  await expect(mine).toBeVisible();
  expect((await mine.boundingBox())!.y).toBeLessThan(200);
});

test("the dashboard is drawn whole: nothing moves as its parts arrive", async ({ page }) => {
  await signInAs(page, "admin");
  // Cumulative layout shift, as Lighthouse and the browser's own metrics count it.
  await page.addInitScript(() => {
    const w = window as unknown as { layoutShift: number };
    w.layoutShift = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as unknown as { value: number; hadRecentInput: boolean }[]) {
        if (!entry.hadRecentInput) w.layoutShift += entry.value;
      }
    }).observe({ type: "layout-shift", buffered: true });
  });
  await page.goto("/phuong/619");
  await expect(page.getByRole("heading", { level: 2, name: "Kỹ năng và dịch vụ số" })).toBeVisible();
  // The demo ward has open tickets: their section, which comes above, is on the page too.
  await expect(page.getByRole("heading", { level: 2, name: "Vướng mắc chờ tổ ứng cứu" })).toBeVisible();
  await page.waitForLoadState("networkidle");
  const shift = await page.evaluate(() => (window as unknown as { layoutShift: number }).layoutShift);
  expect(shift).toBeLessThanOrEqual(0.1);
});

test("the visit form fits a phone at 200% text size, with thumb-sized targets", async ({ page }) => {
  await signInAs(page, "volunteer");
  await page.goto("/phuong/619");
  await page.getByRole("link", { name: "Tổ dân phố số 1", exact: true }).click();
  await page.locator("ul.households li a").first().click();
  await page.getByRole("link", { name: "Ghi nhận buổi hỗ trợ" }).click();
  await expect(page.getByRole("button", { name: "Lưu" })).toBeVisible();
  await page.evaluate(() => (document.documentElement.style.fontSize = "200%"));
  await pageIsNotWiderThanTheScreen(page);
  for (const target of [
    page.getByRole("button", { name: "Lưu" }),
    page.getByLabel("Ngày đến thăm"),
    page.locator("fieldset", { hasText: "Người đi hỗ trợ" }).locator("label").first(),
  ]) {
    const box = await target.boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(44);
  }
});

test("the map's TDP numbers are 14 px tall on a phone, zoomed out and in", async ({ page }) => {
  await signInAs(page, "viewer");
  await page.goto("/phuong/619/ban-do");
  const number = page.locator("text.tdp-label").first();
  await expect(number).toBeVisible();
  // The number's size in the drawing's units, times the drawing's scale on the screen.
  const onScreen = () =>
    number.evaluate((t) => parseFloat(getComputedStyle(t).fontSize) * (t as SVGGraphicsElement).getScreenCTM()!.a);
  await expect.poll(onScreen).toBeCloseTo(14, 0);
  await page.getByRole("button", { name: "Phóng to" }).click();
  await page.getByRole("button", { name: "Phóng to" }).click();
  await expect.poll(onScreen).toBeCloseTo(14, 0);
});

// A page of the app by what it shows, not by which record: `/ho/<id>` is one page however many
// households there are.
const pageOf = (path: string) => path.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, ":id");

// Whatever each role (and anyone not signed in) can reach by following links from its first page,
// once per page: every page fits the phone's width at normal and at 200% text, and axe finds
// nothing serious on it.
for (const role of [...Object.keys(PHONES), "guest"] as (keyof typeof PHONES | "guest")[]) {
  test(`every page a ${role} reaches fits a phone at 100% and 200% text`, async ({ page }) => {
    test.setTimeout(240_000);
    if (role !== "guest") await signInAs(page, role);
    const queue = role === "guest" ? ["/", "/phuong/619/trinh-chieu"] : ["/"];
    const seen = new Set(queue);
    const faults: string[] = [];
    while (queue.length > 0) {
      const path = queue.shift()!;
      await page.goto(path);
      await expect(page.locator("h1").first()).toBeVisible();
      await page.waitForLoadState("networkidle");
      const here = pageOf(new URL(page.url()).pathname);
      seen.add(here);
      const width = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      const wider = await width();
      if (wider > 0) faults.push(`${here}: ${wider} px wider than the phone`);
      for (const found of await seriousViolations(page)) faults.push(`${here}: ${found}`);
      await page.evaluate(() => (document.documentElement.style.fontSize = "200%"));
      const widerAt200 = await width();
      if (widerAt200 > 0) faults.push(`${here}: ${widerAt200} px wider than the phone at 200% text`);
      const links = await page.locator("a[href^='/']:not([download])").evaluateAll((links) =>
        links.map((a) => new URL((a as HTMLAnchorElement).href).pathname),
      );
      for (const link of links) {
        const key = pageOf(link);
        if (link.startsWith("/api/") || seen.has(key)) continue;
        seen.add(key);
        queue.push(link);
      }
    }
    // Not signed in: the sign-in page and the projector; any role: a dozen pages and more.
    expect(seen.size).toBeGreaterThanOrEqual(role === "guest" ? 2 : 12);
    expect(faults).toEqual([]);
  });
}
