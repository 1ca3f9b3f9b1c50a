import { test, expect, hydrated, signIn } from "./helpers";

test.describe("partners log evidence and readings", () => {
  test("a partner signs in and sees what is due for their organisation", async ({ page }) => {
    await signIn(page, "slam@demo.test");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("South London and Maudsley NHS Foundation Trust");
    await expect(page.getByRole("heading", { name: /Still due this period/ })).toBeVisible();
    await expect(page.getByRole("link", { name: "slam@demo.test" })).toBeVisible();
  });

  test("a wrong password is refused with a message and the email kept", async ({ page }) => {
    await page.goto("/sign-in");
    await hydrated(page);
    await page.getByLabel("Email address").fill("slam@demo.test");
    await page.getByLabel("Password").fill("wrong password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert")).toContainText("the email address or password is not right");
    await expect(page.getByLabel("Email address")).toHaveValue("slam@demo.test");
  });

  test("a partner adds evidence to a commitment and sees it listed", async ({ page }) => {
    await signIn(page, "slam@demo.test");
    await page.goto("/commitments/P3.C2");
    await hydrated(page);
    const narrative = `Liaison psychiatry now 24/7 at King's (${Date.now()})`;
    await page.getByLabel("What has been done").fill(narrative);
    await page.getByLabel("Self-assessed delivery status").selectOption("on_track");
    await page.getByRole("button", { name: "Save evidence" }).click();
    await expect(page.getByRole("status")).toContainText("Saved version 1");

    await page.reload();
    const sel = page.getByRole("region", { name: /^SEL/ });
    await expect(sel.getByText(narrative)).toBeVisible();
    await expect(sel.locator("article", { hasText: narrative })).toContainText(/Self-assessed: on track/i);
  });

  test("editing evidence through its page keeps the action it is recorded against", async ({ page }) => {
    await signIn(page, "slam@demo.test");
    await page.goto("/commitments/P1.C1");
    await hydrated(page);
    const narrative = `Crisis line live for all ages (${Date.now()})`;
    await page.getByLabel("What has been done").fill(narrative);
    await page.getByLabel("Which action (optional)").selectOption("P1.C1.a");
    await page.getByRole("button", { name: "Save evidence" }).click();
    await expect(page.getByRole("status")).toContainText("Saved version 1");

    await page.reload();
    await page.locator("article", { hasText: narrative }).getByRole("link", { name: "Edit or see history" }).click();
    await expect(page).toHaveURL(/\/evidence\//);
    await hydrated(page);
    await expect(page.getByLabel("Which action (optional)")).toHaveValue("P1.C1.a");
    await page.getByLabel("What has been done").fill(`${narrative}, staffed 24/7`);
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByRole("status")).toContainText("Saved version 2");

    await page.reload();
    await expect(page.getByLabel("Which action (optional)")).toHaveValue("P1.C1.a");
    await expect(page.getByRole("heading", { name: "History (2 versions)" })).toBeVisible();
  });

  test("bad input is named and what was typed is kept", async ({ page }) => {
    await signIn(page, "slam@demo.test");
    await page.goto("/commitments/P3.C2");
    await hydrated(page);
    await page.getByLabel("What has been done").fill("Some progress");
    await page.getByLabel("Due date (YYYY-MM-DD)").fill("2023-02-30");
    await page.getByLabel("What will be delivered").fill("Core 24 everywhere");
    await page.getByRole("button", { name: "Save evidence" }).click();
    await expect(page.getByRole("alert")).toContainText("milestone_due");
    await expect(page.getByText(/Error: .*not a date/)).toBeVisible();
    await expect(page.getByLabel("What has been done")).toHaveValue("Some progress");
  });

  test("two people editing the same evidence: the second gets a conflict, not an overwrite", async ({ browser }) => {
    const slamContext = await browser.newContext();
    const leadContext = await browser.newContext();
    const slam = await slamContext.newPage();
    const lead = await leadContext.newPage();

    await signIn(slam, "slam@demo.test");
    await slam.goto("/commitments/P4.C3");
    await hydrated(slam);
    await slam.getByLabel("What has been done").fill("Discharge framework in place");
    await slam.getByRole("button", { name: "Save evidence" }).click();
    await expect(slam.getByRole("status")).toContainText("Saved version 1");
    await slam.reload();
    await slam.getByRole("region", { name: /^SEL/ }).locator("article", { hasText: "Discharge framework in place" })
      .getByRole("link", { name: "Edit or see history" }).click();
    await expect(slam).toHaveURL(/\/evidence\//);
    const address = slam.url();

    await signIn(lead, "sel.lead@demo.test");
    await lead.goto(address);
    await hydrated(lead);
    await hydrated(slam);

    await lead.getByLabel("What has been done").fill("The ICS lead's wording");
    await lead.getByRole("button", { name: "Save changes" }).click();
    await expect(lead.getByRole("status")).toContainText("Saved version 2");

    await slam.getByLabel("What has been done").fill("SLaM's own wording");
    await slam.getByRole("button", { name: "Save changes" }).click();
    const alert = slam.getByRole("alert");
    await expect(alert).toContainText("sel.lead@demo.test saved version 2");
    await expect(alert).toContainText("The ICS lead's wording");
    await expect(slam.getByLabel("What has been done")).toHaveValue("SLaM's own wording");

    await slamContext.close();
    await leadContext.close();
  });

  test("another partner cannot edit SLaM's evidence", async ({ page }) => {
    await signIn(page, "oxleas@demo.test");
    await page.goto("/commitments/P3.C2");
    await hydrated(page);
    const slamEntry = page.getByRole("region", { name: /^SEL/ }).locator("article", { hasText: "South London and Maudsley" }).first();
    await expect(slamEntry.getByRole("link", { name: "See history" })).toBeVisible();
    await slamEntry.getByRole("link", { name: "See history" }).click();
    await expect(page.getByRole("button", { name: "Save changes" })).toHaveCount(0);
  });

  test("a CSV import shows the error row, imports nothing, then imports when fixed", async ({ page }) => {
    await signIn(page, "sel.lead@demo.test");
    await page.goto("/readings");
    await hydrated(page);
    const csv = page.getByLabel("CSV text");
    await csv.fill("metric,ics,period,value\nm_liaison_1h,SEL,2023-24-Q1,80\nm_liaison_1h,SEL,2023-24-Q2,180\n");
    await page.getByRole("button", { name: "Preview" }).click();
    const problems = page.getByRole("alert");
    await expect(problems).toContainText("1 problem in the file: nothing will be imported");
    const row = problems.locator("tr.row-error");
    await expect(row).toContainText("3");
    await expect(row).toContainText("value");
    await expect(row).toContainText("180 is not a percentage");
    await expect(page.getByRole("button", { name: /^Import/ })).toHaveCount(0);

    await csv.fill("metric,ics,period,value\nm_liaison_1h,SEL,2023-24-Q1,80\nm_liaison_1h,SEL,2023-24-Q2,88\n");
    await page.getByRole("button", { name: "Preview" }).click();
    await expect(page.getByRole("heading", { name: "Ready to import 2 readings" })).toBeVisible();
    await page.getByRole("button", { name: "Import 2 readings" }).click();
    await expect(page.getByText(/Imported: \d+ new, \d+ updated, \d+ unchanged/)).toBeVisible();
  });

  test("a CSV file can be chosen instead of pasted", async ({ page }) => {
    await signIn(page, "sel.lead@demo.test");
    await page.goto("/readings");
    await hydrated(page);
    await page.getByLabel("Choose a CSV file").setInputFiles({
      name: "readings.csv",
      mimeType: "text/csv",
      buffer: Buffer.from("\ufeffmetric,ics,period,value\r\nm_liaison_1h,SEL,2023-24-Q3,86\r\n"),
    });
    await expect(page.getByLabel("CSV text")).toHaveValue(/m_liaison_1h,SEL,2023-24-Q3,86/);
    await page.getByRole("button", { name: "Preview" }).click();
    await expect(page.getByRole("heading", { name: "Ready to import 1 reading" })).toBeVisible();
  });
});
