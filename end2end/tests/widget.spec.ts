import { test, expect } from "@playwright/test";
import { createHmac } from "node:crypto";
import {
  INSIGHT_URL,
  chooseBank,
  completeDemoSignIn,
  firstWidgetError,
  giveConsent,
  gotoHydrated,
  openShop,
  registerBusiness,
  shopUrl,
  signingSecret,
  submitCredentials,
  uniqueEmail,
  widgetEventNames,
  widgetFitsHorizontally,
  widgetFrame,
  widgetSuccess,
} from "./helpers";

// The SignIn Widget as a business embeds it (SPEC §3): the demo shop (fixtures/shop.html) runs on another origin
// than the portal, loads /signin-widget.js from the portal and calls InsightSignIn.embed(...). Every test registers
// its own business, so each one starts with a fresh organisation and Client ID.

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** lowercase hex HMAC-SHA256 of the session id, keyed with the signing secret's UTF-8 bytes (SPEC §3). */
function expectedSignature(secret: string, sessionId: string): string {
  return createHmac("sha256", Buffer.from(secret, "utf8")).update(sessionId, "utf8").digest("hex");
}

test("an applicant signs in to the demo bank on the shop's page and the business gets a signed session and its import", async ({ page }) => {
  test.setTimeout(120_000);
  const company = "Widget Lending Ltd";
  const clientId = await registerBusiness(page, company, uniqueEmail("widget-happy"));

  const frame = await openShop(page, { clientId, owner: "application-42" });
  await expect(page.locator("#insight-signin iframe")).toHaveAttribute(
    "src",
    new RegExp("^" + escapeRegExp(INSIGHT_URL) + "/embed/signin"),
  );

  await chooseBank(frame, "Insight Demo Bank");
  // The consent screen names who gets the data and for how long (12 months is the default configuration).
  await expect(frame.locator("body")).toContainText(company);
  await expect(frame.locator("body")).toContainText(/\b12 months\b/);
  await giveConsent(frame);
  await submitCredentials(frame, "test", "Test123");

  const result = await widgetSuccess(page);
  await expect(frame.locator("body")).toContainText("Your bank data is being imported");
  await expect(page.getByText("Thank you! We will let you know the result.")).toBeVisible();

  expect(typeof result.sessionId).toBe("string");
  expect(result.sessionId.length).toBeGreaterThan(0);
  expect(result.target).toBe("demo-pl");
  expect(result.targetName).toBe("Insight Demo Bank");
  expect(typeof result.importId).toBe("number");
  expect(Number.isInteger(result.importId)).toBe(true);
  expect(result.ownerExternalId).toBe("application-42");

  const names = await widgetEventNames(page);
  const steps = ["started", "target_selected", "consent_given", "credentials_submitted"];
  const positions = steps.map((name) => names.indexOf(name));
  for (const [i, name] of steps.entries()) {
    expect(positions[i], `"${name}" among the events ${JSON.stringify(names)}`).toBeGreaterThanOrEqual(0);
  }
  expect(positions, `the order of the events ${JSON.stringify(names)}`).toEqual([...positions].sort((a, b) => a - b));

  // The business's back-end can check offline that the session is real and theirs.
  const secret = await signingSecret(page);
  expect(result.sessionIdSignature).toMatch(/^[0-9a-f]{64}$/);
  expect(result.sessionIdSignature).toBe(expectedSignature(secret, result.sessionId));

  // The import is listed on the dashboard and opens as an application.
  await gotoHydrated(page, "/dashboard");
  const row = page.locator(`[data-import-id="${result.importId}"]`);
  await expect(row).toBeVisible();
  const open = row.getByRole("link", { name: "Open" });
  await expect(open).toHaveAttribute("href", new RegExp(`/applications/${result.importId}$`));

  await gotoHydrated(page, `/applications/${result.importId}`);
  await expect(page.getByTestId("import-status")).toHaveText("succeeded", { timeout: 30_000 });
  await expect(page.getByTestId("owners")).toContainText("Jan Kowalski");
  await expect(page.getByTestId("accounts")).toBeVisible();
  // One transactions table per account.
  await expect(page.getByTestId("transactions")).toHaveCount(2);
  await expect(page.getByTestId("transactions").first()).toBeVisible();
});

test("a bank that asks for a one-time code: the code field appears and the right code completes the sign-in", async ({ page }) => {
  test.setTimeout(90_000);
  const clientId = await registerBusiness(page, "One-Time Code Loans", uniqueEmail("widget-sca"));

  const frame = await openShop(page, { clientId, owner: "application-sca" });
  await completeDemoSignIn(frame, "test-sca", "Test123");

  const code = frame.getByLabel("One-time code");
  await expect(code).toBeVisible();
  await expect.poll(() => widgetEventNames(page)).toContain("sca_required");
  expect(await page.evaluate(() => window.insightResults.success)).toBeNull();

  await code.fill("123456");
  await frame.getByRole("button", { name: "Confirm" }).click();

  const result = await widgetSuccess(page);
  await expect(frame.locator("body")).toContainText("Your bank data is being imported");
  expect(result.target).toBe("demo-pl");
  expect(result.sessionId.length).toBeGreaterThan(0);
  expect(Number.isInteger(result.importId)).toBe(true);
  expect(result.ownerExternalId).toBe("application-sca");
});

test("a wrong bank password shows a friendly error and the applicant can try again", async ({ page }) => {
  test.setTimeout(90_000);
  const clientId = await registerBusiness(page, "Second Chance Credit", uniqueEmail("widget-retry"));
  const wrongPassword = "Wrong-Pass-77";

  const frame = await openShop(page, { clientId });
  await completeDemoSignIn(frame, "test", wrongPassword);

  await expect(frame.getByRole("alert").filter({ hasText: /not correct/i }).first()).toBeVisible();
  // Still on the credentials form, and the password is not echoed back in the message.
  await expect(frame.getByLabel("Login")).toBeVisible();
  await expect(frame.getByLabel("Password")).toBeVisible();
  await expect(frame.getByRole("button", { name: "Sign in" })).toBeVisible();
  await expect(frame.locator("body")).not.toContainText(wrongPassword);
  expect(await page.evaluate(() => window.insightResults.success)).toBeNull();

  await submitCredentials(frame, "test", "Test123");
  const result = await widgetSuccess(page);
  await expect(frame.locator("body")).toContainText("Your bank data is being imported");
  expect(result.target).toBe("demo-pl");
  expect(Number.isInteger(result.importId)).toBe(true);
});

test("a page whose origin the organisation does not allow gets OriginNotAllowed and no sign-in form", async ({ page }) => {
  const clientId = await registerBusiness(page, "Strict Origins Ltd", uniqueEmail("widget-origin"));

  // shop.test is the same fixture server, but an origin outside the default allowed list.
  await page.goto(shopUrl({ clientId }, "shop.test"));

  const error = await firstWidgetError(page);
  expect(error.code).toBe("OriginNotAllowed");
  const frame = widgetFrame(page);
  await expect(frame.getByRole("alert").filter({ hasText: /not allowed/i }).first()).toBeVisible();
  await expect(frame.getByLabel("Search for your bank")).toHaveCount(0);
  expect(await page.evaluate(() => window.insightResults.success)).toBeNull();
});

test("an unknown Client ID gets UnknownClient", async ({ page }) => {
  await page.goto(shopUrl({ clientId: "ins_0000000000000000000000" }));

  const error = await firstWidgetError(page);
  expect(error.code).toBe("UnknownClient");
  await expect(widgetFrame(page).getByRole("alert").filter({ hasText: /unknown Client ID/i }).first()).toBeVisible();
  expect(await page.evaluate(() => window.insightResults.success)).toBeNull();
});

test("cancelling in the widget reports UserCancelled and an exit event to the page", async ({ page }) => {
  const clientId = await registerBusiness(page, "Changed My Mind Ltd", uniqueEmail("widget-cancel"));

  const frame = await openShop(page, { clientId });
  await chooseBank(frame, "Insight Demo Bank");
  await expect(frame.getByLabel("I agree to share my bank data")).toBeVisible();
  await frame.getByRole("button", { name: "Cancel" }).click();

  const error = await firstWidgetError(page);
  expect(error.code).toBe("UserCancelled");
  expect(typeof error.message).toBe("string");
  expect(error.message.length).toBeGreaterThan(0);
  await expect.poll(() => widgetEventNames(page)).toContain("exit");
  expect(await page.evaluate(() => window.insightResults.success)).toBeNull();
});

test("on a 320 px phone the widget fits the screen and speaks Polish", async ({ page }) => {
  await page.setViewportSize({ width: 320, height: 640 });
  const clientId = await registerBusiness(page, "Pożyczki Mobilne sp. z o.o.", uniqueEmail("widget-phone"));

  const frame = await openShop(page, { clientId, locale: "pl" });
  const iframe = page.locator("#insight-signin iframe");
  await expect(iframe).toBeVisible();
  const box = (await iframe.boundingBox())!;
  expect(box.width).toBeLessThanOrEqual(320);
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(320);

  await expect(frame.getByLabel("Wyszukaj swój bank")).toBeVisible();
  expect(await widgetFitsHorizontally(frame), "no horizontal scroll on the bank step").toBe(true);

  await frame.getByRole("button", { name: "Insight Demo Bank", exact: true }).click();
  const consent = frame.getByLabel("Zgadzam się na udostępnienie danych bankowych");
  await expect(consent).toBeVisible();
  expect(await widgetFitsHorizontally(frame), "no horizontal scroll on the consent step").toBe(true);
  await consent.check();
  await frame.getByRole("button", { name: "Dalej" }).click();

  await expect(frame.getByLabel("Login")).toBeVisible();
  await expect(frame.getByLabel("Hasło")).toBeVisible();
  await expect(frame.getByRole("button", { name: "Zaloguj się" })).toBeVisible();
  expect(await widgetFitsHorizontally(frame), "no horizontal scroll on the credentials step").toBe(true);

  // The business's page around the widget does not scroll sideways either.
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
});

test("two widgets on one page do not hear each other", async ({ page }) => {
  const clientId = await registerBusiness(page, "Two Widgets Ltd", uniqueEmail("two-widgets"));
  const url = new URL(shopUrl({ clientId }));
  url.pathname = "/two.html";
  await page.goto(url.toString());
  const a = page.frameLocator("#widget-a iframe");
  const b = page.frameLocator("#widget-b iframe");
  await expect(a.locator('#app[data-hydrated="yes"]')).toHaveCount(1);
  await expect(b.locator('#app[data-hydrated="yes"]')).toHaveCount(1);
  await completeDemoSignIn(a, "test", "Test123");
  await page.waitForFunction(() => (window as any).widgetResults.a.success !== null, undefined, { timeout: 30_000 });
  const results = await page.evaluate(() => (window as any).widgetResults);
  expect(results.a.success.ownerExternalId).toBe("applicant-a");
  expect(results.b.success).toBeNull();
  expect(results.b.events.map((e: { name: string }) => e.name)).toEqual(["started"]);
  // The second widget is still at its first step, untouched.
  await expect(b.getByLabel("Search for your bank")).toBeVisible();
});
