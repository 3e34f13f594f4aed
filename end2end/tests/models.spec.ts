import { test, expect, Page } from "@playwright/test";
import { signInAs } from "./accounts";
import { seriousViolations } from "./a11y";

// The ward's "digitally capable" set by default (domain::models::DEFAULT_FAMILY_SKILLS).
const CAPABLE = [
  "Sử dụng điện thoại thông minh",
  "Định danh điện tử VNeID mức độ 2",
  "Nộp hồ sơ trên Cổng Dịch vụ công",
  "An toàn trên không gian mạng, nhận biết lừa đảo",
];

/** The ward's "Gia đình số" count and the first TDP's share, as the dashboard shows them. */
async function families(page: Page) {
  await page.goto("/phuong/619");
  const ward = page.locator('tr[data-model="families"] td').first();
  await expect(ward).toHaveText(/^\d+ \/ \d+$/);
  const tdp = page.locator('table.tdps tr[data-tdp="TDP-01"] td[data-col="families"]');
  await expect(tdp).toHaveText(/%$/);
  return { ward: Number((await ward.textContent())!.split("/")[0]), tdp: await tdp.textContent() };
}

test("marking a capable member as the guide makes the household a Gia đình số", async ({ page }) => {
  await signInAs(page, "volunteer");
  const before = await families(page);

  // A household nobody has visited yet: no guide, nobody with a skill.
  await page.getByRole("link", { name: "Tổ dân phố số 1", exact: true }).click();
  await page.locator("ul.households li", { hasText: "chưa được đến thăm" }).first().getByRole("link").click();
  await expect(page.getByText("Chưa chọn người hướng dẫn gia đình.")).toBeVisible();

  // The visit where its eldest learned the whole set.
  await page.getByRole("link", { name: "Ghi nhận buổi hỗ trợ" }).click();
  await page.locator("fieldset", { hasText: "Người đi hỗ trợ" }).getByRole("checkbox").first().check();
  for (const skill of CAPABLE) {
    await page.getByLabel(skill).first().selectOption("achieved");
  }
  await page.getByRole("button", { name: "Lưu" }).click();
  await expect(page.getByRole("heading", { level: 2, name: "Các lần đến thăm" })).toBeVisible();

  const eldest = page.locator("ul.list li").first();
  const name = (await eldest.getByRole("link").textContent())!;
  await eldest.getByRole("button", { name: "Chọn làm người hướng dẫn" }).click();
  await expect(eldest.getByRole("button", { name: "Người hướng dẫn gia đình" })).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByText(`Hộ đã là Gia đình số: ${name} hướng dẫn cả nhà.`)).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);

  // Pressed again, the choice is cleared; and made again.
  await eldest.getByRole("button", { name: "Người hướng dẫn gia đình" }).click();
  await expect(page.getByText("Chưa chọn người hướng dẫn gia đình.")).toBeVisible();
  await eldest.getByRole("button", { name: "Chọn làm người hướng dẫn" }).click();
  await expect(page.getByText(`Hộ đã là Gia đình số: ${name} hướng dẫn cả nhà.`)).toBeVisible();

  // Lists mark it too.
  const address = (await page.locator("p.subtitle").textContent())!;
  await page.goto("/phuong/619/tim-kiem");
  await page.getByLabel("Tìm hộ gia đình hoặc người dân").fill(address);
  await page.getByRole("button", { name: "Tìm" }).click();
  await expect(page.locator("ul.list li", { hasText: address }).locator(".badge", { hasText: "Gia đình số" })).toBeVisible();

  const after = await families(page);
  expect(after.ward).toBe(before.ward + 1);
  expect(after.tdp).not.toBe(before.tdp);
});

test("a ward official changes what a model asks for, and the figures follow", async ({ page }) => {
  await signInAs(page, "admin");
  const defaults = await (await page.request.get("/api/v1/wards/619/models")).json();
  const before = await families(page);
  try {
    await page.getByRole("navigation").getByRole("link", { name: "Mô hình" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Chỉ tiêu và cách tính các mô hình" })).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);

    // A target of 0% is refused, in Vietnamese, before anything is sent.
    const target = page.getByLabel("Chỉ tiêu Gia đình số (% số hộ)");
    await target.fill("0");
    await page.getByRole("button", { name: "Lưu cài đặt" }).click();
    await expect(page.locator("#family_target-error")).toHaveText("Giá trị nằm ngoài khoảng cho phép.");

    // A guide needs only a smartphone now: more households count.
    await target.fill("100");
    const family = page.locator("fieldset#family_skills");
    for (const skill of CAPABLE.slice(1)) {
      await family.getByLabel(skill).uncheck();
    }
    await page.getByRole("button", { name: "Lưu cài đặt" }).click();
    await expect(page.getByRole("status")).toHaveText("Đã lưu. Số liệu được tính lại theo cài đặt mới.");
    const after = await families(page);
    expect(after.ward).toBeGreaterThan(before.ward);
  } finally {
    const res = await page.request.put("/api/v1/wards/619/models", { data: defaults });
    expect(res.status()).toBe(200);
  }
});

test("a TDP's list narrows to the households not yet a Gia đình số", async ({ page }) => {
  await signInAs(page, "volunteer");
  await page.goto("/phuong/619");
  await page.getByRole("link", { name: "Tổ dân phố số 1", exact: true }).click();
  const list = page.locator("ul.households li");
  await expect(list.first()).toBeVisible();
  await page.getByLabel("Hiển thị").selectOption({ label: "Hộ chưa là Gia đình số" });
  await expect(list.first()).toBeVisible();
  await expect(list.filter({ hasText: "Gia đình số" })).toHaveCount(0);
  await page.getByLabel("Hiển thị").selectOption({ label: "Hộ chưa được đến thăm" });
  await expect(list.filter({ hasText: "thăm gần nhất" })).toHaveCount(0);
  await expect(list.filter({ hasText: "chưa được đến thăm" }).first()).toBeVisible();
  // The households to visit for "Mỗi công dân – Một danh tính số": each has someone to help.
  await page.getByLabel("Hiển thị").selectOption({ label: "Hộ còn người từ 16 tuổi chưa có danh tính số" });
  await list.first().getByRole("link").click();
  await expect(page.getByText(/^\d+\/[1-9]\d* người từ 16 tuổi có VNeID mức 2 và tài khoản thanh toán\.$/)).toBeVisible();
  const [have, counted] = (await page.locator("p.identity").textContent())!.split(" ")[0].split("/").map(Number);
  expect(have).toBeLessThan(counted);
});
