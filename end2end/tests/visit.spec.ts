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
  // Who recorded it may void it for a week.
  await expect(page.locator("li.visit").getByRole("button", { name: "Hủy lượt thăm" })).toBeVisible();

  await page.locator(".crumb a").click();
  await expect(page.getByRole("heading", { level: 1, name: "Tổ dân phố số 1" })).toBeVisible();
  await expect(page.locator(".card-note").first()).toHaveText(new RegExp(`^${visitedBefore + 1} /`));
});

test("a team leader voids a visit and the TDP's figures go back down", async ({ page }) => {
  await signInAs(page, "leader");
  await page.goto("/");
  // The share of the TDP's households visited, on the ward's dashboard.
  const coverage = page.locator('table.tdps tr[data-tdp="TDP-01"] td[data-col="visited"]');
  const coverageBefore = (await coverage.textContent())!;
  await openFirstTdp(page);
  const visitedBefore = Number((await page.locator(".card-note").first().textContent())!.split("/")[0].trim());

  await page.locator("ul.households li", { hasText: "chưa được đến thăm" }).first().getByRole("link").click();
  const household = page.url();
  await page.getByRole("link", { name: "Ghi nhận buổi hỗ trợ" }).click();
  await page.locator("fieldset", { hasText: "Người đi hỗ trợ" }).getByRole("checkbox").first().check();
  await page.getByLabel("Sử dụng điện thoại thông minh").first().selectOption("achieved");
  await page.getByRole("button", { name: "Lưu" }).click();
  const recorded = page.locator("li.visit", { hasText: "Sử dụng điện thoại thông minh – Đã đạt" });
  await expect(recorded).toHaveCount(1);
  await page.locator(".crumb a").click();
  await expect(page.locator(".card-note").first()).toHaveText(new RegExp(`^${visitedBefore + 1} /`));
  await page.goto("/");
  await expect(coverage).not.toHaveText(coverageBefore);

  // It was the wrong household: the team leader voids it, with the reason.
  await page.goto(household);
  await recorded.getByRole("button", { name: "Hủy lượt thăm" }).click();
  const dialog = page.getByRole("dialog", { name: "Hủy lượt thăm này?" });
  await dialog.getByRole("button", { name: "Hủy lượt thăm" }).click();
  await expect(dialog.locator("#void-reason-error")).toHaveText("Trường này là bắt buộc.");
  expect(await seriousViolations(page)).toEqual([]);
  await dialog.getByLabel("Lý do hủy").fill("Ghi nhầm hộ");
  await dialog.getByRole("button", { name: "Hủy lượt thăm" }).click();
  await expect(dialog).toBeHidden();
  await expect(recorded).toHaveCount(0);

  await page.locator(".crumb a").click();
  await expect(page.locator(".card-note").first()).toHaveText(new RegExp(`^${visitedBefore} /`));
  await page.goto("/");
  await expect(coverage).toHaveText(coverageBefore);
});

test("a void the server refuses is told in the dialog, never dropped in silence", async ({ page, browser }) => {
  const tag = `void-${Date.now()}`;
  await signInAs(page, "volunteer");
  await openFirstTdp(page);
  await page.locator("ul.households li", { hasText: "chưa được đến thăm" }).first().getByRole("link").click();
  const household = page.url().split("/ho/")[1];
  await page.getByRole("link", { name: "Ghi nhận buổi hỗ trợ" }).click();
  await page.locator("fieldset", { hasText: "Người đi hỗ trợ" }).getByRole("checkbox").first().check();
  await page.getByLabel("Sử dụng điện thoại thông minh").first().selectOption("in_progress");
  await page.getByLabel("Ghi chú").fill(tag);
  await page.getByRole("button", { name: "Lưu" }).click();
  const recorded = page.locator("li.visit", { hasText: tag });
  await expect(recorded).toHaveCount(1);
  const { visits } = await (await page.request.get(`/api/v1/households/${household}`)).json();
  const visit = visits.find((v: { note: string }) => v.note === tag).id;

  // Meanwhile the team leader voids it from their own phone.
  const phone = await browser.newContext();
  const leader = await phone.newPage();
  await signInAs(leader, "leader");
  const voided = await leader.request.post(`/api/v1/visits/${visit}/void`, { data: { reason: "Ghi trùng" } });
  expect(voided.status()).toBe(200);
  await phone.close();

  // The volunteer's page still shows it; voiding it again is theirs no more.
  await recorded.getByRole("button", { name: "Hủy lượt thăm" }).click();
  const dialog = page.getByRole("dialog", { name: "Hủy lượt thăm này?" });
  await dialog.getByLabel("Lý do hủy").fill("Ghi nhầm hộ");
  await dialog.getByRole("button", { name: "Hủy lượt thăm" }).click();
  await expect(dialog).toContainText("Tài khoản của bạn không có quyền làm việc này.");
  await expect(page.getByTestId("sync-badge")).toHaveText("Đã đồng bộ");
});

test("a resident who died leaves the TDP's figures, and is counted again if it was a mistake", async ({ page }) => {
  await signInAs(page, "leader");
  // A resident of the team's TDP who has achieved skills, and is still counted.
  const me = (await (await page.request.get("/api/v1/session")).json()).user;
  const tdpId = me.grants[0].tdp_id;
  const list = await (await page.request.get(`/api/v1/tdps/${tdpId}/households?limit=200`)).json();
  let found: { household: string; id: string; name: string; achieved: number } | undefined;
  for (const h of list) {
    const { residents } = await (await page.request.get(`/api/v1/households/${h.id}`)).json();
    const r = residents.find((r: { achieved: string[]; departure?: unknown }) => r.achieved.length > 0 && !r.departure);
    if (r) {
      found = { household: h.id, id: r.id, name: r.full_name, achieved: r.achieved.length };
      break;
    }
  }
  expect(found).toBeDefined();
  const { household, id, name, achieved } = found!;
  // Every skill's line reads "share (achieved / residents it counts)": their sum of achieved.
  const achievedOnTdp = async () => {
    await page.goto(`/to/${tdpId}`);
    const values = page.locator("ul.figures").first().locator(".figure-value");
    await expect(values.first()).toBeVisible();
    const lines = await values.allTextContents();
    return lines.map((l) => Number(l.split("(")[1].split("/")[0].trim())).reduce((a, b) => a + b, 0);
  };
  const before = await achievedOnTdp();

  await page.goto(`/nguoi/${id}`);
  await page.getByRole("button", { name: "Người này đã chuyển đi hoặc đã mất" }).click();
  await page.getByLabel("Lý do").selectOption("deceased");
  await page.getByRole("button", { name: "Ghi nhận và thôi tính vào số liệu" }).click();
  await expect(page.getByTestId("departure")).toContainText("Đã mất ngày");
  expect(await seriousViolations(page)).toEqual([]);
  await page.goto(`/ho/${household}`);
  await expect(page.locator("ul.list li", { hasText: name }).locator(".badge.departed")).toHaveText("không còn ở phường");
  expect(await achievedOnTdp()).toBe(before - achieved);

  // Entered by mistake: the team counts them again.
  await page.goto(`/nguoi/${id}`);
  await page.getByRole("button", { name: "Ghi nhầm – tính lại người này" }).click();
  await expect(page.getByTestId("departure")).toHaveCount(0);
  expect(await achievedOnTdp()).toBe(before);
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
