import { test, expect } from "@playwright/test";
import {
  completeDemoSignIn,
  openApplicationWhen,
  openShop,
  registerBusiness,
  uniqueEmail,
  widgetSuccess,
} from "./helpers";

// The case around an application (#15): the reviewer puts themselves on it and leaves notes for the team; both
// stay on the page after a reload and in the audit trail.

test("a reviewer assigns an application to themselves and adds a note that stays after a reload", async ({ page }) => {
  test.setTimeout(120_000);
  const email = uniqueEmail("case");
  const clientId = await registerBusiness(page, "Case Work Ltd", email);
  const frame = await openShop(page, { clientId });
  await completeDemoSignIn(frame, "test", "Test123");
  const { importId } = await widgetSuccess(page);
  await openApplicationWhen(page, importId!);

  const caseCard = page.getByTestId("case");
  await expect(caseCard.getByTestId("assignee")).toHaveText("nobody");
  await caseCard.getByRole("button", { name: "Assign to me" }).click();
  await expect(caseCard.getByTestId("assignee")).toHaveText(email);
  await caseCard.getByLabel("Assign to", { exact: true }).selectOption({ label: "Nobody" });
  await caseCard.getByRole("button", { name: "Assign", exact: true }).click();
  await expect(caseCard.getByTestId("assignee")).toHaveText("nobody");
  await caseCard.getByLabel("Assign to", { exact: true }).selectOption({ label: email });
  await caseCard.getByRole("button", { name: "Assign", exact: true }).click();
  await expect(caseCard.getByTestId("assignee")).toHaveText(email);

  // An empty note is refused with a message; a real one joins the thread.
  await caseCard.getByRole("button", { name: "Add note" }).click();
  await expect(caseCard.getByText("Write the note first.")).toBeVisible();
  await caseCard.getByLabel("Add a note").fill("Payslip for March requested from the applicant.");
  await caseCard.getByRole("button", { name: "Add note" }).click();
  await expect(caseCard.getByTestId("notes")).toContainText("Payslip for March requested from the applicant.");

  await page.reload();
  await expect(page.getByTestId("case").getByTestId("notes")).toContainText("Payslip for March requested");
  await expect(page.getByTestId("case").getByTestId("assignee")).toHaveText(email);
  await page.goto("/applications?assigned=me");
  await expect(page.locator(`[data-import-id="${importId}"]`)).toBeVisible();
});
