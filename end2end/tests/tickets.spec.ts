import { test, expect } from "@playwright/test";
import { signInAs } from "./accounts";
import { seriousViolations } from "./a11y";

test("a volunteer escalates a problem at a household and the rapid-response team resolves it", async ({ page: volunteer, browser }) => {
  // Two phones: the volunteer's at the door, the responder's at the ward.
  await signInAs(volunteer, "volunteer");
  await volunteer.goto("/");
  await volunteer.getByRole("link", { name: "Tổ dân phố số 1", exact: true }).click();
  await volunteer.locator("ul.households li").first().getByRole("link").first().click();
  await volunteer.getByRole("link", { name: "Nhờ tổ ứng cứu" }).click();
  await expect(volunteer.getByRole("heading", { level: 1, name: "Báo vướng mắc" })).toBeVisible();

  const title = `Không kích hoạt được VNeID mức 2 (${Date.now()})`;
  await volunteer.getByLabel("Người cần hỗ trợ").selectOption({ index: 1 });
  await volunteer.getByLabel("Liên quan đến").selectOption({ label: "Định danh điện tử VNeID mức độ 2" });
  await volunteer.getByLabel("Vướng mắc là gì").fill(title);
  // An identity-card number is refused before anything is sent, and said why in Vietnamese.
  const description = volunteer.getByLabel("Đã thử những gì, lỗi báo ra sao");
  await description.fill("CCCD của bà: 001 158 012345, ảnh khuôn mặt không khớp");
  await volunteer.getByRole("button", { name: "Gửi tổ ứng cứu" }).click();
  await expect(volunteer.getByText("Ngõ Số không lưu các số này")).toBeVisible();
  await expect(description).toHaveAttribute("aria-invalid", "true");
  expect(await seriousViolations(volunteer)).toEqual([]);
  await description.fill("Ảnh khuôn mặt không khớp, đã thử ba lần.");
  await volunteer.getByRole("button", { name: "Gửi tổ ứng cứu" }).click();
  await expect(volunteer.getByRole("heading", { level: 1, name: title })).toBeVisible();
  await expect(volunteer.getByTestId("ticket-status")).toHaveText("Chờ nhận");
  const ticketUrl = volunteer.url();
  // Only the rapid-response team handles it.
  await expect(volunteer.getByRole("button", { name: "Đánh dấu đã giải quyết" })).toHaveCount(0);

  const responder = await (await browser.newContext()).newPage();
  await signInAs(responder, "responder");
  await responder.goto("/phuong/619");
  await expect(responder.getByRole("heading", { name: "Vướng mắc chờ tổ ứng cứu" })).toBeVisible();
  await responder.getByRole("navigation").getByRole("link", { name: "Ứng cứu" }).click();
  await expect(responder.getByRole("heading", { level: 1, name: "Tổ ứng cứu" })).toBeVisible();
  await responder.getByRole("link", { name: title }).click();
  await responder.getByRole("button", { name: "Tôi nhận xử lý" }).click();
  await expect(responder.getByTestId("ticket-status")).toHaveText("Đang xử lý");
  await expect(responder.locator("ol.history li").filter({ hasText: "Giao cho" })).toHaveCount(1);

  // Resolving says how.
  await responder.getByRole("button", { name: "Đánh dấu đã giải quyết" }).click();
  await expect(responder.getByText("Trường này là bắt buộc.")).toBeVisible();
  const how = "Đưa bà ra công an phường cập nhật ảnh; đã kích hoạt được.";
  await responder.getByLabel(/Đã giải quyết thế nào/).fill(how);
  await responder.getByRole("button", { name: "Đánh dấu đã giải quyết" }).click();
  await expect(responder.getByTestId("ticket-status")).toHaveText("Đã giải quyết");
  await expect(responder.locator("dl.facts")).toContainText("Thời gian giải quyết");
  await expect(responder.locator("ol.history li").last()).toContainText(how);
  expect(await seriousViolations(responder)).toEqual([]);

  // The volunteer sees it resolved, and it has left the queue for the resolved list.
  await volunteer.goto(ticketUrl);
  await expect(volunteer.getByTestId("ticket-status")).toHaveText("Đã giải quyết");
  await responder.getByRole("link", { name: "Tổ ứng cứu" }).click();
  await expect(responder.getByRole("link", { name: title })).toHaveCount(0);
  await responder.getByRole("button", { name: "Đã giải quyết" }).click();
  await expect(responder.locator("ul.tickets li").first()).toContainText(title);
});
