import { test, expect, Page } from "@playwright/test";
import { PASSWORD, PHONES } from "../tests/accounts";

// What a phone downloads, as sent (compressed, headers included), before each first screen:
// a new visitor's sign-in page, then the pages each kind of user opens first. Only the page's
// own requests count: the service worker's copy of the rest, for offline use, follows in the
// background.
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
  const official = await browser.newPage();
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

  const volunteer = await browser.newPage();
  await volunteer.goto("/");
  await volunteer.getByLabel("Số điện thoại").fill(PHONES.volunteer);
  await volunteer.getByLabel("Mật khẩu").fill(PASSWORD);
  await volunteer.getByRole("button", { name: "Đăng nhập" }).click();
  await expect(volunteer.getByRole("heading", { level: 1, name: "Phường Phú Diễn" })).toBeVisible();
  const households = await measure(volunteer, async () => {
    await volunteer.getByRole("navigation").getByRole("link", { name: "Hộ của tôi" }).click();
    await expect(volunteer.locator("ul.households li, p.done").first()).toBeVisible();
  });

  console.log(
    `first load, as sent: the sign-in page ${kb(signIn)} (budget 200 KB); ` +
      `then the ward dashboard ${kb(dashboard)} more (its data included); ` +
      `a volunteer's households ${kb(households)} more`,
  );
});
