import { test, expect, Browser, Page } from "@playwright/test";
import { PASSWORD, PHONES, signInAs } from "../tests/accounts";

// What a phone downloads, as sent (compressed, headers included), before each first screen.
// Each phone is a fresh browser with an empty cache and no service worker: the worker's copy of
// the whole app, for offline use, would otherwise arrive in the background and hide what a
// screen needs.
async function phone(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ serviceWorkers: "block" });
  return context.newPage();
}

async function measure(page: Page, step: () => Promise<void>): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  let bytes = 0;
  cdp.on("Network.loadingFinished", (e: { encodedDataLength: number }) => (bytes += e.encodedDataLength));
  await step();
  await cdp.detach();
  return bytes;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

test("first load", async ({ browser }) => {
  const official = await phone(browser);
  const signIn = await measure(official, async () => {
    await official.goto("/");
    await expect(official.getByRole("heading", { level: 1, name: "Đăng nhập" })).toBeVisible();
  });
  const dashboard = await measure(official, async () => {
    await official.getByLabel("Số điện thoại").fill(PHONES.admin);
    await official.getByLabel("Mật khẩu").fill(PASSWORD);
    await official.getByRole("button", { name: "Đăng nhập" }).click();
    await expect(official.getByRole("heading", { level: 1, name: "Phường Phú Diễn" })).toBeVisible();
    await expect(official.locator("table.tdps tbody tr")).toHaveCount(52);
  });

  const volunteer = await phone(browser);
  await signInAs(volunteer, "volunteer");
  const households = await measure(volunteer, async () => {
    await volunteer.goto("/ho-cua-toi");
    await expect(volunteer.getByRole("heading", { level: 1, name: "Hộ được giao cho tôi" })).toBeVisible();
    await expect(volunteer.locator("ul.households li, p.done").first()).toBeVisible();
  });

  // A resident scanning a class's QR code: the page opens without an account.
  const organiser = await phone(browser);
  await signInAs(organiser, "admin");
  const tomorrow = new Date(Date.now() + 24 * 3600_000);
  const created = await organiser.request.post("/api/v1/wards/619/activities", {
    data: {
      id: crypto.randomUUID(),
      kind: "community_class",
      title: "Lớp dùng VNeID",
      tdp_id: null,
      place: "Nhà văn hoá tổ 1",
      starts_at: tomorrow.toISOString(),
      ends_at: new Date(tomorrow.getTime() + 2 * 3600_000).toISOString(),
      organiser: "Tổ công nghệ số tổ 1",
      topics: [],
      capacity: null,
    },
  });
  expect(created.status()).toBe(201);
  const code = await organiser.request.post(`/api/v1/activities/${(await created.json()).id}/check-in-codes`);
  expect(code.status()).toBe(201);
  const resident = await phone(browser);
  const checkIn = await measure(resident, async () => {
    await resident.goto((await code.json()).url);
    await expect(resident.getByText("Lớp dùng VNeID")).toBeVisible();
  });

  console.log(
    `first load, as sent, on a phone with nothing cached: the sign-in page ${kb(signIn)} ` +
      `(budget 200 KB); signing in to the ward dashboard ${kb(dashboard)} more (its page group and data); ` +
      `a signed-in volunteer opening their households ${kb(households)} in all; ` +
      `a resident opening a class's QR check-in page ${kb(checkIn)}`,
  );
});
