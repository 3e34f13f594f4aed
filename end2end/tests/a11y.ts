// axe-core's serious and critical findings on the page as it is now, one line each.
import { Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";

export async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}
