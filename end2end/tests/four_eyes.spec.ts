import { test, expect } from "@playwright/test";
import {
  acceptInvite,
  completeDemoSignIn,
  createInviteLink,
  gotoHydrated,
  openApplicationWhen,
  openShop,
  registerBusiness,
  uniqueEmail,
  widgetSuccess,
} from "./helpers";

// Four eyes (#15): with "Require a second approval" on, the first reviewer's approval waits, they cannot
// confirm it themselves, and a second reviewer in another browser confirms it. Both write in the case's notes.

test("two reviewers in two browsers complete a four-eyes approval and the thread shows both notes", async ({ browser, page }) => {
  test.setTimeout(150_000);
  const first = page;
  // A second browser context: its own cookies, so its own session.
  const second = await (await browser.newContext({ baseURL: test.info().project.use.baseURL })).newPage();
  const firstEmail = uniqueEmail("four-eyes-admin");
  const secondEmail = uniqueEmail("four-eyes-reviewer");

  const clientId = await registerBusiness(first, "Four Eyes Lending", firstEmail);
  await gotoHydrated(first, "/settings");
  await first.getByLabel("Require a second approval").check();
  await first.getByRole("button", { name: "Save policy" }).click();
  await expect(first.getByText("Saved.")).toBeVisible();
  const invite = await createInviteLink(first, secondEmail, "reviewer");
  await acceptInvite(second, invite, secondEmail);

  const frame = await openShop(first, { clientId });
  await completeDemoSignIn(frame, "test", "Test123");
  const { importId } = await widgetSuccess(first);
  await openApplicationWhen(first, importId!);

  // The first reviewer approves: it waits for someone else, and they cannot confirm it themselves.
  await first.getByLabel("Note", { exact: true }).fill("Salary and rent check out.");
  await first.getByRole("button", { name: "Approve (needs a second reviewer)" }).click();
  await expect(first.getByTestId("decision")).toHaveText("approval_pending");
  await expect(first.getByTestId("approval-request")).toContainText("A different reviewer or admin must confirm");
  await expect(first.getByRole("button", { name: "Confirm approval" })).toBeDisabled();
  const caseCard = first.getByTestId("case");
  await caseCard.getByLabel("Add a note").fill("Approved on my side; please look at the savings account.");
  await caseCard.getByRole("button", { name: "Add note" }).click();
  await expect(caseCard.getByTestId("notes")).toContainText("please look at the savings account");

  // The second reviewer finds it in the queue's "awaiting second approval" filter, notes and confirms.
  await gotoHydrated(second, "/applications?decision=approval_pending");
  await second.locator(`[data-import-id="${importId}"]`).getByRole("link", { name: "Open" }).click();
  await expect(second.getByTestId("approval-request")).toContainText(`Approved by ${firstEmail}`);
  const secondCase = second.getByTestId("case");
  await secondCase.getByLabel("Add a note").fill("Savings account confirmed, fine by me.");
  await secondCase.getByRole("button", { name: "Add note" }).click();
  await expect(secondCase.getByTestId("notes")).toContainText("Savings account confirmed");
  await second.getByLabel("Note", { exact: true }).fill("Second approval.");
  await second.getByRole("button", { name: "Confirm approval" }).click();
  await expect(second.getByTestId("decision")).toHaveText("approved");
  await expect(second.getByTestId("decision-history")).toContainText(`second approval of ${firstEmail}'s`);

  // The first reviewer's page, reloaded, shows the outcome and both notes in order.
  await first.reload();
  await expect(first.getByTestId("decision")).toHaveText("approved");
  const notes = first.getByTestId("case").getByTestId("notes").locator("li");
  await expect(notes).toHaveCount(2);
  await expect(notes.nth(0)).toContainText(firstEmail);
  await expect(notes.nth(1)).toContainText(secondEmail);
  await gotoHydrated(first, "/settings/audit");
  await expect(first.locator("body")).toContainText("Approved, awaiting a second approval");
});

test("the queue moves with j and k, and a assigns the selected application", async ({ page }) => {
  test.setTimeout(120_000);
  const email = uniqueEmail("queue-keys");
  const clientId = await registerBusiness(page, "Keyboard Credit", email);
  const frame = await openShop(page, { clientId });
  await completeDemoSignIn(frame, "test", "Test123");
  const { importId } = await widgetSuccess(page);
  await openApplicationWhen(page, importId!);
  await gotoHydrated(page, "/applications");
  const row = page.locator(`[data-import-id="${importId}"]`);
  await expect(row.getByTestId("row-assignee")).toContainText("Assign to me");
  await expect(page.getByText("Keyboard:")).toBeVisible();
  await page.keyboard.press("j");
  await expect(row).toHaveClass(/selected/);
  await expect(row.getByRole("link", { name: "Open" })).toBeFocused();
  await page.keyboard.press("a");
  await expect(row.getByTestId("row-assignee")).toHaveText(email);
  // Typing in the search box is text, not a command.
  await page.getByLabel("Search").fill("jak");
  await expect(page.getByLabel("Search")).toHaveValue("jak");

  // A figure of the analysis opens the transactions behind it, and the link can be shared.
  await openApplicationWhen(page, importId!);
  const income = page.getByTestId("income").getByRole("link").first();
  const shown = await income.getAttribute("data-evidence-minor");
  await income.click();
  await expect(page).toHaveURL(/\/evidence\?(?=.*party=)(?=.*flow=in)/);
  await expect(page.getByTestId("evidence-title")).toContainText("Money in from or to");
  const cells = page.getByTestId("evidence").locator("td[data-minor]");
  await expect(cells.first()).toBeVisible();
  const minors = await cells.evaluateAll((tds) => tds.map((td) => Number(td.getAttribute("data-minor"))));
  expect(minors.reduce((a, b) => a + b, 0)).toBe(Number(shown));
  await page.reload();
  await expect(page.getByTestId("evidence-title")).toContainText("Money in from or to");
});
