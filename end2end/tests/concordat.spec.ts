import { test, expect, hydrated } from "./helpers";

test.describe("the concordat", () => {
  test("home page shows the four principles and fourteen commitments", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("London Mental Health Crisis Concordat 2023");
    for (const n of [1, 2, 3, 4]) {
      await expect(page.getByRole("heading", { name: new RegExp(`^Principle ${n} `) })).toBeVisible();
    }
    await expect(page.locator("[data-commitment]")).toHaveCount(14);
    await expect(page.getByText("Adhere to the 'Core 24' service standard in all EDs", { exact: false })).toBeVisible();
  });

  test("a principle's commitments collapse and expand once the page is live", async ({ page }) => {
    await page.goto("/");
    await hydrated(page);
    const principle = page.getByRole("region", { name: /^Principle 2 / });
    const toggle = principle.getByRole("button", { name: "Hide 4 commitments" });
    const commitments = principle.locator("[data-commitment]");

    await expect(toggle).toHaveAttribute("aria-expanded", "true");
    await expect(commitments.first()).toBeVisible();

    await toggle.click();
    await expect(principle.getByRole("button", { name: "Show 4 commitments" })).toHaveAttribute("aria-expanded", "false");
    await expect(commitments.first()).toBeHidden();
    // Other principles are unaffected.
    await expect(page.getByRole("region", { name: /^Principle 1 / }).locator("[data-commitment]").first()).toBeVisible();

    await principle.getByRole("button", { name: "Show 4 commitments" }).click();
    await expect(commitments).toHaveCount(4);
    await expect(commitments.first()).toBeVisible();
  });

  test("the page reads without JavaScript", async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto("/");
    await expect(page.locator("[data-commitment]")).toHaveCount(14);
    await page.getByRole("link", { name: "London ICSs" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("London's Integrated Care Systems");
    await context.close();
  });
});

test.describe("London's ICSs", () => {
  test("the ICS list links to each of the five ICSs", async ({ page }) => {
    await page.goto("/ics");
    for (const name of ["North Central London", "North East London", "North West London", "South East London", "South West London"]) {
      await expect(page.getByRole("link", { name: new RegExp(name) })).toBeVisible();
    }
  });

  test("South East London lists its six boroughs and its partners", async ({ page }) => {
    await page.goto("/ics");
    await page.getByRole("link", { name: /South East London/ }).click();
    await expect(page).toHaveURL(/\/ics\/SEL$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("South East London ICS");
    const boroughs = page.getByRole("region", { name: /Boroughs/ }).getByRole("listitem");
    await expect(boroughs).toHaveText(["Bexley", "Bromley", "Greenwich", "Lambeth", "Lewisham", "Southwark"]);
    const partners = page.getByRole("region", { name: "Partners" });
    await expect(partners.getByText("South London and Maudsley NHS Foundation Trust (SLaM)")).toBeVisible();
    await expect(partners.getByText("Metropolitan Police Service")).toBeVisible();
    // The ICS's concordat sign-up names the agencies it still needs.
    const signup = page.getByRole("region", { name: /Concordat sign-up/ });
    await expect(signup.getByRole("link", { name: "Metropolitan Police Service" })).toBeVisible();
  });

  test("an unknown ICS says so", async ({ page }) => {
    const response = await page.goto("/ics/XYZ");
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("alert")).toContainText("ICS XYZ was not found");
  });
});
