import { test, expect, expectNoSeriousViolations, hydrated, signIn } from "./helpers";

async function postReading(request: import("@playwright/test").APIRequestContext, value: number) {
  const response = await request.post("/api/v1/readings", {
    headers: { Authorization: "Bearer demo-token-board" },
    data: [{ metric: "m_liaison_1h", ics: "SEL", period: "2023-24-Q1", value }],
  });
  expect(response.status()).toBe(200);
}

test.describe("RAG status", () => {
  test("the matrix shows each cell as text and shape, and a cell explains itself", async ({ page, request }) => {
    await postReading(request, 80);
    await page.goto("/status?period=2023-24-Q1");
    const cell = page.getByRole("link", { name: "SEL P3.C2: Amber" });
    await expect(cell).toBeVisible();
    await expect(cell).toContainText("Amber");
    await expect(cell.locator(".rag-shape")).toHaveText("◆");
    await expect(page.getByRole("link", { name: "NEL P3.C2: No data" })).toBeVisible();

    await cell.click();
    await expect(page).toHaveURL(/\/status\/SEL\/P3\.C2\?period=2023-24-Q1/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("P3.C2 in SEL, 2023-24-Q1");
    await expect(page.getByText(
      "Amber: ED referrals to liaison psychiatry seen within one hour 80% (target 85%, amber from 75%), 2023-24-Q1",
    )).toBeVisible();
  });

  test("a board reviewer overrides a status and both statuses are shown", async ({ page, request }) => {
    await postReading(request, 70);
    await signIn(page, "board@demo.test");
    await page.goto("/status/SEL/P3.C2?period=2023-24-Q1");
    await hydrated(page);
    await expect(page.getByRole("heading", { name: /^Status:/ })).toContainText("Red");
    await page.getByLabel("Status", { exact: true }).selectOption("amber");
    await page.getByLabel("Rationale (required)").fill("Recovery plan agreed with the board");
    await page.getByRole("button", { name: "Save override" }).click();
    await expect(page.getByRole("heading", { name: /^Status:/ })).toContainText("Amber");
    const note = page.getByRole("note");
    await expect(note).toContainText("Computed status:");
    await expect(note).toContainText("Red");
    await expect(note).toContainText("Recovery plan agreed with the board");

    await page.goto("/status?period=2023-24-Q1");
    await expect(page.getByRole("link", { name: "SEL P3.C2: Amber (overridden)" })).toBeVisible();
  });

  test("a page the browser already has comes back 304 and still comes to life", async ({ page }) => {
    await page.goto("/");
    await hydrated(page);
    // Revalidated: the server answers 304, with no body, and the browser shows
    // what it kept (Playwright reports the kept response's 200).
    const again = await page.reload();
    expect((await again!.request().sizes()).responseBodySize).toBe(0);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    // The kept page's scripts carry the nonce its kept policy names: it hydrates.
    await hydrated(page);
    // After a change the page comes again in full.
    await postReading(page.request, 85);
    const changed = await page.reload();
    expect((await changed!.request().sizes()).responseBodySize).toBeGreaterThan(0);
    await hydrated(page);
  });

  test("the matrix, ICS and commitment pages have no serious accessibility violations", async ({ page }) => {
    for (const address of ["/status?period=2023-24-Q1", "/ics/SEL", "/commitments/P3.C2", "/status/SEL/P3.C2?period=2023-24-Q1", "/metrics/m_liaison_1h", "/"]) {
      await page.goto(address);
      await expectNoSeriousViolations(page);
    }
  });
});
