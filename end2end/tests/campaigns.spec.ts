import { test, expect } from "./clock";
import { signInAs } from "./accounts";
import { seriousViolations } from "./a11y";

test("a ward admin starts a campaign and follows its burn-up, for the ward and for one TDP", { tag: "@calendar" }, async ({ page }) => {
  await signInAs(page, "admin");
  await page.goto("/phuong/619");
  await page.getByRole("navigation").getByRole("link", { name: "Hoạt động" }).click();
  await page.getByRole("link", { name: "Chiến dịch", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Chiến dịch" })).toBeVisible();

  // 45 days from today, the whole ward, two targets.
  const name = `45 ngày đêm ${Date.now()}`;
  await page.getByLabel("Tên chiến dịch").fill(name);
  await page.getByLabel("Định danh điện tử VNeID mức độ 2").fill("500");
  await page.getByLabel("Hộ được đến thăm trong chiến dịch").fill("2000");
  await page.getByRole("button", { name: "Phát động chiến dịch" }).click();
  // Starting it opens it.
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await expect(page.locator(".countdown")).toHaveText("Còn 44 ngày");
  const charts = page.locator("section.burn-up");
  await expect(charts).toHaveCount(2);
  const vneid = page.locator('section.burn-up[data-indicator="vneid_level2"]');
  await expect(vneid.locator(".burn-up-figure")).toContainText(/Đã đạt \d+\/500/);
  // The line to the target spans the 45 days; what was achieved is drawn up to today.
  expect((await vneid.locator("polyline.target-line").getAttribute("points"))!.split(" ")).toHaveLength(46);
  expect((await vneid.locator("polyline.achieved-line").getAttribute("points"))!.split(" ")).toHaveLength(1);
  await expect(page.locator("table.report tbody tr")).toHaveCount(52);
  expect(await seriousViolations(page)).toEqual([]);

  // One TDP against its share of the target.
  await page.getByLabel("Xem theo").selectOption({ label: "Tổ dân phố số 1" });
  await expect(vneid.locator(".burn-up-figure")).toContainText(/Đã đạt \d+\/(\d|1\d)\b/);

  // The dashboard shows the campaign running.
  await page.goto("/phuong/619");
  await expect(page.locator("ul.campaigns li", { hasText: name })).toContainText("Còn 44 ngày");
});
