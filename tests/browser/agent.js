// agent.js - the agents' workplace in headless Chromium: sign in with the
// password and a TOTP code (lib.js, RFC 6238),
// see the ticket that came by mail, reply to it, and open a hostile HTML
// mail in both views: no script runs (a flag the payload would set stays
// unset, no dialog opens).  Ticks two rows of the queue and changes their
// status with the bulk form.  Also axe on the queue and ticket pages.
// usage: node agent.js URL ARTIFACTS EMAIL PASSWORD SECRET_B32 NUMBER HOSTILE_NUMBER
'use strict';
const fs = require('fs');
const path = require('path');
const { launch, totp } = require('./lib');

const [URL, ART, EMAIL, PW, SECRET, NUM, EVIL] = process.argv.slice(2);

// axe-core through page.evaluate: our CSP refuses injected inline scripts.
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
async function axeSerious(page) {
  await page.evaluate(`${AXE}\n;0`);
  const r = await page.evaluate(() => window.axe.run(document));
  return r.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical');
}

let failures = 0;
function check(ok, what) {
  console.log((ok ? 'ok - ' : 'FAIL: ') + what);
  if (!ok) failures++;
}

(async () => {
  const b = await launch();
  const { page } = b;
  let dialogs = 0;
  page.on('dialog', async (d) => { dialogs++; await d.dismiss(); });
  try {
    await page.goto(URL + '/agent/');
    check(page.url().endsWith('/agent/login'), 'sent to the sign-in page');
    await page.fill('#email', EMAIL);
    await page.fill('#password', PW);
    // Each submit waits for the page it leads to: under load the click
    // returns before the navigation has finished.
    await Promise.all([page.waitForNavigation(), page.click('form.login button')]);
    check(page.url().endsWith('/agent/2fa'), 'asked for the second factor');
    await page.fill('#code', totp(SECRET, Date.now() / 1000));
    await Promise.all([page.waitForNavigation(), page.click('form button[type=submit]')]);
    check(page.url().endsWith('/agent/'), 'signed in with TOTP');
    const row = await page.textContent('table.queue');
    check(row.includes('#' + NUM), 'the mailed ticket is in the queue');
    await page.screenshot({ path: path.join(ART, 'agent-queue.png'), fullPage: true });
    let v = await axeSerious(page);
    check(v.length === 0, `axe queue page: ${v.map((x) => x.id).join(', ') || 'clean'}`);
    await page.waitForLoadState('load');
    await page.keyboard.press('j');
    check(await page.locator('tr.current').count() === 1, 'j moves to the first row');

    // Bulk action: tick two rows, set their status, back on the same view.
    await page.check(`input[name=t][value="${NUM}"]`);
    await page.check(`input[name=t][value="${EVIL}"]`);
    await page.selectOption('select[name=to_status]', 'open');
    await Promise.all([page.waitForNavigation(),
      page.click('form.bulk button[value=status]')]);
    check(/\/agent\/\?.*done=2/.test(page.url()), 'bulk status change: back on the queue, 2 done');
    check((await page.textContent('p.notice')).includes('2'), 'bulk status change: the notice says 2');
    const opened = await page.locator('table.queue tbody tr', { hasText: 'open' }).count();
    check(opened === 2, `bulk status change: both rows now open (${opened})`);

    await page.goto(URL + '/agent/tickets/' + NUM);
    await page.waitForLoadState('load');
    await page.keyboard.press('r');
    check(await page.evaluate(() => document.activeElement.id) === 'reply-body', 'r focuses the reply box');
    await page.fill('#reply-body', 'Thank you, we are looking into it.');
    await Promise.all([page.waitForNavigation(),
      page.click('form.compose[action$="/reply"] button')]);
    check(page.url().endsWith('/agent/tickets/' + NUM), 'back on the ticket after replying');
    check((await page.textContent('section.thread')).includes('we are looking into it'), 'our reply is in the thread');
    await page.screenshot({ path: path.join(ART, 'agent-ticket.png'), fullPage: true });
    v = await axeSerious(page);
    check(v.length === 0, `axe ticket page: ${v.map((x) => x.id).join(', ') || 'clean'}`);

    await page.goto(URL + '/agent/tickets/' + EVIL);
    await page.waitForTimeout(300);
    check(await page.evaluate(() => window.__pwned === undefined), 'hostile mail: no script ran on the ticket page');
    const link = page.locator('a.html-view').first();
    if (await link.count() > 0) {
      await link.click();
      await page.waitForTimeout(500);
      check(await page.evaluate(() => window.__pwned === undefined), 'hostile mail: no script ran in the HTML view');
      await page.screenshot({ path: path.join(ART, 'agent-hostile-html.png'), fullPage: true });
    } else {
      check(true, 'hostile mail has no HTML view (text only)');
    }
    check(dialogs === 0, 'no dialog opened');
  } catch (e) {
    console.log('FAIL: ' + e);
    failures++;
  } finally {
    await b.close();
  }
  console.log(failures === 0 ? 'all agent browser checks passed' : failures + ' failed');
  process.exit(failures === 0 ? 0 : 1);
})();
