import { defineConfig } from "@playwright/test";

// Playwright cannot download its own browsers here, so it drives Debian's Chromium.
export default defineConfig({
  testDir: "./tests",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  workers: 1,
  reporter: [["list"]],
  // The demo business website that embeds the SignIn Widget (fixtures/shop.html).
  webServer: {
    command: "node fixtures/serve.mjs",
    url: "http://127.0.0.1:" + (process.env.E2E_SHOP_PORT ?? "3100") + "/shop.html",
    reuseExistingServer: false,
    timeout: 10_000,
  },
  use: {
    baseURL: process.env.BASE_URL ?? "http://127.0.0.1:3000",
    browserName: "chromium",
    headless: true,
    trace: "off",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        // shop.test reaches the demo shop fixture server, but as an origin no organisation allows.
        "--host-resolver-rules=MAP *.test 127.0.0.1",
      ],
    },
  },
});
