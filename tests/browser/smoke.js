// smoke.js URL SCREENSHOT - opens URL, clicks the button, checks the page
// reacted, no console errors, no axe violations; saves a screenshot.
'use strict';
const { launch, axe } = require('./lib');

async function main() {
  const [url, shot] = process.argv.slice(2);
  const b = await launch();
  try {
    await b.page.goto(url);
    await b.page.click('#go');
    await b.page.waitForSelector('#out:has-text("clicked")', { timeout: 5000 });
    await b.page.screenshot({ path: shot });
    const v = await axe(b.page);
    if (v.length) throw new Error('axe: ' + v.map((x) => x.id).join(', '));
    if (b.errors.length) throw new Error('console: ' + b.errors.join(' | '));
  } finally {
    await b.close();
  }
  console.log('ok: browser smoke');
}
main().catch((e) => { console.error('FAIL: ' + e.message); process.exit(1); });
