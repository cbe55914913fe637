// The counselor web page in headless Chromium: sign in, play a scenario to its ending with a typed
// reply, check the report, and check that a reply containing <script> is shown as text.
//
// Needs a built `rehearse` binary (REHEARSE_BIN, default ../target/debug/rehearse) and Chromium
// (CHROMIUM, default /usr/bin/chromium). Saves a screenshot of the report to SCREENSHOT (default
// /tmp/rehearse-report.png).

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";

const here = new URL(".", import.meta.url).pathname;
const binary = process.env.REHEARSE_BIN || resolve(here, "../target/debug/rehearse");
const screenshot = process.env.SCREENSHOT || "/tmp/rehearse-report.png";

/** Starts `rehearse serve` on a free loopback port with a fresh database and one token. */
async function startServer() {
  const dir = mkdtempSync(join(tmpdir(), "rehearse-web-"));
  const db = `sqlite://${join(dir, "rehearse.db")}`;
  const token = execFileSync(binary, ["token", "create", "web-test", "--db", db], { encoding: "utf8" }).trim();
  const server = spawn(binary, ["serve", "--addr", "127.0.0.1:0", "--db", db], { stdio: ["ignore", "ignore", "pipe"] });
  const lines = createInterface({ input: server.stderr });
  const base = await new Promise((resolveBase, reject) => {
    server.on("exit", (code) => reject(new Error(`the server exited with ${code}`)));
    lines.on("line", (line) => {
      const match = line.match(/addr=(\S+)/);
      if (match) resolveBase(`http://${match[1]}`);
    });
  });
  return { server, base, token };
}

test("a counselor plays a scenario to its ending in the browser", async () => {
  const { server, base, token } = await startServer();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 900, height: 1400 } });
    const problems = [];
    page.on("pageerror", (error) => problems.push(error.message));
    page.on("dialog", (dialog) => problems.push(`unexpected dialog: ${dialog.message()}`));

    await page.goto(base);
    await page.getByLabel("Counselor token").fill(token);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Scenarios" }).waitFor();
    await page.getByLabel("Label").first().waitFor();
    await page.getByRole("button", { name: "Start \u201CLate again, and no call\u201D" }).click();

    // Turn 1: an authored reply. Turn 2: a typed reply that carries markup.
    await page.getByRole("heading", { name: "Turn 1" }).waitFor();
    await page.getByRole("button", { name: /^1\. / }).click();
    await page.getByRole("heading", { name: "Turn 2" }).waitFor();
    const typed = "You were checking your phone all night <script>window.pwned = true</script> and nothing came. I'm so sorry.";
    await page.getByLabel("Or type your own reply").fill(typed);
    await page.getByRole("button", { name: "Send reply" }).click();
    await page.getByRole("heading", { name: "Turn 3" }).waitFor();

    const said = await page.locator(".said").textContent();
    assert.ok(said.includes("<script>window.pwned = true</script>"), `the reply is shown as text: ${said}`);
    assert.equal(await page.evaluate(() => window.pwned), undefined, "the reply's markup did not run");
    assert.equal(await page.locator(".said script").count(), 0, "no script element was created");
    assert.ok(await page.locator(".said mark").count() > 0, "the evidence is highlighted in the reply");

    // Undo and redo the typed reply, then play on to the ending.
    await page.getByRole("button", { name: "Undo last reply" }).click();
    await page.getByRole("heading", { name: "Turn 2" }).waitFor();
    await page.getByLabel("Or type your own reply").fill(typed);
    await page.getByRole("button", { name: "Send reply" }).click();
    for (const [turn, choice] of [[3, 1], [4, 1], [5, 1], [6, 2]]) {
      await page.getByRole("heading", { name: `Turn ${turn}` }).waitFor();
      await page.getByRole("button", { name: new RegExp(`^${choice}\\. `) }).click();
    }

    const report = page.getByRole("region", { name: "Report" });
    await report.waitFor();
    const ending = await report.locator(".ending").textContent();
    assert.match(ending, /\((repaired|stalled|escalated)\)$/);
    assert.ok((await report.locator("table").textContent()).includes("Accountability"));
    assert.equal(await page.locator("svg.meter circle").count(), 7, "the meter chart has a point per reply and the start");
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`screenshot: ${screenshot}`);

    // The session is listed and can be reopened.
    await page.getByRole("button", { name: "Back to the list" }).click();
    await page.getByRole("heading", { name: "Past sessions" }).waitFor();
    assert.equal(await page.getByRole("button", { name: "Open" }).count(), 1);
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    server.kill();
  }
});
