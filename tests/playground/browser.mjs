// The playground page as a person uses it, in headless Chromium (the system's: no browser
// download) with the network off: every model chosen in turn and drawn, three points
// clicked and completed, one shape stepped through. Prints a JSON report on stdout:
// console errors, requests that failed or left the file system, what each model drew
// and how long a draw took; saves a screenshot.
//   node browser.mjs PAGE.html SCREENSHOT.png [CHROMIUM]
import { chromium } from "playwright-core";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [page_file, screenshot, executable = "/usr/bin/chromium"] = process.argv.slice(2);
const DRAWS = 5; // draws of 64 shapes timed per model; the median is reported
const profile = fs.mkdtempSync(path.join(os.tmpdir(), "shapegen-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: executable,
  headless: true,
  offline: true,
  viewport: { width: 1280, height: 1080 },
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const report = { errors: [], requests: [], models: {}, completions: 0, steps: [] };
try {
  const page = await context.newPage();
  page.on("pageerror", (error) => report.errors.push(String(error)));
  page.on("console", (message) => {
    if (["error", "warning"].includes(message.type())) report.errors.push(message.text());
  });
  page.on("requestfailed", (request) => report.requests.push(`failed: ${request.url()}`));
  page.on("request", (request) => {
    if (!request.url().startsWith("file:")) report.requests.push(`left the file system: ${request.url()}`);
  });
  await page.goto(pathToFileURL(path.resolve(page_file)).href);
  await page.waitForSelector("#grid figure");

  // How many of the grid's canvases have a pixel drawn besides the unit square's frame.
  const drawnCells = () =>
    page.$$eval("#grid canvas", (canvases) =>
      canvases.filter((canvas) => {
        const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
        for (let i = 0; i < data.length; i += 4) {
          if (data[i + 3] > 0 && data[i + 2] > data[i] + 60) return true; // blue: a shape
        }
        return false;
      }).length
    );

  const names = await page.$$eval("#variant option", (options) => options.map((o) => o.value));
  for (const name of names) {
    await page.selectOption("#variant", name);
    const times = [];
    for (let seed = 1; seed <= DRAWS; seed++) {
      await page.fill("#seed", String(seed));
      await page.click("#draw");
      times.push(Number(await page.getAttribute("#status", "data-draw-ms")));
    }
    times.sort((a, b) => a - b);
    const labels = await page.$$eval("#grid figcaption", (captions) => captions.map((c) => c.textContent));
    report.models[name] = {
      draw_ms: times[Math.floor(times.length / 2)],
      cells: labels.length,
      drawn_cells: await drawnCells(),
      invalid: labels.filter((label) => label.startsWith("invalid")).length,
      description: await page.textContent("#description"),
    };
  }

  // Complete three clicked points with the shapes model, then step through one shape.
  const shapesModel = names.find((name) => name === "families") ?? names[names.length - 1];
  await page.selectOption("#variant", shapesModel);
  const box = await page.locator("#canvas").boundingBox();
  for (const [x, y] of [[0.3, 0.2], [0.6, 0.25], [0.65, 0.55]]) {
    // The canvas shows [-0.1, 1.1] on both axes.
    await page.mouse.click(box.x + ((x + 0.1) / 1.2) * box.width, box.y + ((1.1 - y) / 1.2) * box.height);
  }
  report.given = await page.inputValue("#given");
  await page.click("#complete");
  report.completions = await page.evaluate(() => window.shapegenPlayground.completions().length);
  await page.click("#step-start");
  while (!(await page.isDisabled("#step-next"))) await page.click("#step-next");
  report.steps = await page.$$eval("#step-log li", (items) => items.map((item) => item.textContent));
  report.step_summary = await page.textContent("#step-summary");
  report.completion_note = await page.textContent("#completion-note");
  await page.screenshot({ path: screenshot, fullPage: false });
} finally {
  await context.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
process.stdout.write(JSON.stringify(report));
