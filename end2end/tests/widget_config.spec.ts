import { test, expect, Page } from "@playwright/test";
import {
  INSIGHT_URL,
  chooseBank,
  giveConsent,
  gotoHydrated,
  isoMonthsBefore,
  openApplicationWhen,
  openShop,
  registerBusiness,
  submitCredentials,
  uniqueEmail,
  widgetSuccess,
} from "./helpers";

// The /widget page (SPEC §2 step 2, §7): an admin configures the SignIn Widget, the configuration is stored and
// is what the widget and the import then use. Every test registers its own business (a fresh organisation).

const DEFAULT_ORIGINS = "http://localhost:*\nhttp://127.0.0.1:*";
/** The demo shop fixture server under a name that no organisation allows by default (see playwright.config.ts). */
const SHOP_TEST_ORIGIN = "http://shop.test:3100";

function form(page: Page) {
  return {
    autoImport: page.getByLabel("Auto import", { exact: true }),
    months: page.getByLabel("Months of history", { exact: true }),
    language: page.getByLabel("Language", { exact: true }),
    country: page.getByLabel("Country", { exact: true }),
    origins: page.getByLabel("Allowed origins", { exact: true }),
    save: page.getByRole("button", { name: "Save", exact: true }),
    saved: page.getByRole("status").filter({ hasText: "Saved." }),
    snippet: page.getByTestId("embed-snippet"),
  };
}

test("an admin sets 3 months and a new allowed origin; the widget works there and imports only 3 months", async ({ page, context }) => {
  test.setTimeout(150_000);
  // Taken before the import runs: the server's "today" is this day or later, so its range starts no earlier.
  const cutoff = isoMonthsBefore(new Date(), 3);

  const clientId = await registerBusiness(page, "Three Months Loans", uniqueEmail("widget-config"));
  await gotoHydrated(page, "/widget");
  const f = form(page);

  await expect(f.origins).toHaveValue(DEFAULT_ORIGINS);
  await expect(page.getByTitle("Widget preview")).toBeVisible();
  await f.autoImport.check();
  await f.months.selectOption("3");
  // The snippet follows the form before anything is saved.
  await expect(f.snippet).toContainText(/autoImport:\s*\{\s*months:\s*3\s*\}/);
  const origins = await f.origins.inputValue();
  await f.origins.fill(`${origins.replace(/\n+$/, "")}\n${SHOP_TEST_ORIGIN}`);
  await f.save.click();
  await expect(f.saved).toBeVisible();

  // Stored: a fresh load shows the saved values.
  await gotoHydrated(page, "/widget");
  await expect(f.months).toHaveValue("3");
  await expect(f.autoImport).toBeChecked();
  await expect(f.origins).toHaveValue(new RegExp(`(^|\\n)${SHOP_TEST_ORIGIN.replace(/\./g, "\\.")}(\\n|$)`));
  await expect(f.origins).toHaveValue(/(^|\n)http:\/\/localhost:\*(\n|$)/);
  await expect(f.snippet).toContainText(`clientId: "${clientId}"`);
  await expect(f.snippet).toContainText(/months:\s*3\b/);
  await expect(f.snippet).toContainText(`${INSIGHT_URL}/signin-widget.js`);

  // An applicant on the newly allowed origin. The page passes no months, so the configured 3 apply.
  const shop = await context.newPage();
  const frame = await openShop(shop, { clientId, owner: "three-months" }, "shop.test");
  await chooseBank(frame, "Insight Demo Bank");
  await expect(frame.locator("body")).toContainText(/\b3 months\b/);
  await giveConsent(frame);
  await submitCredentials(frame, "test", "Test123");
  const result = await widgetSuccess(shop);
  expect(Number.isInteger(result.importId)).toBe(true);
  expect(result.ownerExternalId).toBe("three-months");
  await shop.close();

  await openApplicationWhen(page, result.importId, "succeeded", 30_000);
  const covered = page.getByTestId("dates-covered");
  await expect(covered).toHaveText(/\d{4}-\d{2}-\d{2}\s*–\s*\d{4}-\d{2}-\d{2}/);
  const [oldest, newest] = ((await covered.textContent()) ?? "").match(/\d{4}-\d{2}-\d{2}/g)!;
  expect(oldest <= newest, `oldest first in "${await covered.textContent()}"`).toBe(true);
  expect(oldest >= cutoff, `the oldest transaction ${oldest} is within 3 months (not before ${cutoff})`).toBe(true);
});

test("invalid allowed origins are reported by line and nothing is saved", async ({ page }) => {
  await registerBusiness(page, "Typo Origins Ltd", uniqueEmail("widget-bad-origin"));
  await gotoHydrated(page, "/widget");
  const f = form(page);

  const before = await f.origins.inputValue();
  expect(before).toBe(DEFAULT_ORIGINS);
  await f.months.selectOption("6");
  // Lines 1–2 are the defaults; line 3 is plain http on a public host, line 4 is not http(s) at all.
  await f.origins.fill(`${before}\nhttp://plain.example\nftp://x`);
  await f.save.click();

  await expect(page.locator("main")).toContainText(/Line 3\b/);
  await expect(page.locator("main")).toContainText(/Line 4\b/);
  await expect(f.saved).toHaveCount(0);
  // The form keeps what was typed, so it can be corrected.
  await expect(f.origins).toHaveValue(/plain\.example/);

  await gotoHydrated(page, "/widget");
  await expect(f.origins).toHaveValue(before);
  // The whole form was rejected, not just the bad field: everything still has its default.
  await expect(f.months).toHaveValue("12");
  await expect(f.language).toHaveValue("en");
  await expect(f.country).toHaveValue("");
});

/** The Copy button, found by either of its labels (it says "Copied" for a moment after a click). */
function copyButton(page: Page) {
  return page.getByRole("button", { name: /^(Copy|Copied)$/ });
}

test("the Copy button copies the snippet and says Copied", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: INSIGHT_URL });
  await registerBusiness(page, "Copy Paste Credit", uniqueEmail("widget-copy"));
  await gotoHydrated(page, "/widget");

  await expect(page.getByTestId("embed-snippet")).toContainText("InsightSignIn.embed");
  const copy = copyButton(page);
  await expect(copy).toHaveText("Copy");
  await copy.click();
  await expect(copy).toHaveText("Copied");
});

test("the Copy button also works where the Clipboard API is unavailable", async ({ page }) => {
  // Forces the fallback path (select a hidden copy and execCommand).
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, "clipboard", { get: () => undefined, configurable: true });
  });
  await registerBusiness(page, "No Clipboard Ltd", uniqueEmail("widget-copy-fallback"));
  await gotoHydrated(page, "/widget");
  expect(await page.evaluate(() => navigator.clipboard)).toBeUndefined();

  await expect(page.getByTestId("embed-snippet")).toContainText("InsightSignIn.embed");
  const copy = copyButton(page);
  await expect(copy).toHaveText("Copy");
  await copy.click();
  await expect(copy).toHaveText("Copied");
});
