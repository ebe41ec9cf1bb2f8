import { test, expect } from "@playwright/test";
import { createHmac } from "node:crypto";
import { gotoHydrated, registerBusiness, uniqueEmail, logOut, PASSWORD } from "./helpers";

/** RFC 4648 base32, as the page shows the secret. */
function base32Decode(text: string): Buffer {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const ch of text.replace(/=+$/, "").toUpperCase()) {
    const v = alphabet.indexOf(ch);
    if (v < 0) throw new Error(`not base32: ${ch}`);
    bits += v.toString(2).padStart(5, "0");
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** What an authenticator app shows (RFC 6238 with SHA-1, 6 digits, 30 s), using Node's own HMAC. */
function authenticatorCode(secret: string, unixSeconds: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / 30)));
  const mac = createHmac("sha1", base32Decode(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return value.toString().padStart(6, "0");
}

test("a member turns two-factor on with a code and then logs in with password and code", async ({ page }) => {
  const email = uniqueEmail("two-factor");
  await registerBusiness(page, "Second Factor Lending", email);

  await gotoHydrated(page, "/settings/security");
  await expect(page.getByTestId("two-factor-status")).toContainText("Off");
  await page.getByRole("button", { name: "Turn on two-factor authentication" }).click();
  await expect(page.getByRole("img", { name: "QR code of the two-factor secret" }).locator("svg")).toBeVisible();
  const secret = (await page.getByTestId("totp-secret").innerText()).trim();
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await page.getByLabel("Authentication code").fill(authenticatorCode(secret, Date.now() / 1000));
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page.getByTestId("recovery-codes").locator("li")).toHaveCount(10);
  await expect(page.getByTestId("two-factor-status")).toContainText("On for");

  await logOut(page);
  await gotoHydrated(page, "/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/login\/code$/);
  // The code used to confirm cannot be used again; the app's next code can.
  await page.getByLabel("Authentication code").fill(authenticatorCode(secret, Date.now() / 1000 + 30));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId("client-id")).toBeVisible();
});
