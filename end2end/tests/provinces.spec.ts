import { test, expect, request, APIRequestContext, Page } from "@playwright/test";
import { PASSWORD, PHONES, signInAs } from "./accounts";
import { personalWords } from "./people";
import { seriousViolations } from "./a11y";

// A province's roles (Hà Nội, the demo ward's city): every ward side by side, figures only;
// its admin starts Ngõ Số in a ward and makes the ward's first admin.

const PROVINCE = "Thành phố Hà Nội";

async function wardRows(page: Page) {
  return page.locator("table.wards tbody tr");
}

/** A role's API on a session apart from the browser's: to put back what a journey changed. */
async function apiAs(baseURL: string, role: keyof typeof PHONES) {
  const api = await request.newContext({ baseURL });
  const res = await api.post("/api/v1/session", { data: { phone: PHONES[role], password: PASSWORD } });
  expect(res.status()).toBe(200);
  return api;
}

type Target = { target_percent: number; deadline: string };

/** A skill's target and deadline in a catalogue: Hà Nội's, or the demo ward's. */
async function targetOf(api: APIRequestContext, catalogue: string, skill: string): Promise<Target> {
  const skills = await (await api.get(`/api/v1/${catalogue}/catalogue`)).json();
  const found = skills.find((s: { code: string }) => s.code === skill);
  return { target_percent: found.target_percent, deadline: found.deadline };
}

async function setTarget(api: APIRequestContext, catalogue: string, skill: string, target: Target) {
  const res = await api.put(`/api/v1/${catalogue}/catalogue/${skill}`, { data: target });
  expect(res.status(), await res.text()).toBe(200);
}

test("a province admin sets a target, starts a ward and makes its first admin, who signs in to the province's targets", async ({
  page,
  browser,
  baseURL,
}) => {
  const province = await apiAs(baseURL!, "provinceAdmin");
  const before = await targetOf(province, "provinces/1", "smartphone");
  const models = await (await province.get("/api/v1/provinces/1/models")).json();
  try {
    await startAWard(page, browser, before, models);
  } finally {
    // Hà Nội's wards follow its targets back, the demo ward among them.
    await setTarget(province, "provinces/1", "smartphone", before);
    const res = await province.put("/api/v1/provinces/1/models", { data: models });
    expect(res.status(), await res.text()).toBe(200);
  }
});

async function startAWard(
  page: Page,
  browser: import("@playwright/test").Browser,
  before: Target,
  models: { family_target: number; family_deadline: string },
) {
  await signInAs(page, "provinceAdmin");
  await page.goto("/");
  await expect(page).toHaveURL(/\/tinh\/1$/);
  await expect(page.getByRole("heading", { level: 1, name: PROVINCE })).toBeVisible();
  // Every ward of the official list, the ones not started yet included.
  await expect(await wardRows(page)).toHaveCount(126);

  // The city asks more of its wards: 90% using a smartphone, by the same deadline.
  const smartphone = page.locator('table.catalogue tr[data-skill="smartphone"]');
  const target = smartphone.getByLabel("Chỉ tiêu – Sử dụng điện thoại thông minh");
  await expect(target).toHaveValue(String(before.target_percent));
  await target.fill("0");
  await smartphone.getByRole("button", { name: "Lưu" }).click();
  await expect(smartphone).toContainText("Giá trị nằm ngoài khoảng cho phép.");
  await target.fill("90");
  await smartphone.getByRole("button", { name: "Lưu" }).click();
  await expect(page.locator('table.catalogue tr[data-skill="smartphone"] input[type="number"]')).toHaveValue("90");
  // And of "Gia đình số": 90% of households, by the same deadline.
  const modelTargets = page.locator("section.model-targets");
  const family = modelTargets.getByLabel("Chỉ tiêu Gia đình số (% số hộ)");
  await expect(family).toHaveValue(String(models.family_target));
  await family.fill("90");
  await modelTargets.getByRole("button", { name: "Lưu cài đặt" }).click();
  await expect(modelTargets.getByRole("status")).toHaveText("Đã lưu. Số liệu được tính lại theo cài đặt mới.");
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
  const deadline = before.deadline.split("-").reverse().join("/");
  await expect(smartphones).toContainText("90%");
  await expect(smartphones).toContainText(deadline);
  // Their targets beside the city's, which they may raise and not lower.
  await theirs.getByRole("navigation").getByRole("link", { name: "Mô hình" }).click();
  const theirTarget = theirs.locator('table.catalogue tr[data-skill="smartphone"]');
  await expect(theirTarget).toContainText(`90% · ${deadline}`);
  await expect(theirTarget.getByRole("button", { name: "Thôi dùng" })).toHaveCount(0);
  // The city's "Gia đình số" target too, which they may not go below.
  const familyDeadline = models.family_deadline.split("-").reverse().join("/");
  const theirFamily = theirs.getByLabel("Chỉ tiêu Gia đình số (% số hộ)");
  await expect(theirFamily).toHaveValue("90");
  await expect(theirs.locator("#family_target-hint")).toHaveText(
    `Tỉnh/thành phố giao: ít nhất 90%, hạn chậm nhất ${familyDeadline}.`,
  );
  await theirFamily.fill("80");
  await theirs.getByRole("button", { name: "Lưu cài đặt" }).click();
  await expect(theirs.locator("#family_target-error")).toHaveText(
    "Chỉ tiêu của phường/xã không được thấp hơn chỉ tiêu tỉnh/thành phố giao.",
  );
  await context.close();
}

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
  // Every ward a tile, as the table has it: Phú Diễn's share of households visited.
  await expect(page.locator(".ward-tile")).toHaveCount(126);
  const visited = await page.locator('tr[data-ward="619"] td[data-col="visited"]').innerText();
  await expect(page.locator('.ward-tile[data-ward="619"] .tile-value')).toHaveText(visited);
  await noName("the province");
  // The table as a file for the city's steering committee: every ward, no one's name.
  const csv = page.locator("p.downloads").getByRole("link", { name: "CSV" });
  const file = await page.request.get((await csv.getAttribute("href"))!);
  expect(file.status()).toBe(200);
  const text = await file.text();
  expect(text.split("\n").filter((line) => line.trim()).length).toBe(127);
  expect(text).toContain("Phường Phú Diễn");
  expect(people.filter((w) => text.includes(w))).toEqual([]);

  // Printed, the page is the week's report on landscape A4: every ward, none of the tools.
  await expect(page.getByText(/^Tuần từ \d\d\/\d\d\/\d{4} đến \d\d\/\d\d\/\d{4}$/)).toBeVisible();
  await page.emulateMedia({ media: "print" });
  await expect(page.getByRole("button", { name: "In báo cáo tuần (A4)" })).toBeHidden();
  await expect(page.locator("p.downloads")).toBeHidden();
  await expect((await wardRows(page)).last()).toBeVisible();
  const pdf = (await page.pdf({ preferCSSPageSize: true })).toString("latin1");
  const boxes = [...pdf.matchAll(/\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/g)].map((m) => [Number(m[1]), Number(m[2])]);
  expect(boxes.length).toBeGreaterThan(1);
  for (const [width, height] of boxes) {
    // A4 landscape in points: 297 × 210 mm.
    expect(Math.round(width)).toBe(842);
    expect(Math.round(height)).toBe(595);
  }
  await page.emulateMedia({ media: "screen" });

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

test("a ward raises a target above the province's, and its pace marks change", async ({ page, baseURL }) => {
  const province = await apiAs(baseURL!, "provinceAdmin");
  const ward = await apiAs(baseURL!, "admin");
  const city = await targetOf(province, "provinces/1", "ai_tools");
  const own = await targetOf(ward, "wards/619", "ai_tools");
  const dashboard = await (await ward.get("/api/v1/wards/619/dashboard")).json();
  const i = dashboard.skills.findIndex((s: { code: string }) => s.code === "ai_tools");
  const share: number = dashboard.totals.skills[i].share;
  expect(share).toBeGreaterThan(2);
  expect(share).toBeLessThan(city.target_percent);
  // A city that asks less than the ward has reached already.
  const low = Math.floor(share) - 1;
  try {
    await setTarget(province, "provinces/1", "ai_tools", { ...city, target_percent: low });
    await signInAs(page, "admin");
    await page.goto("/phuong/619");
    const row = page.locator("table.skills tr", { hasText: "Sử dụng công cụ trí tuệ nhân tạo (AI)" });
    await expect(row).toContainText(`${low}%`);
    await expect(row.locator(".badge")).toHaveText("Đã đạt");

    await page.getByRole("navigation").getByRole("link", { name: "Mô hình" }).click();
    const skill = page.locator('table.catalogue tr[data-skill="ai_tools"]');
    await expect(skill).toContainText(`${low}% · ${city.deadline.split("-").reverse().join("/")}`);
    const target = skill.getByLabel("Chỉ tiêu – Sử dụng công cụ trí tuệ nhân tạo (AI)");
    // Below the city's: refused, in Vietnamese, before anything is sent.
    await target.fill(String(low - 1));
    await skill.getByRole("button", { name: "Lưu" }).click();
    await expect(skill).toContainText("Chỉ tiêu của phường/xã không được thấp hơn chỉ tiêu tỉnh/thành phố giao.");
    await expect(target).toHaveAttribute("aria-invalid", "true");
    await target.fill("30");
    await skill.getByRole("button", { name: "Lưu" }).click();
    await expect(page.locator('table.catalogue tr[data-skill="ai_tools"] input[type="number"]')).toHaveValue("30");
    // The city gives this skill: only the city retires it.
    await expect(skill.getByRole("button", { name: "Thôi dùng" })).toHaveCount(0);
    expect(await seriousViolations(page)).toEqual([]);

    await page.goto("/phuong/619");
    await expect(row).toContainText("30%");
    await expect(row.locator(".badge")).not.toHaveText("Đã đạt");
    await expect(row.locator(".badge")).toHaveText(/Đúng tiến độ|Chậm tiến độ/);
  } finally {
    // The city's target back; the ward's follows it where it was the city's, or stays above.
    await setTarget(province, "provinces/1", "ai_tools", city);
    await setTarget(ward, "wards/619", "ai_tools", own);
  }
});

test("a province viewer presents the city's wards at its meeting: wards named, no one else", async ({
  page,
  baseURL,
}) => {
  const people = await personalWords(baseURL!);
  expect(people.length).toBeGreaterThan(300);
  await signInAs(page, "provinceViewer");
  // What the deck counts from, read as the viewer reads it.
  const overview = await (await page.request.get("/api/v1/provinces/1")).json();
  type Standing = {
    skills: { code: string }[];
    totals: { skills: { achieved: number; population: number }[] };
  };
  const started: Standing[] = overview.wards.map((w: { standing: Standing | null }) => w.standing).filter(Boolean);
  const share = (code: string) => {
    let [achieved, population] = [0, 0];
    for (const s of started) {
      const i = s.skills.findIndex((k) => k.code === code);
      if (i >= 0) {
        achieved += s.totals.skills[i].achieved;
        population += s.totals.skills[i].population;
      }
    }
    return `${((100 * achieved) / population).toFixed(1)}%`;
  };

  await page.goto("/tinh/1");
  await page.getByRole("link", { name: "Trình chiếu cho cuộc họp" }).click();
  await expect(page).toHaveURL(/\/tinh\/1\/trinh-chieu$/);
  await expect(page.getByRole("heading", { level: 1, name: PROVINCE })).toBeVisible();
  // The deck fills the screen: none of the app's menus.
  await expect(page.locator("header.top")).toHaveCount(0);
  await expect(page.locator(".headline")).toContainText(`${started.length}/126`);
  const footer = page.locator(".slide-footer");
  await expect(footer).toContainText("Trang 1/7");
  expect(await seriousViolations(page)).toEqual([]);

  const seen: string[] = [];
  for (let n = 1; n <= 7; n++) {
    await expect(footer).toContainText(`Trang ${n}/7`);
    const text = await page.locator(".slide").innerText();
    expect(people.filter((w) => text.includes(w)), `slide ${n} shows personal data`).toEqual([]);
    seen.push(text);
    await page.keyboard.press("ArrowRight");
  }
  // The city's share of each skill, counted over its started wards.
  const smartphone = page.locator(".skill-row", { hasText: "Sử dụng điện thoại thông minh" });
  await page.keyboard.press("Home");
  await page.keyboard.press("ArrowRight");
  // Every ward a tile, saying which have not started.
  await expect(page.locator(".ward-tile")).toHaveCount(126);
  await expect(page.locator(".ward-tile", { hasText: "Chưa triển khai" })).toHaveCount(126 - started.length);
  await page.keyboard.press("ArrowRight");
  await expect(smartphone.locator(".skill-share")).toHaveText(share("smartphone"));
  // The emulation table names the wards, Phú Diễn the first; the last slide the wards not
  // started yet.
  expect(seen[4]).toContain("Phường Phú Diễn");
  expect(seen[6]).toContain(`${126 - started.length} phường, xã chưa triển khai`);
  expect(await seriousViolations(page)).toEqual([]);
});
