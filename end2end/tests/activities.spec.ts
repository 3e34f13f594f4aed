import { Page } from "@playwright/test";
import { test, expect, atInstant, daysToNextMonday, vietnamDay } from "./clock";
import { signInAs } from "./accounts";
import { seriousViolations } from "./a11y";

/** Schedules a class of the leader's TDP on `day` (19:30–21:00), which opens its page. */
async function schedule(page: Page, title: string, day: string) {
  await page.getByLabel("Tên hoạt động").fill(title);
  await page.getByLabel("Địa điểm").fill("Nhà văn hoá tổ 1");
  await page.getByLabel("Ngày", { exact: true }).fill(day);
  await page.getByLabel("Người/đơn vị tổ chức").fill("Tổ công nghệ số tổ 1");
  await page.getByRole("button", { name: "Lên lịch hoạt động" }).click();
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
}

test("a team leader schedules a class, takes attendance and sees the attendees' skills update", { tag: "@calendar" }, async ({ page }) => {
  await signInAs(page, "leader");
  await page.goto("/phuong/619");
  await page.getByRole("navigation").getByRole("link", { name: "Hoạt động" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Lớp học và hoạt động" })).toBeVisible();

  // Today, 19:30–21:00 by default, for the leader's own TDP; its own title for this run.
  const title = `Lớp iHanoi cho người cao tuổi ${Date.now()}`;
  await page.getByLabel("Loại hoạt động").selectOption({ label: "Lớp cho người cao tuổi" });
  await page.getByLabel("Tên hoạt động").fill(title);
  await expect(page.getByLabel("Dành cho")).toHaveValue(/.+/);
  await page.getByLabel("Địa điểm").fill("Nhà văn hoá tổ 1");
  await page.getByLabel("Người/đơn vị tổ chức").fill("Chi đoàn tổ 1");
  await page.getByLabel("Sức chứa (số người)").fill("3");
  await page.getByLabel("Ứng dụng của thành phố (iHanoi)").check();
  await page.getByRole("button", { name: "Lên lịch hoạt động" }).click();
  // Scheduling opens what was scheduled.
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  await expect(page.getByText("Hướng dẫn: Ứng dụng của thành phố (iHanoi)")).toBeVisible();

  // Three residents found by name without diacritics, then a fourth above the capacity.
  const count = page.locator(".attendance-count");
  for (let i = 0; i < 4; i++) {
    await page.getByLabel(/Thêm người dự/).fill("nguyen");
    await page.getByRole("button", { name: "Tìm", exact: true }).click();
    await page.getByRole("button", { name: /^Thêm / }).nth(i).click();
    if (i < 3) await expect(count).toHaveText(`${i + 1}/3 người dự`);
  }
  await expect(page.getByRole("alert")).toContainText("Số người dự vượt quá sức chứa");
  await expect(count).toHaveText("3/3 người dự");
  await page.getByRole("button", { name: "Vẫn ghi nhận" }).click();
  await expect(count).toHaveText("4/3 người dự");
  const attendees = page.locator("ul.attendees li a");
  await expect(attendees).toHaveCount(4);

  // The organiser confirms: the fourth has not got it yet.
  const fourth = (await attendees.nth(3).textContent())!;
  await page.getByLabel(`${fourth} đã làm được`).uncheck();
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole("button", { name: "Xác nhận và cập nhật kỹ năng" }).click();
  await expect(page.getByRole("status")).toHaveText("Đã cập nhật kỹ năng của người tham dự.");

  await attendees.first().click();
  await expect(page.locator("ul.list li", { hasText: "Ứng dụng của thành phố (iHanoi) –" }).first()).toContainText("Đã đạt");
  await expect(page.locator("ul.attended li", { hasText: title })).toContainText("Đã đạt");
  await page.goBack();
  await page.locator("ul.attendees li a", { hasText: fourth }).click();
  await expect(page.locator("ul.attended li", { hasText: title })).toContainText("Đang hướng dẫn");
});

test("attendees check themselves in by scanning the class's QR code", { tag: "@calendar" }, async ({ page, browser, now, instant }) => {
  await signInAs(page, "leader");
  await page.goto("/phuong/619/hoat-dong");
  // Tomorrow in Vietnam, so that the code works whenever the test runs.
  const title = `Lớp thanh toán QR ${Date.now()}`;
  await schedule(page, title, vietnamDay(now, 1));
  await page.getByRole("button", { name: "Hiện mã QR điểm danh" }).click();
  await expect(page.locator("figure.check-in-qr svg")).toBeVisible();
  const link = (await page.locator("figure.check-in-qr a").getAttribute("href"))!;

  // A resident on the register, typed without diacritics, and a neighbour who is not.
  const found = await page.request.get("/api/v1/wards/619/search?q=nguyen");
  const resident = (await found.json()).residents[0];
  const plain = resident.full_name.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D");
  const phoneContext = await browser.newContext();
  await atInstant(phoneContext, instant);
  const phone = await phoneContext.newPage();
  await phone.goto(link);
  await expect(phone.getByRole("heading", { level: 1, name: "Điểm danh" })).toBeVisible();
  await expect(phone.getByText(title)).toBeVisible();
  expect(await seriousViolations(phone)).toEqual([]);
  await phone.getByLabel("Họ và tên").fill(plain);
  await phone.getByLabel("Năm sinh").fill(String(resident.birth_year));
  await phone.getByRole("button", { name: "Điểm danh", exact: true }).click();
  await expect(phone.getByRole("status")).toContainText("Đã điểm danh");
  await phone.getByRole("button", { name: "Điểm danh cho người khác" }).click();
  await phone.getByLabel("Họ và tên").fill("Lê Thị Khách");
  await phone.getByLabel("Năm sinh").fill("1961");
  await phone.getByRole("button", { name: "Điểm danh", exact: true }).click();
  await expect(phone.getByRole("status")).toContainText("Lê Thị Khách");

  // The organiser reads the list again: one attendee from the register, one counted.
  await page.getByRole("button", { name: "Cập nhật danh sách người dự" }).click();
  await expect(page.locator(".attendance-count")).toHaveText("2 người dự");
  await expect(page.locator("ul.attendees li a", { hasText: resident.full_name })).toBeVisible();
  await expect(page.getByLabel("Số người dự chưa có trong sổ")).toHaveValue("1");

  // A link whose code was tampered with opens nothing.
  await phone.goto(link.replace(/ma=.{4}/, "ma=xxxx"));
  await expect(phone.getByRole("alert")).toHaveText("Không tìm thấy mục được chọn.");
});

test("a class for next Monday, scheduled late on a Sunday, is there right after scheduling", { tag: "@calendar" }, async ({ page, now }) => {
  // At the Sunday-evening edge this is tomorrow, outside the week the schedule shows.
  const monday = vietnamDay(now, daysToNextMonday(now));
  await signInAs(page, "leader");
  await page.goto("/phuong/619/hoat-dong");
  await expect(page.getByRole("heading", { level: 1, name: "Lớp học và hoạt động" })).toBeVisible();
  const title = `Lớp VNeID đầu tuần ${Date.now()}`;
  await schedule(page, title, monday);
  const [y, m, d] = monday.split("-");
  await expect(page.getByText(`19:30–21:00, ${d}/${m}/${y}`)).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});
