import { test, expect, expectNoSeriousViolations, hydrated, signIn, signInWithoutJavaScript } from "./helpers";

const PERIOD = "2024-25-Q2";
const SLAM = "south-london-and-maudsley-nhs-foundation-trust";

test.describe("the board's review loop", () => {
  test("submit, query, answer, accept, see it in the board pack, freeze it; a later change leaves the frozen pack alone", async ({ browser, page, request }) => {
    // The whole loop is one story (two people, fourteen pages, three axe scans),
    // the longest test here: it gets the time of three rather than being cut
    // into tests that depend on each other.
    test.slow();
    // The partner works without JavaScript: every step is a plain form post.
    const { context: partnerContext, page: partner } = await signInWithoutJavaScript(browser, "slam@demo.test");
    await partner.goto(`/review/${SLAM}/${PERIOD}`);
    await partner.getByLabel("Note for the reviewer (optional)").fill("All figures in.");
    await partner.getByRole("button", { name: "Submit the return as complete" }).click();
    await expect(partner.getByText("Submitted, awaiting review").first()).toBeVisible();

    // The board, with JavaScript, queries it.
    await signIn(page, "board@demo.test");
    await page.goto(`/review?period=${PERIOD}&ics=SEL&state=submitted`);
    await hydrated(page);
    await expectNoSeriousViolations(page);
    await page.getByRole("link", { name: "South London and Maudsley NHS Foundation Trust" }).click();
    await hydrated(page);
    await expectNoSeriousViolations(page);
    await page.getByLabel("Query (ask a question)").check();
    await page.getByLabel("Question or reasons (needed to query or return)").fill("Where is the s136 figure?");
    await page.getByRole("button", { name: "Record decision" }).click();
    await expect(page.getByText("Queried, awaiting an answer").first()).toBeVisible();

    // The partner sees the question and answers it (still without JavaScript).
    await partner.goto(`/review/${SLAM}/${PERIOD}`);
    await expect(partner.getByText("Where is the s136 figure?").first()).toBeVisible();
    await partner.getByRole("button", { name: "Send the answer" }).click();
    await expect(partner.getByRole("alert").first()).toContainText("note");
    await partner.getByLabel("Your answer").fill("Added under P2.C3.");
    await partner.getByRole("button", { name: "Send the answer" }).click();
    await expect(partner.getByText("Submitted, awaiting review").first()).toBeVisible();
    await partnerContext.close();

    // The board accepts; the pack no longer lists SLaM's return as outstanding.
    await page.goto(`/board-pack?period=${PERIOD}`);
    const returns = page.getByRole("region", { name: /5\. Returns not received/ });
    await expect(returns.getByRole("cell", { name: "South London and Maudsley NHS Foundation Trust" })).toBeVisible();
    await page.goto(`/review/${SLAM}/${PERIOD}`);
    await hydrated(page);
    await page.getByLabel("Accept").check();
    await page.getByRole("button", { name: "Record decision" }).click();
    await expect(page.getByText("Accepted").first()).toBeVisible();
    await page.goto(`/board-pack?period=${PERIOD}`);
    await hydrated(page);
    await expect(returns.getByRole("cell", { name: "South London and Maudsley NHS Foundation Trust" })).toHaveCount(0);
    await expectNoSeriousViolations(page);

    // Freeze it for the meeting, then change a figure: the frozen pack stays as it was.
    const exceptionsHeading = page.getByRole("heading", { name: /^3\. Exceptions/ });
    const before = await exceptionsHeading.textContent();
    await page.getByLabel("Meeting date").fill("2024-11-05");
    await page.getByRole("button", { name: "Freeze this pack" }).click();
    await expect(page).toHaveURL(/\/board-packs\/[0-9a-f]{32}$/);
    await expect(page.getByText(/As presented to the meeting of 2024-11-05/)).toBeVisible();
    const frozenUrl = page.url();
    const changed = await request.post("/api/v1/readings", {
      headers: { Authorization: "Bearer demo-token-board" },
      data: [{ metric: "m_liaison_1h", ics: "NEL", period: PERIOD, value: 10 }],
    });
    expect(changed.status()).toBe(200);
    await page.goto(`/board-pack?period=${PERIOD}`);
    await expect(page.getByRole("heading", { name: /^3\. Exceptions/ })).not.toHaveText(before!);
    await page.goto(frozenUrl);
    await expect(page.getByRole("heading", { name: /^3\. Exceptions/ })).toHaveText(before!);
    await page.goto("/board-packs");
    await expect(page.getByRole("link", { name: "2024-11-05" })).toBeVisible();
  });
});
