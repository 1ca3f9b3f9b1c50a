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

  test("the matrix, ICS and commitment pages have no serious accessibility violations", async ({ page }) => {
    for (const address of ["/status?period=2023-24-Q1", "/ics/SEL", "/commitments/P3.C2", "/status/SEL/P3.C2?period=2023-24-Q1", "/metrics/m_liaison_1h", "/"]) {
      await page.goto(address);
      await expectNoSeriousViolations(page);
    }
  });
});
