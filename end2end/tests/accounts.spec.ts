import { test, expect, expectNoSeriousViolations, hydrated, signIn, signInWithoutJavaScript } from "./helpers";

test.describe("accounts", () => {
  test("an admin creates an account and its owner sets their own password through the link", async ({ page, browser }) => {
    const email = `analyst.${Date.now()}@slam.nhs.example`;
    await signIn(page, "admin@demo.test");
    await page.goto("/admin/users");
    await hydrated(page);
    await expectNoSeriousViolations(page);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Name").fill("New Analyst");
    await page.getByLabel("Role").selectOption("partner_editor");
    await page.getByLabel("Organisation id").fill("south-london-and-maudsley-nhs-foundation-trust");
    await page.getByRole("button", { name: "Create user" }).click();
    const notice = page.getByRole("status");
    await expect(notice).toContainText(`Send this link to ${email}`);
    const link = await notice.getByRole("link").getAttribute("href");
    expect(link).toMatch(/^\/set-password\?token=[0-9a-f]{64}$/);

    // The new user, in their own browser.
    const context = await browser.newContext();
    const theirs = await context.newPage();
    await theirs.goto(link!);
    await hydrated(theirs);
    await expect(theirs.getByText(`Choose a password for ${email}`)).toBeVisible();
    await expectNoSeriousViolations(theirs);
    await theirs.getByLabel("New password (12 characters or more)").fill("short");
    await theirs.getByLabel("New password again").fill("short");
    // The browser's own minlength check would stop this; the server's is the one that counts.
    await theirs.locator("form").evaluate((form) => form.setAttribute("novalidate", ""));
    await theirs.getByRole("button", { name: "Set password" }).click();
    await expect(theirs.getByRole("alert")).toContainText("at least 12 characters");
    await theirs.getByLabel("New password (12 characters or more)").fill("three unrelated words");
    await theirs.getByLabel("New password again").fill("three unrelated words");
    await theirs.getByRole("button", { name: "Set password" }).click();
    await expect(theirs).toHaveURL(/\/sign-in\?password-set=1$/);
    await expect(theirs.getByRole("status")).toContainText("Your password is set");
    await signIn(theirs, email, "three unrelated words");
    await context.close();

    // The admin sees the account as active, and can switch it off.
    await page.goto("/admin/users");
    await page.getByRole("link", { name: email }).click();
    await hydrated(page);
    await expect(page.getByText("Active", { exact: true })).toBeVisible();
    await expectNoSeriousViolations(page);
    await page.getByRole("button", { name: "Deactivate account" }).click();
    await expect(page.getByText("Deactivated", { exact: true })).toBeVisible();
    await expect(page.getByRole("button", { name: "Reactivate account" })).toBeVisible();
  });

  test("a user changes their password, and a wrong current one is named", async ({ page }) => {
    await signIn(page, "viewer@demo.test");
    await page.goto("/account");
    await hydrated(page);
    await expectNoSeriousViolations(page);
    await page.getByLabel("Current password").fill("not my password");
    await page.getByLabel("New password (12 characters or more)").fill("a new viewer password");
    await page.getByLabel("New password again").fill("a new viewer password");
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.locator("#current_password-error")).toContainText("is not your current password");
    await page.getByLabel("Current password").fill("demo-password");
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByRole("status")).toContainText("Your password has been changed");
    // Put it back for the other tests.
    await page.getByLabel("Current password").fill("a new viewer password");
    await page.getByLabel("New password (12 characters or more)").fill("demo-password");
    await page.getByLabel("New password again").fill("demo-password");
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByRole("status")).toContainText("Your password has been changed");
  });

  test("a new API token's secret is shown once, with JavaScript and without", async ({ page, browser }) => {
    await signIn(page, "sel.lead@demo.test");
    await page.goto("/account");
    await hydrated(page);
    await page.getByLabel("Name (what the token is for)").fill("scripted upload");
    await page.getByRole("button", { name: "Create token" }).click();
    await expect(page.getByRole("status")).toContainText("New token \u201cscripted upload\u201d");
    await expect(page.locator("code.secret")).toHaveText(/^ct_[0-9a-f]{64}$/);

    const { context, page: plain } = await signInWithoutJavaScript(browser, "sel.lead@demo.test");
    await plain.goto("/account");
    await plain.getByLabel("Name (what the token is for)").fill("nightly upload");
    await plain.getByRole("button", { name: "Create token" }).click();
    await expect(plain).toHaveURL(/\/account/);
    await expect(plain.getByRole("status")).toContainText("New token \u201cnightly upload\u201d");
    const secret = await plain.locator("code.secret").textContent();
    expect(secret).toMatch(/^ct_[0-9a-f]{64}$/);
    await expect(plain.getByRole("cell", { name: "nightly upload", exact: true })).toBeVisible();
    // Shown once: not on the next visit.
    await plain.reload();
    await expect(plain.locator("code.secret")).toHaveCount(0);
    await context.close();
  });

  test("repeated wrong passwords pause signing in, with a message saying how long", async ({ page }) => {
    await page.goto("/sign-in");
    await hydrated(page);
    const email = "nobody.here@nhs.example";
    for (let attempt = 1; attempt <= 5; attempt++) {
      await page.getByLabel("Email address").fill(email);
      await page.getByLabel("Password").fill(`guess number ${attempt}`);
      const answered = page.waitForResponse((r) => r.url().endsWith("/api/auth/sign-in"));
      await page.getByRole("button", { name: "Sign in" }).click();
      expect((await answered).status()).toBe(400);
      await expect(page.getByRole("alert")).toContainText("the email address or password is not right");
    }
    await page.getByLabel("Password").fill("guess number 6");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert")).toContainText(/signing in is paused: try again in \d+ seconds/);
  });
});
