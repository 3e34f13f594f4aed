import { test, expect } from "./clock";
import { readFile } from "node:fs/promises";
import { signInAs } from "./accounts";
import { seriousViolations } from "./a11y";

test("a viewer downloads every TDP's indicators from the dashboard, Vietnamese intact", async ({ page }) => {
  await signInAs(page, "viewer");
  await page.goto("/phuong/619");
  for (const [link, extension] of [["CSV", "csv"], ["Excel (.xlsx)", "xlsx"]]) {
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: link, exact: true }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^chi-so-619-\\d{4}-\\d{2}-\\d{2}\\.${extension}$`));
    const bytes = await readFile((await download.path())!);
    if (extension === "csv") {
      const lines = bytes.toString("utf8").replace(/^\uFEFF/, "").trim().split("\n");
      expect(lines[0]).toContain("Tổ dân phố");
      expect(lines).toHaveLength(1 + 52 + 1);
      expect(lines.at(-1)).toContain("Toàn phường");
    } else {
      // A zip archive: the .xlsx container.
      expect(bytes.subarray(0, 2).toString("latin1")).toBe("PK");
    }
  }
});

test("a team leader downloads the households still to reach, as the list shows them", async ({ page }) => {
  await signInAs(page, "leader");
  await page.goto("/phuong/619");
  await page.getByRole("link", { name: "Tổ dân phố số 1", exact: true }).click();
  await page.getByLabel("Hiển thị").selectOption({ label: "Hộ còn người từ 16 tuổi chưa có danh tính số" });
  const first = (await page.locator("ul.households li").first().getByRole("link").textContent())!;
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.locator("p.downloads").getByRole("link", { name: "CSV" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^ho-TDP-01-missing_identity-\d{4}-\d{2}-\d{2}\.csv$/);
  const lines = (await readFile((await download.path())!)).toString("utf8").replace(/^\uFEFF/, "").trim().split("\n");
  expect(lines[0]).toContain("Người từ 16 tuổi chưa có danh tính số");
  expect(lines[1].startsWith(`${first},`) || lines[1].startsWith(`"${first}",`)).toBe(true);
});

test("the weekly report compares two weeks and prints on A4 without the app's menus", { tag: "@calendar" }, async ({ page }) => {
  await signInAs(page, "viewer");
  await page.goto("/phuong/619");
  await page.getByRole("link", { name: "Báo cáo tuần (in A4)" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Báo cáo tuần – Phường Phú Diễn" })).toBeVisible();
  // The last complete week, unless another is asked for.
  const api = await (await page.request.get("/api/v1/wards/619/weekly")).json();
  await expect(page.getByTestId("week-visits")).toHaveText(String(api.visits));
  expect(await seriousViolations(page)).toEqual([]);

  // The week before: its visits are what this week's report called "the week before".
  const period = await page.locator(".weekly .subtitle").textContent();
  await page.getByRole("button", { name: "← Tuần trước" }).click();
  await expect(page.locator(".weekly .subtitle")).not.toHaveText(period!);
  await expect(page.getByTestId("week-visits")).toHaveText(String(api.visits_before));

  await page.emulateMedia({ media: "print" });
  await expect(page.getByRole("navigation")).toBeHidden();
  await expect(page.getByRole("button", { name: "In báo cáo" })).toBeHidden();
  const pdf = (await page.pdf({ format: "A4" })).toString("latin1");
  const pages = pdf.match(/\/Type\s*\/Page[^s]/g)?.length ?? 0;
  expect(pages).toBeGreaterThanOrEqual(1);
  expect(pages).toBeLessThanOrEqual(3);
});
