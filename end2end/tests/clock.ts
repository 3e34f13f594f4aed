// The time a test runs at. In the projects of the calendar's edges (playwright.config.ts) the
// browser's clock stands at the project's instant, as the server's does; elsewhere it is the
// real time. Tests compute every date from `now`, never from the machine's clock.
import { test as base, BrowserContext } from "@playwright/test";

export type ClockOptions = {
  /** The instant (RFC 3339) the browser's and the server's clocks show; none: the real time. */
  instant: string | undefined;
};

export const test = base.extend<ClockOptions & { now: Date }>({
  instant: [undefined, { option: true }],
  now: async ({ instant }, use) => {
    await use(instant ? new Date(instant) : new Date());
  },
  context: async ({ context, instant }, use) => {
    await atInstant(context, instant);
    await use(context);
  },
});

export { expect } from "@playwright/test";

/** Sets another context's clock (a second phone, say) to the test's instant. */
export async function atInstant(context: BrowserContext, instant: string | undefined) {
  if (instant) await context.clock.setFixedTime(new Date(instant));
}

/** The day in Vietnam `days` after `at`, as the date inputs take it (YYYY-MM-DD). */
export function vietnamDay(at: Date, days = 0): string {
  return new Date(at.getTime() + days * 86_400_000).toLocaleDateString("en-CA", {
    timeZone: "Asia/Ho_Chi_Minh",
  });
}

/** The number of days from `at` to the next Monday in Vietnam (7 on a Monday). */
export function daysToNextMonday(at: Date): number {
  const weekday = new Date(`${vietnamDay(at)}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return ((8 - weekday) % 7) || 7;
}
