import { test, expect, expectNoSeriousViolations, hydrated, signIn } from "./helpers";

// Twelve months of SEL's 12-hour waits in ED: steady, then a jump.
const MONTHS: [string, number][] = [
  ["2025-04", 5.0], ["2025-05", 5.2], ["2025-06", 4.8], ["2025-07", 5.1], ["2025-08", 4.9], ["2025-09", 5.0],
  ["2025-10", 5.2], ["2025-11", 4.8], ["2025-12", 5.1], ["2026-01", 4.9], ["2026-02", 5.0], ["2026-03", 9.0],
];

async function postMonths(request: import("@playwright/test").APIRequestContext, ics = "SEL") {
  const response = await request.post("/api/v1/readings", {
    headers: { Authorization: "Bearer demo-token-board" },
    data: MONTHS.map(([period, value]) => ({ metric: "m_ed_12h_mh", ics, period, value })),
  });
  expect(response.status()).toBe(200);
}

test.describe("Making Data Count", () => {
  test("a metric page draws an XmR chart with both icons in words and the numbers", async ({ page, request }) => {
    await postMonths(request);
    await page.goto("/metrics/m_ed_12h_mh");
    const chart = page.getByRole("region", { name: /^SEL: Mental health patients/ });
    await expect(chart.getByRole("img", { name: /XmR chart: SEL/ })).toBeVisible();
    await expect(chart.getByText("Concern (higher)")).toBeVisible();
    await expect(chart.getByText("Will consistently miss the target")).toBeVisible();
    await chart.getByText("The numbers (12 points)").click();
    const lastRow = chart.getByRole("row", { name: /Mar 2026/ });
    await expect(lastRow).toContainText("9%");
    await expect(lastRow).toContainText("Special cause: concern");
    await expectNoSeriousViolations(page);
  });

  // In NEL, so SEL's chart stays as the other tests expect it.
  test("a board reviewer rebases a chart and the limits start again", async ({ page, request }) => {
    await postMonths(request, "NEL");
    await signIn(page, "board@demo.test");
    await page.goto("/metrics/m_ed_12h_mh");
    await hydrated(page);
    await page.getByLabel("ICS").selectOption("NEL");
    await page.getByLabel(/New limits from/).fill("2026-01");
    await page.getByLabel("Reason").fill("Crisis assessment centre opened");
    await page.getByRole("button", { name: "Rebase", exact: true }).click();
    await expect(page.getByRole("status")).toHaveText("Rebased.");
    const rebases = page.getByRole("region", { name: "Rebased charts" });
    await expect(rebases.getByRole("row", { name: /NEL 2026-01 Crisis assessment centre opened/ })).toBeVisible();
    await expectNoSeriousViolations(page);
  });

  test("the ICS and London pages summarise variation and assurance", async ({ page, request }) => {
    await postMonths(request);
    for (const address of ["/ics/SEL", "/status?period=2025-26-Q4"]) {
      await page.goto(address);
      const summary = page.getByRole("region", { name: "Making Data Count" });
      await expect(summary.getByRole("table")).toBeVisible();
      // The London table has a column per ICS: SEL's is the one with the jump.
      const rows = summary.getByRole("row", { name: /12 hours in ED/ });
      const sel = address.startsWith("/ics/") ? rows : rows.locator('td[data-ics="SEL"]');
      await expect(sel).toContainText("Concern (higher)");
      await expectNoSeriousViolations(page);
    }
  });
});
