import { test, expect, Page } from "@playwright/test";
import { signInAs } from "./accounts";
import { seriousViolations } from "./a11y";

type Person = { id: string; full_name: string; birth_year: number; address: string };

/** Residents of the volunteer's TDP who are neither ambassadors nor anyone's learners yet. */
async function newcomers(page: Page, count: number): Promise<Person[]> {
  const tdps = await (await page.request.get("/api/v1/wards/619/tdps")).json();
  const tdp = tdps.find((t: { code: string }) => t.code === "TDP-01");
  const households = await (await page.request.get(`/api/v1/tdps/${tdp.id}/households?limit=200`)).json();
  const found: Person[] = [];
  for (const h of households) {
    const household = await (await page.request.get(`/api/v1/households/${h.id}`)).json();
    for (const r of household.residents) {
      const resident = await (await page.request.get(`/api/v1/residents/${r.id}`)).json();
      if (resident.mentor_id === null && resident.learns_from === null) {
        found.push({ id: r.id, full_name: r.full_name, birth_year: r.birth_year, address: household.address });
        if (found.length === count) return found;
      }
    }
  }
  throw new Error(`only ${found.length} residents free of the network`);
}

/** The ward's mentors at their quota, as the dashboard's models table shows them. */
async function atQuota(page: Page) {
  await page.goto("/phuong/619");
  const cell = page.locator('tr[data-model="ambassadors"] td').first();
  await expect(cell).toHaveText(/^\d+ \/ \d+$/);
  return (await cell.textContent())!.split(" / ").map(Number);
}

test("a digital ambassador registered with five learners clears the quota flag", async ({ page }) => {
  await signInAs(page, "volunteer");
  const [mentor, ...learners] = await newcomers(page, 6);
  const [metBefore, mentorsBefore] = await atQuota(page);

  await page.goto(`/nguoi/${mentor.id}`);
  await page.getByRole("button", { name: "Đăng ký làm Đại sứ số" }).click();
  await expect(page.getByText("Là Đại sứ số.")).toBeVisible();
  const mentorId = (await (await page.request.get(`/api/v1/residents/${mentor.id}`)).json()).mentor_id;
  await page.getByRole("link", { name: "Xem mạng lưới Đại sứ số" }).click();

  const item = page.locator(`li.mentor[data-mentor="${mentorId}"]`);
  await expect(item.locator(".quota-flag")).toHaveText("Chưa đủ chỉ tiêu");
  await expect(item.locator(".learner-count")).toHaveText("0/5 người được hướng dẫn");
  await item.getByRole("button", { name: "Thêm người được hướng dẫn" }).click();
  for (const [i, learner] of learners.entries()) {
    await item.getByLabel("Tên người dân").fill(learner.full_name);
    await item.getByRole("button", { name: "Tìm", exact: true }).click();
    await item
      .locator("li", { hasText: `${learner.birth_year} · ${learner.address}` })
      .getByRole("button", { name: `Thêm ${learner.full_name}` })
      .click();
    await expect(item.locator(".learner-count")).toHaveText(`${i + 1}/5 người được hướng dẫn`);
    if (i < learners.length - 1) {
      await expect(item.locator(".quota-flag")).toBeVisible();
    }
  }
  await expect(item.locator(".quota-flag")).toHaveCount(0);
  await expect(item.locator(".badge", { hasText: "Đủ chỉ tiêu" })).toBeVisible();
  await expect(item.getByRole("link", { name: learners[0].full_name })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);

  // The learner's own page names their ambassador; the dashboard counts one more at quota.
  await item.getByRole("link", { name: learners[0].full_name }).click();
  await expect(page.getByText(`Được Đại sứ số ${mentor.full_name} hướng dẫn.`)).toBeVisible();
  expect(await atQuota(page)).toEqual([metBefore + 1, mentorsBefore + 1]);
});

test("nobody is their own digital ambassador", async ({ page }) => {
  await signInAs(page, "volunteer");
  const [mentor] = await newcomers(page, 1);
  await page.goto(`/nguoi/${mentor.id}`);
  await page.getByRole("button", { name: "Đăng ký làm Đại sứ số" }).click();
  await page.getByRole("link", { name: "Xem mạng lưới Đại sứ số" }).click();
  const mentorId = (await (await page.request.get(`/api/v1/residents/${mentor.id}`)).json()).mentor_id;
  const item = page.locator(`li.mentor[data-mentor="${mentorId}"]`);
  await item.getByRole("button", { name: "Thêm người được hướng dẫn" }).click();
  await item.getByLabel("Tên người dân").fill(mentor.full_name);
  await item.getByRole("button", { name: "Tìm", exact: true }).click();
  await item
    .locator("li", { hasText: `${mentor.birth_year} · ${mentor.address}` })
    .getByRole("button", { name: `Thêm ${mentor.full_name}` })
    .click();
  await expect(item.getByText("Một người không thể tự làm Đại sứ số hướng dẫn chính mình.")).toBeVisible();
  await expect(item.locator(".learner-count")).toHaveText("0/5 người được hướng dẫn");
});
