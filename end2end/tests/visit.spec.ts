import { Page } from "@playwright/test";
import { test, expect, vietnamDay } from "./clock";
import { signInAs } from "./accounts";
import { seriousViolations } from "./a11y";

async function openFirstTdp(page: Page) {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Phường Phú Diễn" })).toBeVisible();
  await page.getByRole("link", { name: "Tổ dân phố số 1", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Tổ dân phố số 1" })).toBeVisible();
}

test("the dashboard shows the ward in Vietnamese, accessibly", { tag: "@calendar" }, async ({ page, now }) => {
  await signInAs(page, "admin");
  await page.goto("/");
  await expect(page).toHaveURL(/\/phuong\/619$/);
  await expect(page.getByRole("heading", { level: 1, name: "Phường Phú Diễn" })).toBeVisible();
  await expect(page.locator("table.tdps").getByRole("columnheader", { name: "Tổ dân phố" })).toBeVisible();
  await expect(page.locator("table.tdps tbody tr")).toHaveCount(52);
  expect(await seriousViolations(page)).toEqual([]);
  // Who is 16 and over is counted by Vietnam's year: on 1 January it moves on.
  const dashboard = await (await page.request.get("/api/v1/wards/619/dashboard")).json();
  expect(dashboard.as_of_year).toBe(Number(vietnamDay(now).slice(0, 4)));
});

test("a volunteer records a visit and the TDP's figure changes", { tag: "@calendar" }, async ({ page }) => {
  await signInAs(page, "volunteer");
  await openFirstTdp(page);
  const coverage = page.getByTestId("tdp-coverage");
  await expect(coverage).not.toHaveText("");
  const note = page.locator(".card-note").first();
  const before = await note.textContent();
  const visitedBefore = Number(before!.split("/")[0].trim());

  const unvisited = page.locator("ul.households li", { hasText: "chưa được đến thăm" }).first();
  await unvisited.getByRole("link").click();
  await page.getByRole("link", { name: "Ghi nhận buổi hỗ trợ" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Ghi nhận buổi hỗ trợ" })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);

  await page.locator("fieldset", { hasText: "Người đi hỗ trợ" }).getByRole("checkbox").first().check();
  await page.getByLabel("Sử dụng điện thoại thông minh").first().selectOption("achieved");
  await page.getByLabel("5 – Rất hài lòng").check();
  await page.getByLabel("Ghi chú").fill("Hướng dẫn dùng điện thoại");
  await page.getByRole("button", { name: "Lưu" }).click();

  await expect(page.getByRole("heading", { level: 2, name: "Các lần đến thăm" })).toBeVisible();
  await expect(page.getByText("Sử dụng điện thoại thông minh – Đã đạt")).toBeVisible();

  await page.locator(".crumb a").click();
  await expect(page.getByRole("heading", { level: 1, name: "Tổ dân phố số 1" })).toBeVisible();
  await expect(page.locator(".card-note").first()).toHaveText(new RegExp(`^${visitedBefore + 1} /`));
});

test("an invalid visit form shows the Vietnamese field error", async ({ page }) => {
  await signInAs(page, "volunteer");
  await openFirstTdp(page);
  await page.locator("ul.households li a").first().click();
  await page.getByRole("link", { name: "Ghi nhận buổi hỗ trợ" }).click();
  await page.getByRole("button", { name: "Lưu" }).click();
  await expect(page.locator("#volunteer_ids-error")).toHaveText("Trường này là bắt buộc.");
});

test("the language can be switched to English", async ({ page }) => {
  await signInAs(page, "admin");
  await page.goto("/phuong/619");
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.getByRole("link", { name: "Overview" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 2, name: "Residential groups" })).toBeVisible();
  // Remembered on another page, after a reload.
  await page.getByRole("link", { name: "Tổ dân phố số 2", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Tổ dân phố số 2" })).toBeVisible();
  await page.reload();
  await expect(page.getByRole("heading", { level: 2, name: "Community digital team" })).toBeVisible();
  await expect(page.getByRole("navigation").getByRole("link", { name: "Overview" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
});

test.describe("on a phone set to English", () => {
  test.use({ locale: "en-US" });

  test("the app still starts in Vietnamese", async ({ page }) => {
    await signInAs(page, "viewer");
    await page.goto("/phuong/619");
    await expect(page.getByRole("navigation").getByRole("link", { name: "Tổng quan" })).toBeVisible();
    await expect(page.locator("html")).toHaveAttribute("lang", "vi");
  });
});

test("search finds people without typing diacritics", async ({ page }) => {
  await signInAs(page, "admin");
  await page.goto("/phuong/619/tim-kiem");
  await page.getByLabel("Tìm hộ gia đình hoặc người dân").fill("nguyen van");
  await page.getByRole("button", { name: "Tìm" }).click();
  await expect(page.getByRole("heading", { level: 2, name: "Người dân" })).toBeVisible();
  await expect(page.locator("ul.list li a", { hasText: "Nguyễn Văn" }).first()).toBeVisible();
});
