import { test, expect, Page } from "@playwright/test";
import { signInAs } from "./accounts";

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
