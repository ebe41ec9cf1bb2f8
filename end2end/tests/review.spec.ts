import { test, expect, Page } from "@playwright/test";
import {
  acceptInvite,
  completeDemoSignIn,
  createInviteLink,
  expectAbsentOrDisabled,
  gotoHydrated,
  isoDaysFrom,
  logIn,
  logOut,
  openApplicationWhen,
  openShop,
  registerBusiness,
  uniqueEmail,
  widgetSuccess,
} from "./helpers";

// The review flow (SPEC §2 step 6, §5 decisions, §7): an applicant's import arrives through the widget, the admin
// invites a colleague, the colleague finds the application in the queue, studies it and decides; the decision is
// kept in the history and the organisation's audit trail. Every test registers its own business.

function randomSuffix(): string {
  return `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/** An applicant completes the widget on the demo shop (localhost, allowed by default); returns the import id. */
async function applicantSignsIn(page: Page, clientId: string, reference: string): Promise<number> {
  const frame = await openShop(page, { clientId, owner: reference });
  await completeDemoSignIn(frame, "test", "Test123");
  const result = await widgetSuccess(page);
  expect(result.ownerExternalId).toBe(reference);
  expect(Number.isInteger(result.importId)).toBe(true);
  return result.importId;
}

/** Distinct PL IBANs in a text, spaces removed. */
function plIbans(text: string): string[] {
  const found = text.match(/PL\d{2}(?: ?\d{4}){6}(?!\d)/g) ?? [];
  return [...new Set(found.map((iban) => iban.replace(/ /g, "")))];
}

test("a reviewer invited by the admin finds the application, studies it and approves it; the admin sees it in the audit trail", async ({ page }) => {
  test.setTimeout(180_000);
  const adminEmail = uniqueEmail("review-admin");
  const reviewerEmail = uniqueEmail("reviewer");
  const reference = `loan-${randomSuffix()}`;
  const note = `Income is regular, approved (${randomSuffix()}).`;

  // The business and one applicant.
  const clientId = await registerBusiness(page, "Careful Credit sp. z o.o.", adminEmail);
  const importId = await applicantSignsIn(page, clientId, reference);
  await openApplicationWhen(page, importId, "succeeded", 30_000);

  // The admin invites a reviewer and logs out.
  const invitePath = await createInviteLink(page, reviewerEmail, "reviewer");
  expect(invitePath).toMatch(/^\/invite\/\S+$/);
  await logOut(page);

  // The reviewer joins with the link.
  await acceptInvite(page, invitePath, reviewerEmail);

  // The review queue: search by the owner's name with the other filters set so they include the import.
  await gotoHydrated(page, "/applications");
  await expect(page.getByRole("heading", { level: 1, name: "Applications" })).toBeVisible();
  const now = new Date();
  await page.getByLabel("Search", { exact: true }).fill("Jan Kowalski");
  await page.getByLabel("Status", { exact: true }).selectOption("succeeded");
  await page.getByLabel("Decision", { exact: true }).selectOption("pending");
  await page.getByLabel("Bank", { exact: true }).selectOption("demo-pl");
  await page.getByLabel("From", { exact: true }).fill(isoDaysFrom(now, -1));
  await page.getByLabel("To", { exact: true }).fill(isoDaysFrom(now, 1));
  await page.getByRole("button", { name: "Apply", exact: true }).click();
  // The filters live in the URL.
  await expect(page).toHaveURL(/[?&][^=]+=Jan(\+|%20)Kowalski/);
  await expect(page).toHaveURL(/=succeeded\b/);
  const table = page.getByTestId("applications");
  const row = table.locator(`tr[data-import-id="${importId}"]`);
  await expect(row).toBeVisible();
  await expect(row).toContainText("Jan Kowalski");
  await expect(row).toContainText(reference);
  await expect(row).toContainText(/demo-pl|Insight Demo Bank/);
  await expect(row).toContainText("succeeded");
  await expect(row).toContainText("pending");

  // A search for the reference finds it too; a search for nobody finds nothing.
  await gotoHydrated(page, "/applications");
  await page.getByLabel("Search", { exact: true }).fill(reference);
  await page.getByRole("button", { name: "Apply", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`=${reference}\\b`));
  await expect(row).toBeVisible();
  await page.getByLabel("Search", { exact: true }).fill(`nobody-${randomSuffix()}`);
  await page.getByRole("button", { name: "Apply", exact: true }).click();
  await expect(page).toHaveURL(/=nobody-/);
  await expect(table.locator("tr[data-import-id]")).toHaveCount(0);

  // Open the application from the queue.
  await page.getByLabel("Search", { exact: true }).fill("Jan Kowalski");
  await page.getByRole("button", { name: "Apply", exact: true }).click();
  await expect(row).toBeVisible();
  const open = row.getByRole("link", { name: "Open" });
  await expect(open).toHaveAttribute("href", new RegExp(`/applications/${importId}$`));
  await open.click();
  await expect(page).toHaveURL(new RegExp(`/applications/${importId}$`));
  await expect(page.locator("#app")).toHaveAttribute("data-hydrated", "yes");

  // Owners, both accounts, transactions.
  await expect(page.getByTestId("import-status")).toHaveText("succeeded");
  await expect(page.getByTestId("owners")).toContainText("Jan Kowalski");
  await expect(page.getByTestId("dates-covered")).toHaveText(/\d{4}-\d{2}-\d{2}\s*–\s*\d{4}-\d{2}-\d{2}/);
  const accounts = page.getByTestId("accounts");
  const ibans = accounts.getByTestId("account-iban");
  await expect(ibans).toHaveCount(2);
  expect(plIbans((await ibans.allTextContents()).join(" ")).length, "two distinct PL IBANs").toBe(2);
  const transactions = page.getByTestId("transactions");
  await expect(transactions).toHaveCount(2);
  const firstRows = transactions.first().locator("tbody tr");
  await expect(firstRows.first()).toBeVisible();

  // Filter the first account's transactions by text: only salary rows remain.
  await page.getByLabel("Text", { exact: true }).first().fill("WYNAGRODZENIE");
  await page.getByRole("button", { name: "Filter", exact: true }).first().click();
  await expect
    .poll(
      async () => {
        const texts = await firstRows.allInnerTexts();
        if (texts.length === 0) return "no rows";
        const other = texts.find((text) => !text.toUpperCase().includes("WYNAGRODZENIE"));
        return other === undefined ? "all rows match" : `a row without WYNAGRODZENIE: ${other}`;
      },
      { message: "the first account shows only (and some) rows with WYNAGRODZENIE" },
    )
    .toBe("all rows match");

  // Rejecting needs a note.
  const decision = page.getByTestId("decision");
  await expect(decision).toContainText(/pending/i);
  const noteField = page.getByLabel("Note", { exact: true });
  await noteField.fill("");
  await page.getByRole("button", { name: "Reject", exact: true }).click();
  await expect(page.getByRole("alert").filter({ hasText: "A note is required to reject." })).toBeVisible();
  await expect(decision).toContainText(/pending/i);
  await expect(decision).not.toContainText(/rejected/i);

  // Approve with a note.
  await noteField.fill(note);
  await page.getByRole("button", { name: "Approve", exact: true }).click();
  await expect(decision).toContainText(/approved/i);
  const history = page.getByTestId("decision-history");
  const entry = history.locator("li").filter({ hasText: note });
  await expect(entry).toHaveCount(1);
  await expect(entry).toContainText(reviewerEmail);
  await expect(entry).toContainText(/pending\s*→\s*approved/);
  // The failed rejection left nothing in the history.
  await expect(history.locator("li")).toHaveCount(1);

  // It is stored: a fresh load shows the same decision.
  await gotoHydrated(page, `/applications/${importId}`);
  await expect(page.getByTestId("decision")).toContainText(/approved/i);
  await expect(page.getByTestId("decision-history")).toContainText(note);

  // Exports (SPEC §5).
  const exportJson = page.getByRole("link", { name: "Export JSON" });
  await expect(exportJson).toHaveAttribute("href", new RegExp(`/applications/${importId}/export\\.json$`));
  await expect(page.getByRole("link", { name: "Export CSV" })).toBeVisible();
  const response = await page.request.get((await exportJson.getAttribute("href"))!);
  expect(response.ok()).toBe(true);
  const exported = await response.json();
  expect(Number(exported.import.id)).toBe(importId);
  expect(exported.import.ownerExternalId).toBe(reference);
  expect(exported.owners.map((owner: { name: string }) => owner.name)).toContain("Jan Kowalski");
  expect(exported.accounts).toHaveLength(2);
  expect(exported.decisions.length).toBeGreaterThanOrEqual(1);
  const csvHref = await page.getByRole("link", { name: "Export CSV" }).getAttribute("href");
  const csv = await page.request.get(csvHref!);
  expect(csv.ok()).toBe(true);
  expect((await csv.text()).length).toBeGreaterThan(0);

  // The admin comes back and finds the decision in the audit trail.
  await logOut(page);
  await logIn(page, adminEmail);
  await gotoHydrated(page, "/settings/audit");
  const audit = page.getByTestId("audit");
  const decisionRow = audit.locator("tr").filter({ hasText: "Decision" }).filter({ hasText: reviewerEmail }).filter({ hasText: note });
  await expect(decisionRow).toHaveCount(1);
  await expect(decisionRow).toContainText(/pending\s*→\s*approved/);
  await expect(decisionRow).toContainText(/\b\d{1,3}(\.\d{1,3}){3}\b|::1/);
  await expect(audit.locator("tr").filter({ hasText: "Invitation created" }).filter({ hasText: adminEmail }).first()).toBeVisible();

  // And the reviewer is a member of the team now.
  await gotoHydrated(page, "/settings/team");
  const member = page.getByTestId("members").locator("tr").filter({ hasText: reviewerEmail });
  await expect(member).toHaveCount(1);
  await expect(member).toContainText(/reviewer/i);
});

test("a reviewer cannot manage the team and a viewer cannot decide", async ({ page }) => {
  test.setTimeout(180_000);
  const reviewerEmail = uniqueEmail("reviewer-limits");
  const viewerEmail = uniqueEmail("viewer");

  const clientId = await registerBusiness(page, "Least Privilege Loans", uniqueEmail("roles-admin"));
  const importId = await applicantSignsIn(page, clientId, `loan-${randomSuffix()}`);
  await openApplicationWhen(page, importId, "succeeded", 30_000);
  const reviewerInvite = await createInviteLink(page, reviewerEmail, "reviewer");
  const viewerInvite = await createInviteLink(page, viewerEmail, "viewer");
  expect(viewerInvite).not.toBe(reviewerInvite);
  await logOut(page);

  // The reviewer: no team management, and the widget settings are read-only.
  await acceptInvite(page, reviewerInvite, reviewerEmail);
  await gotoHydrated(page, "/settings/team");
  await expect(page.getByText("You are not allowed to do that.").first()).toBeVisible();
  await expect(page.getByRole("button", { name: "Create invite link" })).toHaveCount(0);
  await expect(page.getByTestId("invite-link")).toHaveCount(0);
  await gotoHydrated(page, "/widget");
  await expect(page.getByTestId("embed-snippet")).toBeVisible();
  await expectAbsentOrDisabled(page.getByRole("button", { name: "Save", exact: true }), "the Save button");
  await logOut(page);

  // The viewer sees the application but has no way to decide on it.
  await acceptInvite(page, viewerInvite, viewerEmail);
  await gotoHydrated(page, `/applications/${importId}`);
  await expect(page.getByTestId("import-status")).toHaveText("succeeded");
  await expect(page.getByTestId("owners")).toContainText("Jan Kowalski");
  await expect(page.getByTestId("transactions").first()).toBeVisible();
  await expectAbsentOrDisabled(page.getByRole("button", { name: "Approve", exact: true }), "the Approve button");
  await expectAbsentOrDisabled(page.getByRole("button", { name: "Reject", exact: true }), "the Reject button");
  await gotoHydrated(page, "/settings/team");
  await expect(page.getByText("You are not allowed to do that.").first()).toBeVisible();
});
