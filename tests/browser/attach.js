// attach.js - files in the browser.  Two steps, run by
// tests/e2e/attach_browser.test.sh around the worker:
//   agent URL EMAIL PASSWORD NUMBER FILE
//     at 390 px the composer's file input fits (no sideways scrolling)
//     and the page passes axe-core; the agent attaches FILE to a reply
//     and sends it.
//   customer URL TOKEN SHA256 FILE
//     /t/TOKEN at 390 px (no sideways scrolling, axe-core) shows the
//     agent's file; its download has SHA256; the customer then attaches
//     FILE to an answer and sends it.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const { launch } = require('./lib');

const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const [MODE, URL, ...rest] = process.argv.slice(2);

let failures = 0;
function check(ok, what) {
  console.log((ok ? 'ok - ' : 'FAIL: ') + what);
  if (!ok) failures++;
}

async function fits(page, what) {
  const wide = await page.evaluate(() =>
    document.documentElement.scrollWidth > window.innerWidth);
  check(!wide, what + ': no sideways scrolling at 390 px');
  await page.evaluate(`${AXE}\n;0`); // evaluated, not a script tag: the CSP
  const v = (await page.evaluate(() => window.axe.run(document))).violations;
  check(v.length === 0, what + ': axe-core clean ' +
    v.map((x) => x.id + ' ' + x.nodes.map((n) => n.target).join(',')).join('; '));
}

async function agent(page, [EMAIL, PW, NUM, FILE]) {
  await page.goto(URL + '/agent/login?lang=en');
  await page.fill('#email', EMAIL);
  await page.fill('#password', PW);
  await Promise.all([page.waitForNavigation(), page.click('form.login button')]);
  await page.goto(URL + '/agent/tickets/' + NUM);
  await fits(page, 'agent ticket page');
  const label = await page.textContent('label[for="reply-files"]');
  check(label.trim() === 'Attach files', 'the file input is labelled');
  await page.fill('#reply-body', 'The invoice is attached.');
  await page.setInputFiles('#reply-files', FILE);
  await Promise.all([page.waitForNavigation(), page.click('button.send-reply')]);
  const html = await page.content();
  check(html.includes('invoice.pdf'), 'the thread lists the file');
  check(html.includes('waiting for the virus scan'), 'the agent is told it waits for the scan');
}

async function customer(page, [TOKEN, SHA, FILE]) {
  await page.goto(URL + '/t/' + TOKEN + '?lang=en');
  await fits(page, 'customer page');
  const link = page.locator('ul.files a', { hasText: 'invoice.pdf' });
  check(await link.count() === 1, 'the customer sees the agent\'s file');
  const [dl] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const got = crypto.createHash('sha256').update(fs.readFileSync(await dl.path())).digest('hex');
  check(got === SHA, 'the download has the sent bytes (' + got + ')');
  await page.fill('#reply', 'Here is the meter photo.');
  await page.setInputFiles('#reply-files', FILE);
  await Promise.all([page.waitForNavigation(), page.click('form.reply button')]);
  check((await page.content()).includes('meter.txt'), 'the answer shows the customer\'s file');
}

(async () => {
  const b = await launch();
  const { page } = b;
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    if (MODE === 'agent') await agent(page, rest);
    else await customer(page, rest);
    check(b.errors.length === 0, 'no script errors: ' + b.errors.join('; '));
  } catch (e) {
    console.log('FAIL: ' + e);
    failures++;
  } finally {
    await b.close();
  }
  process.exit(failures ? 1 : 0);
})();
