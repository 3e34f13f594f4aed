import { test, expect } from "@playwright/test";
import { signInAs } from "../tests/accounts";

// What opening the ward map costs on top of the app already loaded: the bytes it downloads
// (boundaries and figures, compressed as sent) and the time from the tap to every TDP drawn.
test("map page", async ({ page }) => {
  await signInAs(page, "admin");
  await page.goto("/phuong/619");
  await expect(page.getByRole("heading", { level: 1, name: "Phường Phú Diễn" })).toBeVisible();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  const times: number[] = [];
  let bytes = 0;
  for (let run = 0; run < 7; run++) {
    let received = 0;
    const onData = (e: { encodedDataLength: number }) => (received += e.encodedDataLength);
    cdp.on("Network.loadingFinished", onData);
    const started = await page.evaluate(() => performance.now());
    await page.getByRole("navigation").getByRole("link", { name: "Bản đồ" }).click();
    await page.waitForFunction(() => document.querySelectorAll("svg.ward-map path").length === 52);
    const drawn = await page.evaluate(() => performance.now());
    cdp.off("Network.loadingFinished", onData);
    times.push(drawn - started);
    bytes = received;
    await page.getByRole("navigation").getByRole("link", { name: "Tổng quan" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Phường Phú Diễn" })).toBeVisible();
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(
    `map page: 52 TDPs drawn ${median.toFixed(0)} ms after the tap (median of ${times.length}, ` +
      `fetching included); it downloads ${(bytes / 1024).toFixed(1)} KB (boundaries and figures, as sent); ` +
      `its code came with the dashboard, in the same page group`,
  );
});
