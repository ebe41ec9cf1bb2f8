import { test, expect } from "@playwright/test";
import { createHmac } from "node:crypto";
import { createServer, IncomingHttpHeaders } from "node:http";
import { AddressInfo } from "node:net";
import { gotoHydrated, registerBusiness, uniqueEmail } from "./helpers";

interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A lender's webhook receiver on this machine: records what arrives, answers 200. */
async function startReceiver(): Promise<{ url: string; received: Delivery[]; close: () => void }> {
  const received: Delivery[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, received, close: () => server.close() };
}

/** Standard Webhooks verification with Node's own crypto, over the raw body. */
function verified(secret: string, d: Delivery): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const signed = `${d.headers["webhook-id"]}.${d.headers["webhook-timestamp"]}.${d.body}`;
  const expected = createHmac("sha256", key).update(signed).digest("base64");
  return String(d.headers["webhook-signature"]).split(" ").includes(`v1,${expected}`);
}

test("an admin adds a webhook endpoint, sends a test event and sees it delivered in the log", async ({ page }) => {
  test.setTimeout(60_000);
  const receiver = await startReceiver();
  try {
    await registerBusiness(page, "Webhook Lending", uniqueEmail("webhooks"));
    await gotoHydrated(page, "/settings/webhooks");
    await page.getByLabel("URL").fill("https://10.0.0.7/hook");
    await page.getByRole("button", { name: "Add endpoint" }).click();
    await expect(page.getByText("That address is private or reserved")).toBeVisible();

    await page.getByLabel("URL").fill(receiver.url);
    await page.getByRole("button", { name: "Add endpoint" }).click();
    const shown = page.getByTestId("webhook-secret");
    await expect(shown).toHaveText(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    const secret = (await shown.textContent())!.trim();

    const endpoint = page.getByTestId("webhook-endpoint").filter({ hasText: receiver.url });
    await endpoint.getByRole("button", { name: "Send test event" }).click();
    await expect.poll(() => receiver.received.length, { timeout: 10_000 }).toBe(1);
    const delivery = receiver.received[0];
    expect(verified(secret, delivery)).toBe(true);
    expect(JSON.parse(delivery.body).type).toBe("webhook.test");

    await expect(async () => {
      await page.getByRole("button", { name: "Refresh the logs" }).click();
      await expect(endpoint.getByTestId("delivery-status").first()).toHaveText("delivered", { timeout: 1_000 });
    }).toPass({ timeout: 10_000 });
    await expect(endpoint.getByTestId("delivery-log")).toContainText("200");

    await endpoint.getByRole("button", { name: "Redeliver" }).first().click();
    await expect.poll(() => receiver.received.length, { timeout: 10_000 }).toBe(2);
    expect(receiver.received[1].headers["webhook-id"]).toBe(delivery.headers["webhook-id"]);

    await page.reload();
    await expect(page.getByTestId("webhook-secret")).toHaveCount(0);
  } finally {
    receiver.close();
  }
});
