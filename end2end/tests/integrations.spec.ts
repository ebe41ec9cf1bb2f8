import { test, expect } from "@playwright/test";
import { createHmac } from "node:crypto";
import {
  INSIGHT_URL,
  completeDemoSignIn,
  gotoHydrated,
  openShop,
  registerBusiness,
  signingSecret,
  uniqueEmail,
  widgetSuccess,
} from "./helpers";

/** Verifies an HS256 JWT with Node's own HMAC and returns its claims (what a lender's back-end does). */
function verifyJwt(token: string, secret: string): Record<string, unknown> {
  const [header, payload, signature] = token.split(".");
  const expected = createHmac("sha256", secret).update(`${header}.${payload}`).digest("base64url");
  expect(signature).toBe(expected);
  expect(JSON.parse(Buffer.from(header, "base64url").toString())).toEqual({ alg: "HS256", typ: "JWT" });
  return JSON.parse(Buffer.from(payload, "base64url").toString());
}

test("a lender's back-end verifies the widget's result and reads the import through the API with a key made in the portal", async ({ page, request }) => {
  test.setTimeout(120_000);
  const clientId = await registerBusiness(page, "Back-end Lending", uniqueEmail("api-keys"));
  const secret = await signingSecret(page);

  const frame = await openShop(page, { clientId, owner: "application-77" });
  await completeDemoSignIn(frame, "test", "Test123");
  const result = await widgetSuccess(page);
  const claims = verifyJwt(result.resultToken, secret);
  expect(claims).toMatchObject({
    sessionId: result.sessionId,
    importId: result.importId,
    ownerExternalId: "application-77",
    clientId,
    target: "demo-pl",
  });

  // The admin creates a key: shown once, then only its prefix.
  await gotoHydrated(page, "/settings/api-keys");
  await page.getByLabel("Name").fill("Loan back-end");
  await page.getByRole("button", { name: "Create API key" }).click();
  const shown = page.getByTestId("api-key");
  await expect(shown).toHaveText(/^ins_sk_[0-9a-f]{64}$/);
  const key = (await shown.textContent())!.trim();
  const row = page.getByTestId("api-keys").locator("tr", { hasText: "Loan back-end" });
  await expect(row).toContainText(key.slice(0, 13));

  const session = await request.get(`${INSIGHT_URL}/v1/signin-sessions/${result.sessionId}`, {
    headers: { Authorization: `Bearer ${key}` },
  });
  expect(session.status()).toBe(200);
  expect(await session.json()).toMatchObject({ importId: result.importId, ownerExternalId: "application-77" });

  await page.reload();
  await expect(page.getByTestId("api-keys")).toBeVisible();
  await expect(page.getByTestId("api-key")).toHaveCount(0);
  await expect(page.locator("body")).not.toContainText(key);

  // Revoked: the next call is refused.
  await page.getByTestId("api-keys").locator("tr", { hasText: "Loan back-end" }).getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByTestId("api-keys")).toHaveCount(0);
  const refused = await request.get(`${INSIGHT_URL}/v1/imports`, { headers: { Authorization: `Bearer ${key}` } });
  expect(refused.status()).toBe(401);
  expect(refused.headers()["content-type"]).toBe("application/problem+json");
});
