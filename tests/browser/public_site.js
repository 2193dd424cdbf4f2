// public_site.js - the public FAQ site in headless Chromium: top page,
// a Japanese search, an article, a vote, the language switch.  Takes
// screenshots into $HD_BIN/artifacts/, fails on console errors and on
// serious or critical axe-core violations.
// usage: node public_site.js BASE_URL ARTIFACT_DIR
'use strict';
const fs = require('fs');
const path = require('path');
const { launch } = require('./lib');

// axe-core evaluated through the DevTools protocol: our CSP (rightly)
// refuses the inline script tag that lib.js's axe() would add.
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
async function axe(page) {
  await page.evaluate(`${AXE}\n;0`);
  const r = await page.evaluate(() => window.axe.run(document));
  return r.violations;
}

const [base, artifacts] = process.argv.slice(2);
const failures = [];
function check(cond, what) {
  console.log(`${cond ? 'ok' : 'FAIL'}: ${what}`);
  if (!cond) failures.push(what);
}

async function audit(page, name) {
  const v = (await axe(page)).filter(
    (x) => x.impact === 'serious' || x.impact === 'critical');
  check(v.length === 0, `axe ${name}: ${v.map((x) => x.id).join(', ') || 'clean'}`);
  await page.screenshot({ path: path.join(artifacts, `web-${name}.png`),
    fullPage: true });
}

(async () => {
  const b = await launch();
  const { page, errors } = b;
  try {
    await page.setExtraHTTPHeaders({ 'Accept-Language': 'ja' });
    await page.goto(`${base}/`);
    check(await page.getAttribute('html', 'lang') === 'ja', 'top page in Japanese');
    check((await page.textContent('.contact')).includes('24'), 'contact box shows 24/7');
    await audit(page, 'top');

    await page.fill('#q', '請求書');
    await Promise.all([page.waitForNavigation(), page.press('#q', 'Enter')]);
    check(page.url().includes('/faq/search?q='), 'search submitted');
    const marks = await page.$$eval('ol.results mark', (m) => m.map((x) => x.textContent));
    check(marks.length > 0, `highlighted terms: ${marks.join(' ')}`);
    await audit(page, 'search');

    await Promise.all([page.waitForNavigation(),
      page.click('ol.results li:first-child a')]);
    check(/\/faq\/[a-z0-9-]+$/.test(page.url()), `opened ${page.url()}`);
    check((await page.textContent('h1')).includes('請求書'), 'article title');
    await audit(page, 'article');

    await Promise.all([page.waitForNavigation(),
      page.click('button[name=helpful][value=yes]')]);
    check(await page.isVisible('.thanks'), 'vote recorded, thanks shown');
    await audit(page, 'voted');

    await Promise.all([page.waitForNavigation(), page.click('a.lang')]);
    check(await page.getAttribute('html', 'lang') === 'en', 'switched to English');
    check(/invoice/i.test(await page.textContent('h1')), 'English article text');
    await page.goto(`${base}/faq/`);
    check(await page.getAttribute('html', 'lang') === 'en', 'English remembered');
    await audit(page, 'faq-index-en');
  } catch (e) {
    check(false, `exception: ${e}`);
  } finally {
    check(errors.length === 0, `no console errors: ${errors.join(' | ')}`);
    await b.close();
  }
  process.exit(failures.length ? 1 : 0);
})();
