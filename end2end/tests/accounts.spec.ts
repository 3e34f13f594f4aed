import { execFileSync } from "node:child_process";
import { test, expect, APIRequestContext } from "@playwright/test";
import { PASSWORD, PHONES, signInAs } from "./accounts";

/// Ids the tests need, looked up by the demo ward's admin on a request context of its own.
async function asAdmin(request: APIRequestContext) {
  const res = await request.post("/api/v1/session", {
    data: { phone: PHONES.admin, password: PASSWORD },
  });
  expect(res.status()).toBe(200);
  const tdps: { id: string; code: string }[] = await (await request.get("/api/v1/wards/619/tdps")).json();
  const second = tdps.find((t) => t.code === "TDP-02")!;
  const households: { id: string }[] = await (
    await request.get(`/api/v1/tdps/${second.id}/households?limit=1`)
  ).json();
  return { secondTdp: second.id, householdOfSecondTdp: households[0].id };
}

test("a volunteer signs in, sees only their TDP's households, and records a visit there", async ({ page, request }) => {
  const ids = await asAdmin(request);
  await page.goto("/phuong/619");
  await expect(page.getByRole("heading", { level: 1, name: "Đăng nhập" })).toBeVisible();
  // A demo server lists its accounts.
  await expect(page.getByRole("cell", { name: PHONES.volunteer })).toBeVisible();

  await page.getByLabel("Số điện thoại").fill("0900 619 003");
  await page.getByLabel("Mật khẩu").fill("not the password");
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await expect(page.getByRole("alert")).toHaveText("Số điện thoại hoặc mật khẩu không đúng.");
  await page.getByLabel("Mật khẩu").fill(PASSWORD);
  await page.getByRole("button", { name: "Đăng nhập" }).click();

  await expect(page.getByRole("heading", { level: 1, name: "Phường Phú Diễn" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Đăng xuất" })).toBeVisible();
  // Their own TDP opens; the others are figures only.
  await expect(page.getByRole("link", { name: "Tổ dân phố số 2", exact: true })).toHaveCount(0);
  await page.getByRole("link", { name: "Tổ dân phố số 1", exact: true }).click();
  await expect(page.locator("ul.households li").first()).toBeVisible();
  await page.locator("ul.households li a").first().click();
  await page.getByRole("link", { name: "Ghi nhận buổi hỗ trợ" }).click();
  await page.locator("fieldset", { hasText: "Người đi hỗ trợ" }).getByRole("checkbox").first().check();
  await page.getByLabel("Ghi chú").fill("Hướng dẫn thanh toán QR");
  await page.getByRole("button", { name: "Lưu" }).click();
  await expect(page.getByText("Hướng dẫn thanh toán QR")).toBeVisible();

  // Another TDP's household, typed into the address bar, is not there for them.
  await page.goto(`/ho/${ids.householdOfSecondTdp}`);
  await expect(page.getByRole("alert")).toHaveText("Không tìm thấy dữ liệu.");
  // Search finds people of their TDP only.
  await page.goto("/phuong/619/tim-kiem");
  await page.getByLabel("Tìm hộ gia đình hoặc người dân").fill("nguyen");
  await page.getByRole("button", { name: "Tìm" }).click();
  await expect(page.getByRole("heading", { level: 2, name: "Người dân" })).toBeVisible();
  const places = await page.locator("ul.list li").allTextContents();
  expect(places.length).toBeGreaterThan(0);
  for (const place of places) expect(place).not.toContain("Tổ dân phố số 2");

  await page.getByRole("button", { name: "Đăng xuất" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Đăng nhập" })).toBeVisible();
});

test("a viewer sees the dashboard and no names", async ({ page, request }) => {
  const ids = await asAdmin(request);
  await signInAs(page, "viewer");
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Phường Phú Diễn" })).toBeVisible();
  await expect(page.locator("table.tdps tbody tr")).toHaveCount(52);
  await expect(page.locator('a[href^="/to/"], a[href^="/ho/"], a[href^="/nguoi/"]')).toHaveCount(0);
  await expect(page.getByRole("navigation").getByRole("link", { name: "Tìm kiếm" })).toHaveCount(0);
  await page.goto(`/to/${ids.secondTdp}`);
  await expect(page.getByRole("alert")).toHaveText("Tài khoản của bạn không có quyền làm việc này.");
  await page.goto(`/ho/${ids.householdOfSecondTdp}`);
  await expect(page.getByRole("alert")).toHaveText("Không tìm thấy dữ liệu.");
});

test("a session that ends mid-form keeps the visit and sends it after signing in again", async ({ page }) => {
  await signInAs(page, "volunteer");
  await page.goto("/phuong/619");
  await page.getByRole("link", { name: "Tổ dân phố số 1", exact: true }).click();
  await page.locator("ul.households li a").first().click();
  await page.getByRole("link", { name: "Ghi nhận buổi hỗ trợ" }).click();
  await page.locator("fieldset", { hasText: "Người đi hỗ trợ" }).getByRole("checkbox").first().check();
  const note = `Cài VNeID cho bà, hẹn tuần sau (${Date.now()})`;
  await page.getByLabel("Ghi chú").fill(note);

  // The session ends on the server (signed out elsewhere, or expired).
  expect((await page.request.delete("/api/v1/session")).status()).toBe(204);
  await page.getByRole("button", { name: "Lưu" }).click();
  const dialog = page.getByRole("dialog", { name: "Phiên đăng nhập đã hết" });
  await expect(dialog).toBeVisible();
  // Nothing typed is lost: the visit waits on the phone.
  await expect(page.getByTestId("sync-badge")).toHaveText("1 chưa đồng bộ");
  await dialog.getByLabel("Số điện thoại").fill(PHONES.volunteer);
  await dialog.getByLabel("Mật khẩu").fill(PASSWORD);
  await dialog.getByRole("button", { name: "Đăng nhập" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId("sync-badge")).toHaveText("Đã đồng bộ");
  await expect(page.locator(".pending-visit")).toHaveCount(0);
  await expect(page.locator("li.visit", { hasText: note })).toHaveCount(1);
});

test("the whole app runs under the Content-Security-Policy without a console error", async ({ page }) => {
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(e.message));
  const first = await page.goto("/");
  expect(first!.headers()["content-security-policy"]).toContain("script-src 'self' 'wasm-unsafe-eval' 'sha256-");
  await page.getByLabel("Số điện thoại").fill(PHONES.admin);
  await page.getByLabel("Mật khẩu").fill(PASSWORD);
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Phường Phú Diễn" })).toBeVisible();
  await expect(page.locator(".bar span").first()).toHaveCSS("width", /[1-9]/);
  await page.getByRole("link", { name: "Tổ dân phố số 3", exact: true }).click();
  await page.locator("ul.households li a").first().click();
  await page.getByRole("link", { name: "Ghi nhận buổi hỗ trợ" }).click();
  await expect(page.getByRole("button", { name: "Lưu" })).toBeVisible();
  await page.goto("/phuong/619/tim-kiem");
  await page.getByLabel("Tìm hộ gia đình hoặc người dân").fill("tran");
  await page.getByRole("button", { name: "Tìm" }).click();
  await expect(page.getByRole("heading", { level: 2, name: "Người dân" })).toBeVisible();
  // The admin's pages, and the leader's invitations with the QR code image.
  await page.getByRole("navigation").getByRole("link", { name: "Tài khoản" }).click();
  await expect(page.locator("ul.accounts > li").first()).toBeVisible();
  await page.getByRole("navigation").getByRole("link", { name: "Nhật ký" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Nhật ký thay đổi" })).toBeVisible();
  await page.locator(".who").click();
  await expect(page.getByRole("heading", { level: 1, name: "Tài khoản của tôi" })).toBeVisible();
  await page.goto("/phuong/619");
  await page.getByRole("link", { name: "Tổ dân phố số 3", exact: true }).click();
  await page.getByRole("link", { name: "Mời thành viên" }).click();
  await page.getByLabel("Họ và tên người được mời").fill("Hà Văn Khánh");
  await page.getByRole("button", { name: "Tạo lời mời" }).click();
  await expect(page.getByRole("img", { name: "Mã QR của đường link mời" })).toBeVisible();
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  expect(problems).toEqual([]);
});

test("a team leader invites a volunteer, who joins from the link", async ({ page, browser }) => {
  await signInAs(page, "leader");
  await page.goto("/phuong/619");
  await page.getByRole("link", { name: "Tổ dân phố số 1", exact: true }).click();
  await page.getByRole("link", { name: "Mời thành viên" }).click();
  await page.getByLabel("Họ và tên người được mời").fill("Đinh Thị Ngọc");
  await page.getByRole("button", { name: "Tạo lời mời" }).click();
  await expect(page.getByRole("heading", { name: "Lời mời cho Đinh Thị Ngọc" })).toBeVisible();
  await expect(page.getByRole("img", { name: "Mã QR của đường link mời" })).toBeVisible();
  const link = await page.getByLabel("Đường link mời").inputValue();
  expect(link).toMatch(/\/moi\/[A-Za-z0-9_-]{43}$/);
  await expect(page.locator("ul.invitations li", { hasText: "Đinh Thị Ngọc" })).toContainText("Đang chờ");

  // The volunteer, on their own phone, opens the link.
  const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: "vi-VN" });
  const volunteer = await phone.newPage();
  await volunteer.goto(link);
  await expect(volunteer.getByText("Chào Đinh Thị Ngọc")).toBeVisible();
  await volunteer.getByLabel("Số điện thoại").fill("0987 654 321");
  await volunteer.getByLabel("Chọn mật khẩu").fill("12345678");
  await volunteer.getByRole("button", { name: "Tham gia" }).click();
  await expect(volunteer.locator("#invitation-password-error")).toContainText("quá dễ đoán");
  await volunteer.getByLabel("Chọn mật khẩu").fill("nha toi co ba cay cau");
  await volunteer.getByRole("button", { name: "Tham gia" }).click();
  await expect(volunteer.getByRole("heading", { level: 1, name: "Phường Phú Diễn" })).toBeVisible();
  // On a phone, the person's name is in the menu.
  await volunteer.getByRole("button", { name: "Menu" }).click();
  await expect(volunteer.getByRole("link", { name: "Đinh Thị Ngọc" })).toBeVisible();
  // The link works once.
  await volunteer.goto(link);
  await expect(volunteer.getByRole("alert")).toContainText("đã hết hạn, đã được dùng hoặc đã bị thu hồi");
  await phone.close();

  await page.reload();
  await expect(page.locator("ul.invitations li", { hasText: "Đinh Thị Ngọc" })).toContainText("Đã tham gia");
});

test("a ward admin makes an account, changes its role, and finds it all in the audit log", async ({ page }) => {
  await signInAs(page, "admin");
  await page.goto("/phuong/619");
  await page.getByRole("navigation").getByRole("link", { name: "Tài khoản" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Tài khoản và vai trò" })).toBeVisible();
  await page.getByLabel("Họ và tên").fill("Lò Văn Pao");
  await page.getByLabel("Số điện thoại").fill("0911 222 333");
  await page.getByLabel("Mật khẩu ban đầu").fill("suoi nuoc trong veo");
  await page.getByLabel("Vai trò").first().selectOption("team_leader");
  await page.getByRole("button", { name: "Tạo tài khoản" }).click();
  await expect(page.locator("#account-role-tdp-error")).toHaveText(
    "Vai trò tổ trưởng và thành viên tổ cần chọn một tổ dân phố; các vai trò khác thì không.",
  );
  await page.getByLabel("Tổ dân phố").first().selectOption({ label: "Tổ dân phố số 4" });
  await page.getByRole("button", { name: "Tạo tài khoản" }).click();
  const row = page.locator("ul.accounts > li", { hasText: "Lò Văn Pao" });
  await expect(row).toContainText("Tổ trưởng tổ CNSCĐ – Tổ dân phố số 4, Phường Phú Diễn");

  await row.getByText("Quản lý").click();
  await row.getByLabel("Vai trò").selectOption("viewer");
  await row.getByRole("button", { name: "Lưu vai trò" }).click();
  await expect(page.locator("ul.accounts > li", { hasText: "Lò Văn Pao" })).toContainText("Xem số liệu – Phường Phú Diễn");

  await page.getByRole("navigation").getByRole("link", { name: "Nhật ký" }).click();
  await page.getByLabel("Dữ liệu").selectOption("users");
  await expect(page.locator("table.audit tbody tr").first()).toContainText("0911222333");
  await page.getByLabel("Dữ liệu").selectOption("role_grants");
  await expect(page.locator("table.audit tbody tr").first()).toContainText("viewer");
});

test("the audit page warns that the data has no backup until the server takes one", async ({ page }) => {
  await signInAs(page, "admin");
  await page.goto("/phuong/619");
  await page.getByRole("navigation").getByRole("link", { name: "Nhật ký" }).click();
  const age = page.locator("p.backup-age");
  await expect(age).toHaveText(
    "Máy chủ chưa có bản sao lưu dữ liệu nào. Đã quá 2 ngày chưa sao lưu: hãy báo người quản lý máy chủ ngay.",
  );
  await expect(age).toHaveAttribute("role", "alert");

  // What the server's IT officer runs, here beside the running server of this suite.
  const out = execFileSync("../target/debug/ngo-so", ["--data-dir", "../target/e2e-data", "backup"], {
    env: { ...process.env, RUST_LOG: "warn" },
  }).toString();
  expect(out).toMatch(/e2e-data\/backups\/ngoso-\d{4}-\d{2}-\d{2}-\d{6}\.dump \(\d+ bytes\)/);
  await page.reload();
  await expect(age).toContainText("Bản sao lưu dữ liệu gần nhất:");
  await expect(age).toContainText("(cách đây dưới 1 giờ,");
  await expect(age).toHaveAttribute("role", "status");
  await expect(age).not.toContainText("Đã quá 2 ngày");
});

test("a ward admin shows a resident their data, then erases it at their request; the household shows them unnamed", async ({ page }) => {
  await signInAs(page, "admin");
  // A resident of their own, in a household of TDP 50, which no other journey looks at.
  const tdps: { id: string; code: string }[] = await (await page.request.get("/api/v1/wards/619/tdps")).json();
  const tdp = tdps.find((t) => t.code === "TDP-50")!;
  const [household] = await (await page.request.get(`/api/v1/tdps/${tdp.id}/households?limit=1`)).json();
  const created = await page.request.post("/api/v1/wards/619/residents", {
    data: { id: null, household_id: household.id, full_name: "Đinh Thị Xin Xoá", birth_year: 1950, gender: "female", consent: true },
  });
  expect(created.status()).toBe(201);
  const resident = await created.json();

  await page.goto(`/nguoi/${resident.id}`);
  await expect(page.getByRole("heading", { level: 1, name: "Đinh Thị Xin Xoá" })).toBeVisible();
  // First what is held about them, to print and hand over.
  await page.getByRole("link", { name: "Xem và in toàn bộ dữ liệu đang lưu về người này" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Dữ liệu của Đinh Thị Xin Xoá" })).toBeVisible();
  await expect(page.getByRole("row", { name: /Năm sinh\s+1950/ })).toBeVisible();
  await expect(page.getByRole("link", { name: "Tải về (JSON)" })).toHaveAttribute("href", `/api/v1/residents/${resident.id}/export`);
  await page.goBack();
  await page.getByRole("button", { name: "Xoá dữ liệu của người này" }).click();
  const dialog = page.getByRole("alertdialog", { name: "Xoá dữ liệu của người này?" });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Xoá vĩnh viễn" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Người đã yêu cầu xoá dữ liệu" })).toBeVisible();
  await expect(page.getByText("Đinh Thị Xin Xoá")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Xoá dữ liệu của người này" })).toHaveCount(0);

  await page.goto(`/ho/${household.id}`);
  await expect(page.getByRole("link", { name: "Người đã yêu cầu xoá dữ liệu" })).toBeVisible();
});

test("a resident's consent is recorded at the door, then withdrawn; the visit form stops offering them", async ({ page }) => {
  await signInAs(page, "admin");
  // A member of TDP 50's second household, from the ward's list: no consent recorded yet.
  const tdps: { id: string; code: string }[] = await (await page.request.get("/api/v1/wards/619/tdps")).json();
  const tdp = tdps.find((t) => t.code === "TDP-50")!;
  const households: { id: string }[] = await (await page.request.get(`/api/v1/tdps/${tdp.id}/households?limit=2`)).json();
  const household = households[1];
  const detail = await (await page.request.get(`/api/v1/households/${household.id}`)).json();
  const person: { id: string; full_name: string; birth_year: number } = detail.residents.find(
    (r: { full_name: string; consent_withdrawn?: boolean }) => r.full_name !== "" && !r.consent_withdrawn,
  );

  await page.goto(`/nguoi/${person.id}`);
  const consent = page.getByRole("region", { name: "Sự đồng ý của người dân" });
  await expect(consent).toContainText("Chưa ghi nhận sự đồng ý");
  // The purpose, to read to them before they agree.
  await expect(consent).toContainText("Bình dân học vụ số");
  await consent.getByRole("button", { name: "Người dân đồng ý" }).click();
  await expect(consent).toContainText(/Đã đồng ý ngày .+, do .+ ghi nhận/);
  await expect(page.getByRole("region", { name: "Đại sứ số" })).toBeVisible();

  await consent.getByRole("button", { name: "Người dân rút lại sự đồng ý" }).click();
  await expect(consent).toContainText("Đã rút lại sự đồng ý ngày");
  // Nothing new about them: not an ambassador's role either.
  await expect(page.getByRole("region", { name: "Đại sứ số" })).toHaveCount(0);

  await page.goto(`/ho/${household.id}`);
  await expect(page.getByRole("listitem").filter({ hasText: person.full_name })).toContainText("Đã rút lại sự đồng ý");
  await page.goto(`/ho/${household.id}/ghi-nhan`);
  await expect(page.getByRole("heading", { level: 2, name: "Đã hướng dẫn" })).toBeVisible();
  await expect(page.getByText(`${person.full_name} (${person.birth_year})`)).toHaveCount(0);
});
