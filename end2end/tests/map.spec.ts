import { test, expect, Page } from "@playwright/test";
import { signInAs } from "./accounts";

// The ward map: one shape per TDP, coloured by the chosen indicator against its target.

async function fills(page: Page): Promise<string[]> {
  return page.locator("svg.ward-map path").evaluateAll((paths) => paths.map((p) => p.getAttribute("fill") ?? ""));
}

test("the map shows every TDP, recolours by indicator and opens a TDP", async ({ page }) => {
  await signInAs(page, "admin");
  await page.goto("/phuong/619");
  await page.getByRole("navigation").getByRole("link", { name: "Bản đồ" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Bản đồ các tổ dân phố" })).toBeVisible();
  await expect(page.locator("svg.ward-map path")).toHaveCount(52);

  const byCoverage = await fills(page);
  // Judged against the pace to each target, a whole map can be one colour late in the year
  // (every TDP behind on its visits in December); residents' ratings, a ward of many
  // contented and some less so, colour it apart.
  await page.getByLabel("Tô màu theo").selectOption({ label: "Mức hài lòng" });
  await expect.poll(() => fills(page)).not.toEqual(byCoverage);
  await page.getByLabel("Tô màu theo").selectOption({ label: "Sử dụng điện thoại thông minh" });
  // Every colour is one of the legend's.
  const legend = ["#b91c1c", "#d97706", "#15803d", "#a8a29e"];
  expect((await fills(page)).every((f) => legend.includes(f))).toBe(true);

  const first = page
    .locator("svg.ward-map g.tdp")
    .filter({ has: page.locator("text.tdp-label", { hasText: /^01$/ }) })
    .locator("path");
  await first.hover();
  await expect(page.locator(".map-info")).toContainText("Tổ dân phố số 1");
  await first.click();
  await expect(page.getByRole("heading", { level: 1, name: "Tổ dân phố số 1" })).toBeVisible();
});

test("the map colours by the movement's models, with the dashboard's figures", async ({ page }) => {
  await signInAs(page, "admin");
  await page.goto("/phuong/619");
  const share = page.locator('table.tdps tr[data-tdp="TDP-01"] td[data-col="families"]');
  await expect(share).toHaveText(/%$/);
  const families = (await share.textContent())!;
  await page.getByRole("navigation").getByRole("link", { name: "Bản đồ" }).click();
  await page.getByLabel("Tô màu theo").selectOption({ label: "Gia đình số (hộ)" });
  await page
    .locator("svg.ward-map g.tdp")
    .filter({ has: page.locator("text.tdp-label", { hasText: /^01$/ }) })
    .locator("path")
    .hover();
  await expect(page.locator(".map-info")).toContainText(`Tổ dân phố số 1 · ${families}`);
  const legend = ["#b91c1c", "#d97706", "#15803d", "#a8a29e"];
  expect((await fills(page)).every((f) => legend.includes(f))).toBe(true);
});

test.describe("on a 360 px phone", () => {
  test.use({ viewport: { width: 360, height: 740 } });

  test("the map pans and zooms", async ({ page }) => {
    await signInAs(page, "volunteer");
    await page.goto("/phuong/619/ban-do");
    const map = page.locator("svg.ward-map");
    await expect(page.locator("svg.ward-map path")).toHaveCount(52);
    const viewBox = () => map.getAttribute("viewBox").then((v) => (v ?? "").split(" ").map(Number));
    const whole = await viewBox();

    await page.getByRole("button", { name: "Phóng to" }).click();
    const zoomed = await viewBox();
    expect(zoomed[2]).toBeLessThan(whole[2]);

    const box = (await map.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 - 100, box.y + box.height / 2 - 50, { steps: 5 });
    await page.mouse.up();
    const panned = await viewBox();
    expect(panned[0]).toBeGreaterThan(zoomed[0]);
    expect(panned[1]).toBeGreaterThan(zoomed[1]);
    expect(panned[2]).toBeCloseTo(zoomed[2]);
    // A drag is not a tap: still on the map.
    await expect(page.getByRole("heading", { level: 1, name: "Bản đồ các tổ dân phố" })).toBeVisible();

    await page.getByRole("button", { name: "Xem cả phường" }).click();
    expect(await viewBox()).toEqual(whole);
  });
});

test("a ward admin imports boundaries: a bad file is explained, a good one previewed, then saved", async ({ page }) => {
  await signInAs(page, "admin");
  const exported = await (await page.request.get("/api/v1/wards/619/boundaries")).json();
  await page.goto("/phuong/619/ban-do");
  await expect(page.locator("svg.ward-map path")).toHaveCount(52);
  const file = page.getByLabel("Nhập tệp ranh giới mới");
  const choose = (content: unknown) =>
    file.setInputFiles({
      name: "ranh-gioi.geojson",
      mimeType: "application/geo+json",
      buffer: Buffer.from(JSON.stringify(content)),
    });

  const bad = structuredClone(exported);
  bad.features[0].geometry.coordinates = bad.features[0].geometry.coordinates.map((ring: number[][]) =>
    ring.map(([lon, lat]) => [lat, lon]),
  );
  bad.features[1].properties = { code: "TDP-99" };
  await choose(bad);
  const report = page.locator(".error-report");
  await expect(report).toContainText("Đối tượng số 1 (hình): Tọa độ bị đảo");
  await expect(report).toContainText("Đối tượng số 2 (tổ): Không tìm thấy mục được chọn.");

  // TDP 1 becomes a small square in its north-west corner.
  const [lon, lat] = exported.features[0].geometry.coordinates[0][0];
  const square = [[lon, lat], [lon, lat - 0.001], [lon + 0.001, lat - 0.001], [lon + 0.001, lat], [lon, lat]];
  const good = {
    type: "FeatureCollection",
    features: [{ type: "Feature", properties: { code: "TDP-01" }, geometry: { type: "Polygon", coordinates: [square] } }],
  };
  await choose(good);
  const preview = page.locator(".preview");
  await expect(preview).toContainText("Tệp có ranh giới của 1 tổ.");
  await expect(preview).toContainText("TDP-02");
  const first = page.locator(`svg.ward-map g.tdp[data-tdp="${exported.features[0].properties.tdp_id}"] path`);
  const before = await first.getAttribute("d");
  await page.getByRole("button", { name: "Lưu ranh giới" }).click();
  await expect(page.getByText("Đã lưu ranh giới.")).toBeVisible();
  await expect.poll(() => first.getAttribute("d")).not.toBe(before);
});

test("a volunteer sees their TDP's households on the map and opens one", async ({ page }) => {
  await signInAs(page, "volunteer");
  const me = (await (await page.request.get("/api/v1/session")).json()).user;
  const own = me.grants[0].tdp_id;
  await page.goto("/phuong/619/ban-do");
  await expect(page.locator("svg.ward-map path")).toHaveCount(52);
  await expect(page.locator("svg.ward-map circle")).toHaveCount(0);
  await page.getByLabel("Hiện các hộ gia đình").check();
  const dots = page.locator("svg.ward-map circle.household");
  await expect(dots.first()).toBeVisible();
  const points = await (await page.request.get("/api/v1/wards/619/household-points")).json();
  expect(points.every((p: { tdp_id: string }) => p.tdp_id === own)).toBe(true);
  await expect(dots).toHaveCount(points.length);
  // The last drawn is on top of any it overlaps.
  await dots.last().click();
  await expect(page).toHaveURL(/\/ho\//);
  await expect(page.getByRole("link", { name: "Ghi nhận buổi hỗ trợ" })).toBeVisible();
});

test("a ward admin sets a basemap and the map draws its tiles under the TDPs", async ({ page, baseURL }) => {
  await signInAs(page, "admin");
  await page.goto("/phuong/619/ban-do");
  await expect(page.locator("svg.ward-map path")).toHaveCount(52);
  await expect(page.locator("svg.ward-map g.tiles image")).toHaveCount(0);

  // A tile server on the app's own origin (the tests have no internet): its {z}/{x}/{y} go
  // into the query of an icon it serves.
  await page.getByLabel("Địa chỉ máy chủ ô bản đồ").fill(`${baseURL}/icons/icon-192.png?t={z}/{x}/{y}`);
  await page.getByRole("button", { name: "Lưu nền bản đồ" }).click();
  // Without a credit it is refused, next to the field.
  await expect(page.locator("#basemap-credit-error")).toHaveText("Trường này là bắt buộc.");
  await page.getByLabel("Ghi nguồn (bắt buộc khi có địa chỉ)").fill("© Bản đồ thử nghiệm");
  await page.getByRole("button", { name: "Lưu nền bản đồ" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Đã lưu nền bản đồ." })).toBeVisible();

  const tiles = page.locator("svg.ward-map g.tiles image");
  await expect(tiles.first()).toBeAttached();
  const zoomOf = async () => Number((await tiles.first().getAttribute("href"))!.match(/t=(\d+)\//)![1]);
  const before = await zoomOf();
  expect(await tiles.count()).toBeLessThanOrEqual(25);
  await expect(page.getByText("Nền bản đồ: © Bản đồ thử nghiệm")).toBeVisible();
  // Closer in, finer tiles.
  for (let i = 0; i < 4; i++) await page.getByRole("button", { name: "Phóng to" }).click();
  await expect.poll(zoomOf).toBeGreaterThan(before);

  // Without the basemap the map is drawn alone; and the admin takes it away again.
  await page.getByLabel("Hiện nền bản đồ (đường phố)").uncheck();
  await expect(tiles).toHaveCount(0);
  await page.getByLabel("Địa chỉ máy chủ ô bản đồ").fill("");
  await page.getByLabel("Ghi nguồn (bắt buộc khi có địa chỉ)").fill("");
  await page.getByRole("button", { name: "Lưu nền bản đồ" }).click();
  await expect(page.getByLabel("Hiện nền bản đồ (đường phố)")).toHaveCount(0);
});
