// notify.js - the header's unread notification count rises without a
// reload when another agent assigns a ticket (agent.js polls
// /agent/notifications.json), and the list page at 390 px has no sideways
// scrolling and no axe-core violation.
// usage: ASSIGN="shell command" node notify.js URL EMAIL PASSWORD
'use strict';
const { execSync } = require('child_process');
const fs = require('fs');
const { launch } = require('./lib');

// Evaluated, not added as a script tag: the pages' CSP allows no inline script.
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const [URL, EMAIL, PW] = process.argv.slice(2);

let failures = 0;
function check(ok, what) {
  console.log((ok ? 'ok - ' : 'FAIL: ') + what);
  if (!ok) failures++;
}

(async () => {
  const b = await launch();
  const { page } = b;
  try {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(URL + '/agent/login');
    await page.fill('#email', EMAIL);
    await page.fill('#password', PW);
    await Promise.all([page.waitForNavigation(), page.click('form.login button')]);
    await page.goto(URL + '/agent/notifications');
    await page.evaluate(`${AXE}\n;0`);
    const v = (await page.evaluate(() => window.axe.run(document))).violations;
    check(v.length === 0, 'list page at 390 px: axe finds nothing ' +
      JSON.stringify(v.map((x) => x.id)));
    const wide = await page.evaluate(() =>
      document.documentElement.scrollWidth > window.innerWidth);
    check(!wide, 'list page at 390 px: no sideways scrolling');
    const before = Number(await page.textContent('#notify-count'));
    let navigations = 0;
    page.on('framenavigated', (f) => { if (f === page.mainFrame()) navigations++; });
    execSync(process.env.ASSIGN, { stdio: 'inherit' });
    await page.waitForFunction(
      (n) => Number(document.getElementById('notify-count').textContent) > n,
      before, { timeout: 20000 }).catch(() => {});
    const after = Number(await page.textContent('#notify-count'));
    check(after === before + 1, `the count rose from ${before} to ${after}`);
    check(navigations === 0, 'without a reload');
    check(b.errors.length === 0, 'no script errors: ' + b.errors.join('; '));
  } catch (e) {
    check(false, String(e));
  } finally {
    await b.close();
  }
  process.exit(failures ? 1 : 0);
})();
