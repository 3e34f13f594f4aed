import { test, expect } from "./clock";
import { signInAs } from "./accounts";
import { seriousViolations } from "./a11y";

test("a team leader sends a volunteer to two households; a recorded visit takes one off their list", { tag: "@calendar" }, async ({ page }) => {
  await signInAs(page, "volunteer");
  const volunteer = (await (await page.request.get("/api/v1/session")).json()).user.full_name as string;

  await signInAs(page, "leader");
  await page.goto("/phuong/619");
  await page.getByRole("link", { name: "Tổ dân phố số 1", exact: true }).click();
  await page.getByLabel("Hiển thị").selectOption({ label: "Hộ chưa được đến thăm" });
  const items = page.locator("ul.households li");
  await expect(items.first()).toBeVisible();
  const picked = [items.nth(0), items.nth(1)];
  // Each household by its address: heads of household may share a name.
  const addresses: string[] = [];
  for (const item of picked) {
    addresses.push((await item.locator("span.muted").first().textContent())!.replace(" · ", ""));
    await item.locator("input.pick").check();
  }
  await expect(page.getByRole("heading", { name: "Giao việc: đã chọn 2 hộ" })).toBeVisible();
  await page.getByLabel("Thành viên đi thăm").selectOption({ label: volunteer });
  await page.getByRole("button", { name: "Giao cho thành viên này" }).click();
  for (const item of picked) {
    await expect(item.locator(".badge.assigned")).toHaveText(`Giao cho ${volunteer}`);
  }
  await expect(page.getByRole("heading", { name: "Giao việc: đã chọn 0 hộ" })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);

  // The volunteer's own list, priority households first.
  await signInAs(page, "volunteer");
  await page.goto("/");
  await page.getByRole("navigation").getByRole("link", { name: "Hộ của tôi" }).click();
  const mine = page.locator("ul.households li");
  for (const address of addresses) {
    await expect(mine.filter({ hasText: address })).toHaveCount(1);
  }
  expect(await seriousViolations(page)).toEqual([]);

  // The visit to the first takes it off the list.
  await mine.filter({ hasText: addresses[0] }).getByRole("link").click();
  await page.getByRole("link", { name: "Ghi nhận buổi hỗ trợ" }).click();
  await page.locator("fieldset", { hasText: "Người đi hỗ trợ" }).getByRole("checkbox").first().check();
  await page.getByRole("button", { name: "Lưu" }).click();
  await expect(page.getByRole("heading", { level: 2, name: "Các lần đến thăm" })).toBeVisible();
  await page.getByRole("navigation").getByRole("link", { name: "Hộ của tôi" }).click();
  await expect(mine.filter({ hasText: addresses[1] })).toHaveCount(1);
  await expect(mine.filter({ hasText: addresses[0] })).toHaveCount(0);
});
