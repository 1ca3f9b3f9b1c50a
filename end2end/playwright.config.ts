import { defineConfig, devices } from "@playwright/test";

// The app is built by `cargo leptos build --release` before these tests run
// (see scripts/test); Playwright starts that server binary on a fresh database,
// as a deployment runs it. E2E_SERVER names another binary (e.g. a debug build).
const port = Number(process.env.E2E_PORT || 3107);
const baseURL = `http://127.0.0.1:${port}`;
const databaseUrl = process.env.E2E_DATABASE_URL || "sqlite://target/e2e/concordat.db";

export default defineConfig({
  testDir: "./tests",
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  // CI's 2-core machine ran this suite 4-5 times slower than a developer's run
  // of the same build (the review loop: 31.7 s there, 6.5 s here; every test
  // alike), mostly compiling the page's WASM on each load. The limits are for
  // a stalled page, not a slow machine, so CI gets twice the room.
  timeout: process.env.CI ? 60_000 : 30_000,
  expect: { timeout: process.env.CI ? 10_000 : 5_000 },
  reporter: [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          // Debian's Chromium: test tools cannot download browsers here.
          executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
          // The machine's network is closed; without these flags Chromium keeps
          // trying to reach Google's services.
          args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
          ],
        },
      },
    },
  ],
  webServer: {
    cwd: "..",
    command: process.env.E2E_SERVER || "./target/release/concordat-tracker",
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      DATABASE_URL: databaseUrl,
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: "target/site",
      LEPTOS_SITE_PKG_DIR: "pkg",
      LEPTOS_OUTPUT_NAME: "concordat_tracker",
      RUST_LOG: "warn",
      CONCORDAT_DEMO: "1",
    },
  },
});
