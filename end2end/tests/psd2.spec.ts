import { test, expect, type Page } from "@playwright/test";
import { createHmac } from "node:crypto";
import {
  chooseBank,
  firstWidgetError,
  giveConsent,
  gotoHydrated,
  openShop,
  registerBusiness,
  signingSecret,
  uniqueEmail,
  widgetEventNames,
  widgetSuccess,
} from "./helpers";

// A PSD2 bank with redirect SCA (Berlin Group NextGenPSD2): the Insight PSD2 Sandbox, which the portal serves at
// /sandbox/xs2a. The applicant approves at the bank's own page, opened in a popup on the consent click (or, when
// the browser blocks it, through the widget's "Continue at your bank" link), and comes back to Insight's return URL.

const BANK = "Insight PSD2 Sandbox";

function expectedSignature(secret: string, sessionId: string): string {
  return createHmac("sha256", Buffer.from(secret, "utf8")).update(sessionId, "utf8").digest("hex");
}

/** At the bank's SCA page: a PSU ID, any password, then Approve or Cancel. */
async function approveAtTheBank(bankPage: Page, psu: string, button = "Approve") {
  await expect(bankPage.getByRole("heading", { name: BANK })).toBeVisible();
  await bankPage.getByLabel("PSU ID").fill(psu);
  await bankPage.getByLabel("Password").fill("any-password");
  await bankPage.getByRole("button", { name: button }).click();
  await expect(bankPage.locator("body")).toContainText("You can close this window");
}

test("psu-ok approves in the bank's popup: the widget moves on, onSuccess is signed, the portal shows both accounts", async ({ page }) => {
  test.setTimeout(120_000);
  const clientId = await registerBusiness(page, "Redirect Lending", uniqueEmail("psd2-popup"));
  const frame = await openShop(page, { clientId, owner: "application-psd2" });
  await chooseBank(frame, BANK);
  const popup = page.context().waitForEvent("page");
  await giveConsent(frame);
  const bankPage = await popup;
  await expect(frame.locator("body")).toContainText("Waiting for your bank");
  await expect(frame.getByRole("button", { name: "Cancel" })).toBeVisible();
  await approveAtTheBank(bankPage, "psu-ok");

  const result = await widgetSuccess(page);
  expect(result.target).toBe("xs2a-sandbox");
  expect(result.targetName).toBe(BANK);
  expect(result.ownerExternalId).toBe("application-psd2");
  const names = await widgetEventNames(page);
  for (const name of ["consent_given", "redirect_started", "redirect_returned"]) expect(names).toContain(name);
  expect(names.indexOf("redirect_started")).toBeLessThan(names.indexOf("redirect_returned"));

  const secret = await signingSecret(page);
  expect(result.sessionIdSignature).toBe(expectedSignature(secret, result.sessionId));
  await gotoHydrated(page, `/applications/${result.importId}`);
  await expect(page.getByTestId("import-status")).toHaveText("succeeded", { timeout: 60_000 });
  await expect(page.getByTestId("transactions")).toHaveCount(2);
});

test("with popups blocked the widget offers 'Continue at your bank' in a new tab and resumes when the applicant is back", async ({ page }) => {
  test.setTimeout(120_000);
  // What a phone browser that blocks the popup gives the page: no window.
  await page.addInitScript(() => {
    window.open = () => null;
  });
  const clientId = await registerBusiness(page, "Blocked Popup Credit", uniqueEmail("psd2-blocked"));
  const frame = await openShop(page, { clientId });
  await chooseBank(frame, BANK);
  await giveConsent(frame);
  await expect(frame.locator("body")).toContainText("did not open your bank's window");
  const tab = page.context().waitForEvent("page");
  await frame.getByRole("link", { name: "Continue at your bank" }).click();
  await approveAtTheBank(await tab, "psu-ok");
  const result = await widgetSuccess(page);
  expect(result.target).toBe("xs2a-sandbox");
  expect(Number.isInteger(result.importId)).toBe(true);
});

test("psu-cancel cancels at the bank: the widget reports onError UserCancelled", async ({ page }) => {
  test.setTimeout(90_000);
  const clientId = await registerBusiness(page, "Cancelled Loans", uniqueEmail("psd2-cancel"));
  const frame = await openShop(page, { clientId });
  await chooseBank(frame, BANK);
  const popup = page.context().waitForEvent("page");
  await giveConsent(frame);
  await approveAtTheBank(await popup, "psu-cancel");
  const error = await firstWidgetError(page);
  expect(error.code).toBe("UserCancelled");
  await expect(frame.locator("body")).toContainText("You cancelled the bank connection");
});
