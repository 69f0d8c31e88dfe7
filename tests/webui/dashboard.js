// Opens fakeipfs's /webui dashboard in headless Chromium (Playwright), waits for its first
// rendering of the node's state, and prints what the page shows as JSON on stdout:
// {"node": {...}, "tables": {id: [[cell text, ...], ...]}, "links": text, "faults": text}.
// Usage: node dashboard.js <dashboard URL> <screenshot.png>
// Environment: FAKEIPFS_CHROMIUM (default /usr/bin/chromium).
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const { chromium } = require("playwright-core");

const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"];

async function main() {
  const [url, screenshot] = process.argv.slice(2);
  if (!url || !screenshot) throw new Error("usage: node dashboard.js <url> <screenshot.png>");
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "fakeipfs-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.FAKEIPFS_CHROMIUM || "/usr/bin/chromium",
    headless: true, args: FLAGS, viewport: { width: 1280, height: 860 }, timeout: 30000,
  });
  try {
    const page = await context.newPage();
    const problems = [];
    page.on("pageerror", error => problems.push("page error: " + error.message));
    page.on("console", message => { if (message.type() === "error") problems.push("console: " + message.text()); });
    await page.goto(url, { timeout: 15000 });
    await page.waitForFunction(() => Number(document.body.dataset.polls || 0) >= 1, null, { timeout: 15000 });
    const shown = await page.evaluate(() => {
      const text = id => document.getElementById(id).textContent;
      const tables = {};
      for (const table of document.querySelectorAll("table[id]")) {
        tables[table.id] = [...table.querySelectorAll("tbody tr")].map(
          row => [...row.querySelectorAll("td")].map(cell => cell.textContent));
      }
      return {
        node: { id: text("node-id"), version: text("node-version"), api: text("node-api"),
                gateway: text("node-gateway") },
        tables,
        links: document.getElementById("links") ? text("links") : null,
        faults: [...document.querySelectorAll("#faults li")].map(item => item.textContent),
        faultsText: text("faults"),
        status: text("status"),
      };
    });
    await page.screenshot({ path: screenshot, fullPage: false });
    shown.problems = problems;
    process.stdout.write(JSON.stringify(shown) + "\n");
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main().catch(error => { process.stderr.write(String(error && error.stack || error) + "\n"); process.exit(1); });
