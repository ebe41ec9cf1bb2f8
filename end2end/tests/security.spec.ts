import { expect, test } from "@playwright/test";
import { INSIGHT_URL } from "./helpers";

// The Content-Security-Policy lets a page run only Insight's own scripts and the inline scripts that carry
// this response's nonce. A script slipped into the page (here: added to the real response on its way to the
// browser, with the real headers kept) is refused, while the page's own scripts still hydrate it.
test("an inline script without the response's nonce is refused and the page still hydrates", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  await page.route(`${INSIGHT_URL}/`, async (route) => {
    const response = await route.fetch();
    const html = (await response.text()).replace("</body>", "<script>window.__injected = true;</script></body>");
    await route.fulfill({ response, body: html });
  });
  await page.goto("/");
  await expect(page.locator("#app")).toHaveAttribute("data-hydrated", "yes");
  await expect.poll(() => violations.length).toBeGreaterThan(0);
  expect(violations.join("\n")).toMatch(/inline script/i);
  expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined();
});
