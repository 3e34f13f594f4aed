// The demo ward's accounts (server started with --demo), and signing in without the form for
// tests that are about something else.
import { Page, expect } from "@playwright/test";

export const PASSWORD = "phudien-demo-2026";
export const PHONES = {
  admin: "0900619001",
  leader: "0900619002",
  volunteer: "0900619003",
  responder: "0900619004",
  viewer: "0900619005",
  // Over Hà Nội, the demo ward's province: `09`, the province's code, the role's number from 11.
  provinceAdmin: "0900001011",
  provinceViewer: "0900001012",
} as const;

export async function signInAs(page: Page, role: keyof typeof PHONES) {
  // page.request shares the browser context's cookies: the page is signed in too.
  const res = await page.request.post("/api/v1/session", {
    data: { phone: PHONES[role], password: PASSWORD },
  });
  expect(res.status()).toBe(200);
}
