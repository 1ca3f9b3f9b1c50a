import { test, expect, expectNoSeriousViolations, hydrated, signIn } from "./helpers";

test.describe("organisations and sign-up", () => {
  test("every London partner is listed, and each ICS shows who it still needs", async ({ page }) => {
    await page.goto("/organisations");
    await hydrated(page);
    await expect(page.getByRole("table").locator("caption")).toHaveText("85 organisations");
    await expect(page.getByRole("row", { name: /Camden and Islington NHS Foundation Trust \(merged into North London NHS Foundation Trust\)/ })).toBeVisible();
    await expectNoSeriousViolations(page);
    await page.goto("/sign-up");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Concordat sign-up across London");
    await expectNoSeriousViolations(page);
  });

  test("a board reviewer records a signature and the ICS page counts it", async ({ page }) => {
    await signIn(page, "board@demo.test");
    await page.goto("/organisations/oxleas-nhs-foundation-trust");
    await hydrated(page);
    await expectNoSeriousViolations(page);
    await page.getByLabel("Signed on").fill("2023-07-19");
    await page.getByLabel("Signed by (name)").fill("Ify Okocha");
    await page.getByLabel("Their role").fill("Chief Executive");
    await page.getByRole("button", { name: "Record signature" }).click();
    await expect(page.getByRole("status")).toContainText("Signature recorded");
    await expect(page.getByText("Signed on 2023-07-19 by Ify Okocha, Chief Executive, for SEL.")).toBeVisible();

    await page.goto("/ics/SEL");
    const signup = page.getByRole("region", { name: /Concordat sign-up/ });
    await expect(signup.getByRole("heading")).toHaveText(/Concordat sign-up: 1 of 11 required agencies/);
    await expect(signup.getByRole("link", { name: "Oxleas NHS Foundation Trust" })).toBeVisible();
  });
});
