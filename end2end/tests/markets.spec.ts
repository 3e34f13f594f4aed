import { test, expect } from "@playwright/test";
import { signInAs } from "./accounts";
import { seriousViolations } from "./a11y";

test("ticking a trader's QR payment changes the market's share and earns the badge", async ({ page }) => {
  await signInAs(page, "admin");
  await page.goto("/phuong/619");
  await page.getByRole("link", { name: "Chợ số: tiểu thương không dùng tiền mặt" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Chợ số – Nông thôn số" })).toBeVisible();

  // A market of its own for this run: the demo ward's data is shared by the suite.
  const name = `Chợ Phú Diễn ${Date.now()}`;
  await page.getByLabel("Tên chợ / hợp tác xã").fill(name);
  await page.getByRole("button", { name: "Thêm chợ" }).click();
  const row = page.locator(`tr[data-market="${name}"]`);
  await expect(row.locator(".share")).toHaveText("–");
  await row.getByRole("link", { name }).click();
  await expect(page.getByText("Chưa có tiểu thương nào được ghi nhận.")).toBeVisible();

  for (const [code, trader] of [["A-1", "Trần Thị Hoa"], ["A-2", "Lê Văn Tám"]]) {
    await page.getByLabel("Số sạp").fill(code);
    await page.getByLabel("Tên tiểu thương").fill(trader);
    await page.getByLabel("Mặt hàng").fill("Rau củ");
    await page.getByRole("button", { name: "Thêm tiểu thương" }).click();
    await expect(page.locator(`tr[data-stall="${code}"]`)).toBeVisible();
  }
  const share = page.locator("p.market-share");
  await expect(share).toContainText("0.0% tiểu thương nhận thanh toán không dùng tiền mặt (0/2)");

  await page.getByLabel("A-1 – Thanh toán QR/chuyển khoản").check();
  await expect(share).toContainText("50.0% tiểu thương nhận thanh toán không dùng tiền mặt (1/2)");
  await expect(page.getByLabel("A-1 – Thanh toán QR/chuyển khoản")).toBeChecked();
  await expect(page.locator(".cashless-badge")).toHaveCount(0);
  await page.getByLabel("A-2 – Thanh toán QR/chuyển khoản").check();
  await expect(share).toContainText("100.0% tiểu thương nhận thanh toán không dùng tiền mặt (2/2)");
  await expect(page.locator("h1 .cashless-badge")).toHaveText("Chợ không dùng tiền mặt");
  expect(await seriousViolations(page)).toEqual([]);

  // Unticked, the badge goes; the list says the same as the market's page.
  await page.getByLabel("A-2 – Thanh toán QR/chuyển khoản").uncheck();
  await expect(share).toContainText("(1/2)");
  await page.getByRole("link", { name: "Chợ số – Nông thôn số" }).click();
  await expect(row.locator(".share")).toHaveText("50.0%");
  await expect(row.locator(".cashless-badge")).toHaveCount(0);
});
