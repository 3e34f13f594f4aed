import { test, expect, Page } from "@playwright/test";
import { signInAs } from "./accounts";
import { personalWords } from "./people";
import { seriousViolations } from "./a11y";

// A province's roles (Hà Nội, the demo ward's city): every ward side by side, figures only;
// its admin starts Ngõ Số in a ward and makes the ward's first admin.

const PROVINCE = "Thành phố Hà Nội";

async function wardRows(page: Page) {
  return page.locator("table.wards tbody tr");
}

test("a province admin starts a ward and makes its first admin, who signs in to the movement's targets", async ({
  page,
  browser,
}) => {
  await signInAs(page, "provinceAdmin");
  await page.goto("/");
  await expect(page).toHaveURL(/\/tinh\/1$/);
  await expect(page.getByRole("heading", { level: 1, name: PROVINCE })).toBeVisible();
  // Every ward of the official list, the ones not started yet included.
  await expect(await wardRows(page)).toHaveCount(126);
  expect(await seriousViolations(page)).toEqual([]);

  // A ward not started yet: the first the list offers (a second try finds another).
  const choice = page.getByLabel("Phường, xã chưa triển khai");
  const ward = (await choice.locator("option").first().innerText()).trim();
  const code = await choice.locator("option").first().getAttribute("value");
  await expect(page.locator(`tr[data-ward="${code}"]`)).toContainText("Chưa triển khai");
  await page.getByRole("button", { name: "Triển khai", exact: true }).click();
  const said = page.locator(".onboarding p[role=status]");
  await expect(said.first()).toHaveText(`Đã triển khai ở ${ward}.`);
  await expect(page.locator(`tr[data-ward="${code}"]`)).not.toContainText("Chưa triển khai");
  await expect(page.locator(`tr[data-ward="${code}"]`)).toContainText("Tuần này chưa có lượt thăm");

  // Its first admin, chosen for the ward just started.
  await expect(page.getByLabel("Phường, xã", { exact: true })).toHaveValue(code!);
  const phone = `039${String(Date.now()).slice(-7)}`;
  await page.getByLabel("Họ và tên").fill("Đỗ Minh Châu");
  await page.getByLabel("Số điện thoại").fill(phone);
  await page.getByLabel("Mật khẩu ban đầu").fill("ngo so den tung nha");
  await page.getByRole("button", { name: "Tạo tài khoản" }).click();
  await expect(said.last()).toHaveText(
    `Đỗ Minh Châu đã có thể đăng nhập là cán bộ phường của ${ward}.`,
  );

  // The new admin, on their own phone: straight to their ward, with the movement's targets.
  const context = await browser.newContext();
  const theirs = await context.newPage();
  await theirs.goto("/");
  await theirs.getByLabel("Số điện thoại").fill(phone);
  await theirs.getByLabel("Mật khẩu").fill("ngo so den tung nha");
  await theirs.getByRole("button", { name: "Đăng nhập" }).click();
  await expect(theirs.getByRole("heading", { level: 1, name: ward })).toBeVisible();
  const smartphones = theirs.locator("table.skills tr", { hasText: "Sử dụng điện thoại thông minh" });
  await expect(smartphones).toContainText("85%");
  await expect(smartphones).toContainText("31/12/2026");
  await context.close();
});

test("a province viewer sorts the wards by a skill, opens a ward and its TDPs, and sees no name", async ({
  page,
  baseURL,
}) => {
  const people = await personalWords(baseURL!);
  expect(people.length).toBeGreaterThan(300);
  const noName = async (where: string) => {
    const text = await page.locator("main").innerText();
    expect(
      people.filter((w) => text.includes(w)),
      `${where} shows personal data`,
    ).toEqual([]);
  };

  await signInAs(page, "provinceViewer");
  await page.goto("/");
  await expect(page).toHaveURL(/\/tinh\/1$/);
  await expect(page.getByRole("heading", { level: 1, name: PROVINCE })).toBeVisible();
  // A viewer starts nothing.
  await expect(page.getByRole("button", { name: "Triển khai", exact: true })).toHaveCount(0);
  await noName("the province");

  // The emulation table's order first (thi đua), the best ward ranked 1.
  await expect(page.getByRole("columnheader", { name: "Hạng" })).toHaveAttribute("aria-sort", "ascending");
  await expect((await wardRows(page)).first().locator("td").first()).toHaveText("1");
  const smartphones = page.getByRole("columnheader", { name: "Sử dụng điện thoại thông minh" });
  await smartphones.getByRole("button").click();
  await expect(smartphones).toHaveAttribute("aria-sort", "descending");
  // Started wards first, with the most smartphone users: Phú Diễn, the one with data.
  const first = (await wardRows(page)).first();
  await expect(first).toHaveAttribute("data-ward", "619");
  await expect(first.locator("td").first()).toHaveText("1");
  await smartphones.getByRole("button").click();
  await expect(smartphones).toHaveAttribute("aria-sort", "ascending");

  await page.locator('tr[data-ward="619"]').getByRole("link", { name: "Phường Phú Diễn" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Phường Phú Diễn" })).toBeVisible();
  // Every TDP's figures, none of them opening its people.
  await expect(page.locator("table.tdps tbody tr")).toHaveCount(52);
  await expect(page.locator("table.tdps tr", { hasText: "Tổ dân phố số 1" }).first()).toBeVisible();
  await expect(page.locator('a[href^="/to/"], a[href^="/ho/"], a[href^="/nguoi/"]')).toHaveCount(0);
  await noName("the ward");

  await page.getByRole("link", { name: `Về ${PROVINCE}` }).click();
  await expect(page.getByRole("heading", { level: 1, name: PROVINCE })).toBeVisible();
});
