// HTML_CodeSniffer (WCAG 2 AA) through pa11y on saved pages: node htmlcs.mjs FILE...
// Prints one JSON object, {file: [{code, message, selector}, ...]}, errors only.
import pa11y from "pa11y";
import puppeteer from "puppeteer";

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--allow-file-access-from-files"],
});
const results = {};
try {
  for (const file of process.argv.slice(2)) {
    const page = await browser.newPage();
    await page.setViewport({ width: 360, height: 740 });
    const report = await pa11y(`file://${file}`, {
      browser,
      page,
      runners: ["htmlcs"],
      standard: "WCAG2AA",
      includeWarnings: false,
      includeNotices: false,
      timeout: 60000,
    });
    results[file] = report.issues
      .filter((issue) => issue.type === "error")
      .map(({ code, message, selector }) => ({ code, message, selector }));
    await page.close();
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(results));
