import { test, expect, Request } from "@playwright/test";
import {
  INSIGHT_URL,
  chooseBank,
  giveConsent,
  openShop,
  registerBusiness,
  submitCredentials,
  uniqueEmail,
  widgetFitsHorizontally,
  widgetFrame,
  widgetSuccess,
} from "./helpers";

// The applicant's side on a phone: what the widget costs to download before the bank list can be used, and
// the whole flow in a 360 px wide viewport. Every test gets a fresh browser context, so the cache is cold.

const PHONE = { width: 360, height: 740 };

/** Bytes on the wire (headers and body) of a finished request. */
async function wireBytes(request: Request): Promise<number> {
  const sizes = await request.sizes();
  return sizes.responseHeadersSize + sizes.responseBodySize;
}

test("the bank list is usable after under 150 KB, of which at most 60 KB is script", async ({ browser, page }) => {
  const clientId = await registerBusiness(page, "Light Widget Ltd", uniqueEmail("widget-weight"));
  // A new context: nothing of the portal is in its cache.
  const phone = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
  const shop = await phone.newPage();
  const fromInsight: Promise<{ url: string; type: string; bytes: number }>[] = [];
  shop.on("requestfinished", (request) => {
    if (request.url().startsWith(INSIGHT_URL)) {
      fromInsight.push(wireBytes(request).then((bytes) => ({ url: request.url(), type: request.resourceType(), bytes })));
    }
  });
  const frame = await openShop(shop, { clientId });
  const firstBank = frame.getByRole("button", { name: "Insight Demo Bank", exact: true });
  await expect(firstBank).toBeVisible();
  await expect(firstBank).toBeEnabled();

  // What the widget's own page saw (Resource Timing inside the iframe, same origin as its resources).
  const inFrame = await frame.locator("html").evaluate(() => {
    const navigation = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
    const resources = performance.getEntriesByType("resource") as PerformanceResourceTiming[];
    return {
      document: navigation.transferSize,
      resources: resources.map((r) => ({ name: r.name, type: r.initiatorType, bytes: r.transferSize })),
    };
  });
  const frameTotal = inFrame.document + inFrame.resources.reduce((sum, r) => sum + r.bytes, 0);
  expect(inFrame.document, "the document arrived over the network").toBeGreaterThan(0);
  expect(frameTotal).toBeLessThan(150_000);
  expect(inFrame.resources.some((r) => r.name.endsWith(".wasm")), "no wasm in the widget").toBe(false);

  // Everything the phone fetched from Insight, the loader on the shop's page included.
  const fetched = await Promise.all(fromInsight);
  const total = fetched.reduce((sum, r) => sum + r.bytes, 0);
  const script = fetched.filter((r) => r.type === "script" || r.url.endsWith(".wasm")).reduce((s, r) => s + r.bytes, 0);
  console.log(`widget until the bank list: ${total} bytes from Insight (${script} of script); in the frame ${frameTotal}`);
  expect(fetched.some((r) => r.url.includes("/signin-widget.js")), "the loader was fetched").toBe(true);
  expect(total).toBeGreaterThanOrEqual(frameTotal);
  expect(total).toBeLessThan(150_000);
  expect(script).toBeLessThanOrEqual(60_000);
  await phone.close();
});

test("the whole sign-in works on a 360 px wide phone and never scrolls sideways", async ({ browser, page }) => {
  test.setTimeout(120_000);
  const clientId = await registerBusiness(page, "Phone Lending Ltd", uniqueEmail("widget-phone"));
  const phone = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
  const shop = await phone.newPage();
  const frame = await openShop(shop, { clientId });
  expect(await widgetFitsHorizontally(frame)).toBe(true);
  await chooseBank(frame, "Insight Demo Bank");
  expect(await widgetFitsHorizontally(frame)).toBe(true);
  await giveConsent(frame);
  expect(await widgetFitsHorizontally(frame)).toBe(true);
  await submitCredentials(frame, "test", "Test123");
  const result = await widgetSuccess(shop);
  expect(result.importId).toBeGreaterThan(0);
  await expect(widgetFrame(shop).locator("body")).toContainText("Your bank data is being imported");
  expect(await widgetFitsHorizontally(frame)).toBe(true);
  const iframeBox = await shop.locator("#insight-signin iframe").boundingBox();
  expect(iframeBox!.width).toBeLessThanOrEqual(PHONE.width);
  await phone.close();
});
