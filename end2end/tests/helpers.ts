import { expect, Page } from "@playwright/test";

export const PASSWORD = "correct horse battery staple";

/** A unique e-mail per test run, so tests never collide on a shared database. */
export function uniqueEmail(prefix: string): string {
  return `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

/** Waits until the page is hydrated, so clicks go through the Leptos app and not a bare HTML form. */
export async function gotoHydrated(page: Page, path: string) {
  await page.goto(path);
  await expect(page.locator("#app")).toHaveAttribute("data-hydrated", "yes");
}

export async function registerBusiness(page: Page, company: string, email: string) {
  await gotoHydrated(page, "/register");
  await page.getByLabel("Company name").fill(company);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  const clientId = page.getByTestId("client-id");
  await expect(clientId).toHaveText(/^ins_[A-Za-z0-9]{22}$/);
  return (await clientId.textContent())!.trim();
}

// ---------------------------------------------------------------------------------------------------------------
// SignIn Widget helpers: the demo business website (fixtures/shop.html, served by fixtures/serve.mjs) embeds the
// widget and records every callback in `window.insightResults`.

/** The portal's origin; the demo shop loads `${INSIGHT_URL}/signin-widget.js`. */
export const INSIGHT_URL = (process.env.BASE_URL ?? "http://127.0.0.1:3000").replace(/\/+$/, "");
/** Port of the demo shop fixture server. */
export const SHOP_PORT = process.env.E2E_SHOP_PORT ?? "3100";

/** What the widget passes to `onSuccess` (SPEC §3). */
export interface WidgetSuccess {
  sessionId: string;
  sessionIdSignature: string;
  resultToken: string;
  target: string;
  targetName: string;
  importId: number;
  ownerExternalId?: string | null;
}
/** What the widget passes to `onError` (SPEC §3). */
export interface WidgetError {
  code: string;
  message: string;
  target?: string | null;
  sessionId?: string | null;
}
export interface WidgetEvent {
  name: string;
  data: unknown;
}
export interface InsightResults {
  success: WidgetSuccess | null;
  errors: WidgetError[];
  events: WidgetEvent[];
}
declare global {
  interface Window {
    insightResults: InsightResults;
  }
}

/** The widget's iframe, as the loader inserts it into `#insight-signin`. */
export type WidgetFrame = ReturnType<Page["frameLocator"]>;

/**
 * The demo shop's address. `host` "localhost" is a different origin from the portal (127.0.0.1) that the default
 * allowed origins still cover; "shop.test" (mapped to 127.0.0.1 in playwright.config.ts) is covered by none.
 */
export function shopUrl(params: Record<string, string | number | undefined>, host = "localhost"): string {
  const url = new URL(`http://${host}:${SHOP_PORT}/shop.html`);
  url.searchParams.set("insight", INSIGHT_URL);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) url.searchParams.set(name, String(value));
  }
  return url.toString();
}

export function widgetFrame(page: Page): WidgetFrame {
  return page.frameLocator("#insight-signin iframe");
}

/**
 * Opens the demo shop and waits until the widget inside it is hydrated (the same `#app[data-hydrated]` marker as
 * the portal), so clicks reach the Leptos app and not bare server-rendered HTML.
 */
export async function openShop(
  page: Page,
  params: Record<string, string | number | undefined>,
  host = "localhost",
): Promise<WidgetFrame> {
  await page.goto(shopUrl(params, host));
  const frame = widgetFrame(page);
  await expect(frame.locator("#app")).toHaveAttribute("data-hydrated", "yes");
  return frame;
}

/** The organisation's signing secret, as /settings shows it to an admin (leaves the current page). */
export async function signingSecret(page: Page): Promise<string> {
  await gotoHydrated(page, "/settings");
  const secret = page.getByTestId("signing-secret");
  await expect(secret).toHaveText(/\S/);
  return (await secret.textContent())!.trim();
}

/** Bank step: picks a bank by its display name. */
export async function chooseBank(frame: WidgetFrame, bank = "Insight Demo Bank") {
  await expect(frame.getByLabel("Search for your bank")).toBeVisible();
  await frame.getByRole("button", { name: bank, exact: true }).click();
}

/** Consent step: ticks the box and continues. */
export async function giveConsent(frame: WidgetFrame) {
  await frame.getByLabel("I agree to share my bank data").check();
  await frame.getByRole("button", { name: "Continue" }).click();
}

/** Credentials step: fills both fields and signs in. */
export async function submitCredentials(frame: WidgetFrame, login: string, password: string) {
  await frame.getByLabel("Login").fill(login);
  await frame.getByLabel("Password").fill(password);
  await frame.getByRole("button", { name: "Sign in" }).click();
}

/** Goes through bank → consent → credentials with a demo bank login (SPEC §4). */
export async function completeDemoSignIn(frame: WidgetFrame, login: string, password: string, bank = "Insight Demo Bank") {
  await chooseBank(frame, bank);
  await giveConsent(frame);
  await submitCredentials(frame, login, password);
}

async function callbackLog(page: Page): Promise<string> {
  return (await page.locator("#callbacks").textContent().catch(() => null)) ?? "(no log)";
}

/**
 * Waits for `onSuccess` on the demo shop page and returns its argument. Fails early when the widget reports an
 * error the user cannot retry from (anything but wrong credentials or a wrong one-time code).
 */
export async function widgetSuccess(page: Page, timeout = 30_000): Promise<WidgetSuccess> {
  const done = () => {
    const results = window.insightResults;
    const retryable = ["InvalidCredentials", "InvalidOneTimeCode"];
    return !!results && (results.success != null || results.errors.some((error) => !retryable.includes(error?.code)));
  };
  try {
    await page.waitForFunction(done, undefined, { timeout });
  } catch {
    throw new Error(`onSuccess was not called within ${timeout} ms; the shop page saw:\n${await callbackLog(page)}`);
  }
  const success = await page.evaluate(() => window.insightResults.success);
  if (!success) throw new Error(`The widget reported an error instead of onSuccess:\n${await callbackLog(page)}`);
  return success;
}

/** Waits for the first `onError` on the demo shop page and returns its argument. */
export async function firstWidgetError(page: Page, timeout = 15_000): Promise<WidgetError> {
  try {
    await page.waitForFunction(() => (window.insightResults?.errors.length ?? 0) > 0, undefined, { timeout });
  } catch {
    throw new Error(`onError was not called within ${timeout} ms; the shop page saw:\n${await callbackLog(page)}`);
  }
  return page.evaluate(() => window.insightResults.errors[0]);
}

/** Names of the `onEvent` calls so far, in order. */
export async function widgetEventNames(page: Page): Promise<string[]> {
  return page.evaluate(() => (window.insightResults?.events ?? []).map((event) => event.name));
}

/** True when the widget's document has no horizontal scroll. */
export async function widgetFitsHorizontally(frame: WidgetFrame): Promise<boolean> {
  return frame.locator("html").evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

// ---------------------------------------------------------------------------------------------------------------
// Portal helpers for the review queue, the team and the audit trail.

/** Logs out with the header's button and waits until the header shows "Log in" again. */
export async function logOut(page: Page) {
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Log in" })).toBeVisible();
}

/** Logs in through /login and waits for the dashboard. */
export async function logIn(page: Page, email: string, password = PASSWORD) {
  await gotoHydrated(page, "/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

/**
 * Opens /applications/{importId} and waits until `import-status` reads `status`. The page refreshes a running
 * import by itself; the page is also reloaded between attempts, so this works either way.
 */
export async function openApplicationWhen(page: Page, importId: number, status = "succeeded", timeout = 30_000) {
  const path = `/applications/${importId}`;
  const badge = page.getByTestId("import-status");
  await gotoHydrated(page, path);
  let first = true;
  await expect(async () => {
    if (!first) await gotoHydrated(page, path);
    first = false;
    await expect(badge).toHaveText(status, { timeout: 5_000 });
  }, `import ${importId} reaches "${status}"`).toPass({ timeout, intervals: [500, 1_000, 2_000] });
}

/** Text of an element, or the value of a form field (the invite link may be shown either way). */
async function textOrValue(locator: ReturnType<Page["locator"]>): Promise<string> {
  return locator.evaluate((el) =>
    el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement ? el.value : (el.textContent ?? ""),
  );
}

/**
 * As an admin: creates an invite link on /settings/team for `email` with `role` and returns the link's path
 * (`/invite/TOKEN`), so it opens against whichever BASE_URL the tests run at.
 */
export async function createInviteLink(page: Page, email: string, role: string): Promise<string> {
  await gotoHydrated(page, "/settings/team");
  await expect(page.getByRole("heading", { level: 1, name: "Team" })).toBeVisible();
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Role", { exact: true }).selectOption(role);
  await page.getByRole("button", { name: "Create invite link" }).click();
  const link = page.getByTestId("invite-link");
  await expect(link).toBeAttached();
  await expect.poll(() => textOrValue(link).catch(() => ""), { message: "the invite link appears" }).toMatch(/\/invite\/\S+/);
  const found = (await textOrValue(link)).match(/\S*\/invite\/[^\s"'<>]+/)![0];
  const url = new URL(found, INSIGHT_URL);
  return url.pathname + url.search;
}

/** Opens an invite link (signed out), sets a password, joins and waits for the dashboard. */
export async function acceptInvite(page: Page, invitePath: string, email: string, password = PASSWORD) {
  await gotoHydrated(page, invitePath);
  await expect(page.locator("body")).toContainText(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Join" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

/** Passes when no element matches `locator`, or every match is disabled. Wait for the page's content first. */
export async function expectAbsentOrDisabled(locator: ReturnType<Page["locator"]>, what: string) {
  await expect
    .poll(
      async () => {
        const n = await locator.count();
        for (let i = 0; i < n; i++) {
          if (await locator.nth(i).isEnabled()) return `${what} is enabled`;
        }
        return "absent or disabled";
      },
      { message: `${what} is absent or disabled` },
    )
    .toBe("absent or disabled");
}

/** `date` minus `months` calendar months as YYYY-MM-DD (UTC), the day clamped to the month's end (31 Mar − 1 = 28/29 Feb). */
export function isoMonthsBefore(date: Date, months: number): string {
  const first = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - months, 1));
  const lastDay = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  const day = Math.min(date.getUTCDate(), lastDay);
  return new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), day)).toISOString().slice(0, 10);
}

/** `date` plus `days` days as YYYY-MM-DD (UTC). */
export function isoDaysFrom(date: Date, days: number): string {
  return new Date(date.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}
