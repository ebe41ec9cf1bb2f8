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
