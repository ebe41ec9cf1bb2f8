import { test, expect } from "@playwright/test";
import { gotoHydrated, registerBusiness, uniqueEmail, PASSWORD } from "./helpers";

test("a business registers, sees its Client ID, logs out and back in to the same Client ID", async ({ page }) => {
  const email = uniqueEmail("owner");
  const clientId = await registerBusiness(page, "Acme Lending sp. z o.o.", email);

  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Log in" })).toBeVisible();
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/login$/);

  await gotoHydrated(page, "/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId("client-id")).toHaveText(clientId);
  await page.screenshot({ path: "test-results/dashboard.png", fullPage: true });
});

test("a bad password shows the error next to the form and keeps the e-mail", async ({ page }) => {
  const email = uniqueEmail("bad-pass");
  await registerBusiness(page, "Bad Password Ltd", email);
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Log in" })).toBeVisible();

  await gotoHydrated(page, "/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("definitely the wrong one");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByTestId("login-error")).toHaveText("Invalid email or password.");
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByLabel("Email")).toHaveValue(email);
});

test("registration errors appear next to each field on a phone-sized screen", async ({ page }) => {
  await page.setViewportSize({ width: 320, height: 640 });
  await gotoHydrated(page, "/register");
  await page.getByLabel("Company name").fill("Acme");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.locator("#field-email-error")).toContainText("valid email");
  await expect(page.locator("#field-password-error")).toContainText("at least 12");
  await expect(page.getByLabel("Company name")).toHaveValue("Acme");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  expect(overflow).toBe(false);
});
