// canned.js - Insert of a canned response with JavaScript on: the reply
// box is filled in place (no navigation), at the cursor (a greeting put
// before what was typed lands there, on its own line), the
// unknown-placeholder notice appears, nothing is sent, no script error.
// usage: node canned.js URL EMAIL PASSWORD NUMBER CANNED_ID WANT_TEXT
'use strict';
const { launch } = require('./lib');

const [URL, EMAIL, PW, NUM, CANNED, WANT] = process.argv.slice(2);

let failures = 0;
function check(ok, what) {
  console.log((ok ? 'ok - ' : 'FAIL: ') + what);
  if (!ok) failures++;
}

(async () => {
  const b = await launch();
  const { page } = b;
  try {
    await page.goto(URL + '/agent/login');
    await page.fill('#email', EMAIL);
    await page.fill('#password', PW);
    await Promise.all([page.waitForNavigation(), page.click('form.login button')]);
    await page.goto(URL + '/agent/tickets/' + NUM);
    let navigations = 0;
    page.on('framenavigated', (f) => { if (f === page.mainFrame()) navigations++; });
    await page.fill('#reply-body', 'Typed first.');
    // the cursor at the start of the text, as for a greeting
    await page.evaluate(() => document.getElementById('reply-body').setSelectionRange(0, 0));
    await page.selectOption('#canned', CANNED);
    await page.click("button[formaction$='/canned']");
    await page.waitForFunction(
      () => document.getElementById('reply-body').value.length > 'Typed first.'.length,
      null, { timeout: 10000 });
    const value = await page.inputValue('#reply-body');
    check(navigations === 0, 'Insert did not reload the page');
    check(value === WANT + '\nTyped first.', 'expansion at the cursor, before the typed text: ' + JSON.stringify(value));
    const caret = await page.evaluate(() => document.getElementById('reply-body').selectionStart);
    check(caret === WANT.length + 1, 'cursor after the inserted line (' + caret + ')');
    const notice = await page.textContent('#notice').catch(() => null);
    check(notice !== null && notice.includes('{{customer.nickname}}'), 'unknown placeholder named in the notice');
    check(await page.evaluate(() => document.activeElement.id) === 'reply-body', 'reply box focused');
    check(b.errors.length === 0, 'no script errors: ' + b.errors.join('; '));
  } catch (e) {
    console.log('FAIL: ' + e);
    failures++;
  } finally {
    await b.close();
  }
  process.exit(failures ? 1 : 0);
})();
