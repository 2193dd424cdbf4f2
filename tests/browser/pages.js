// pages.js - the agents' newer pages and the customer's rating form in
// headless Chromium at 1280 and 390 px, in Japanese and English: the
// reports page, the spam view and a held ticket's release / confirm
// buttons, the admin users page's on-call and allow-list forms, the
// rating form on /t/TOKEN.  On every page and width it asserts:
//   - no sideways scrolling (scrollWidth <= innerWidth),
//   - axe-core finds no violation of any impact,
//   - every visible link and control is reached by Tab (a radio group
//     counts once: arrows move inside it), and the first Tab stops show
//     a focus ring of at least 2 px with 3:1 contrast.
// It also does what the pages promise: the charts have their numbers in
// a table beside them, the CSV has the page's numbers, release and
// confirm answer, the on-call and allow-list forms save, a rating is
// received.  Screenshots of the reports page go to SHOTS.
//
// usage: node pages.js  with a JSON object in $HD_PAGES:
//   {url, shots, token, pw, secret, admins: {ja, en}, agent (user id),
//    spam: {ja: {release, confirm}, en: {release, confirm}}}
'use strict';
const fs = require('fs');
const path = require('path');
const { launch, totp, checkFocusRings } = require('./lib');

const C = JSON.parse(process.env.HD_PAGES);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const WIDTHS = [1280, 390];
const SHOTS = new Set(['reports-1280-ja', 'reports-1280-en', 'reports-390-ja']);

let failures = 0;
function check(ok, what) {
  console.log((ok ? 'ok - ' : 'FAIL: ') + what);
  if (!ok) failures++;
}

// Tabs through the whole page; resolves to the visible controls never
// reached (a description of each).
async function unreachable(page) {
  const n = await page.evaluate(() => {
    const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]';
    let i = 0;
    for (const e of document.querySelectorAll(sel)) {
      e.removeAttribute('data-kb');
      const shut = e.closest('details:not([open])'); // folded away, summary aside
      if (shut && !(e.tagName === 'SUMMARY' && e.parentElement === shut)) continue;
      if (e.disabled || e.tabIndex < 0 || e.getClientRects().length === 0 ||
          getComputedStyle(e).visibility === 'hidden') continue;
      e.setAttribute('data-kb', e.type === 'radio' ? 'radio:' + e.name : String(i++));
    }
    document.activeElement && document.activeElement.blur();
    window.scrollTo(0, 0);
    return document.querySelectorAll('[data-kb]').length;
  });
  await page.evaluate(() => document.body.focus());
  const seen = new Set();
  for (let i = 0; i < n + 5; i++) {
    await page.keyboard.press('Tab');
    const k = await page.evaluate(() => document.activeElement && document.activeElement.getAttribute('data-kb'));
    if (k !== null && k !== undefined) seen.add(k);
  }
  return page.evaluate((got) => {
    const out = [];
    const done = new Set(got);
    for (const e of document.querySelectorAll('[data-kb]')) {
      const k = e.getAttribute('data-kb');
      if (done.has(k)) continue;
      done.add(k);
      out.push(e.tagName.toLowerCase() + (e.name ? `[name=${e.name}]` : '') + ' ' +
               (e.textContent || e.value || '').trim().slice(0, 30));
    }
    return out;
  }, [...seen]);
}

async function inspect(page, name, lang) {
  for (const w of WIDTHS) {
    await page.setViewportSize({ width: w, height: w === 390 ? 844 : 900 });
    const tag = `${name}-${w}-${lang}`;
    const sw = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    check(sw[0] <= sw[1], `${tag}: no sideways scroll (scrollWidth ${sw[0]} <= ${sw[1]})`);
    await page.evaluate(`${AXE}\n;0`);
    const v = await page.evaluate(() => window.axe.run(document));
    check(v.violations.length === 0, `${tag}: axe finds nothing` +
      v.violations.map((x) => ` [${x.impact} ${x.id}: ${x.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(' | ')}]`).join(''));
    const missed = await unreachable(page);
    check(missed.length === 0, `${tag}: every control reached with Tab` +
      (missed.length ? ': missed ' + missed.slice(0, 5).join(' | ') : ''));
    await checkFocusRings(page, check, tag);
    if (SHOTS.has(tag) && C.shots) {
      await page.evaluate(() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); });
      await page.screenshot({ path: path.join(C.shots, `${tag}.png`) });
    }
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

async function submit(page, selector) {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

async function run(lang) {
  const b = await launch();
  const { page, errors } = b;
  const en = lang === 'en';
  try {
    await page.goto(`${C.url}/?lang=${lang}`); // the lang cookie

    // ---- the customer's rating form on /t/TOKEN (the ticket is solved)
    await page.goto(`${C.url}/t/${C.token}`);
    check(await page.$('section.rate input[name=rating]') !== null, `${lang}: rating form on the solved ticket's page`);
    await inspect(page, 'customer-rate', lang);
    if (!en) {
      await page.check('section.rate input[value=good]');
      await page.fill('section.rate textarea[name=comment]', '速い対応でした');
      await submit(page, 'section.rate button[type=submit]');
      check(await page.$('p.rated') !== null || (await page.textContent('main')).includes('ありがとう'),
        'the customer is thanked for the rating');
      await inspect(page, 'customer-rated', lang);
    }

    // ---- sign in: password, then the code
    await page.goto(C.url + '/agent/login');
    await page.fill('#email', C.admins[lang]);
    await page.fill('#password', C.pw);
    await submit(page, 'form.login button');
    await page.fill('#code', totp(C.secret, Date.now() / 1000));
    await submit(page, 'form.login button');
    check(page.url().endsWith('/agent/'), `${lang}: signed in`);

    // ---- reports
    await page.goto(`${C.url}/agent/reports`);
    check(await page.getAttribute('html', 'lang') === lang, `reports page in ${lang}`);
    const charts = await page.$$eval('section.report', (ss) => ss.map((s) => [
      !!s.querySelector('svg.chart title'), !!s.querySelector('table.report caption')]));
    check(charts.length >= 10 && charts.every((c) => c[1]),
      `${charts.length} report sections, each with a captioned table`);
    check(charts.some((c) => c[0]), 'SVG charts with a title');
    const day = await page.$$eval('table#t-volume_by_day tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => Number(td.textContent.replace(/[^0-9-]/g, '')))));
    const pageTickets = day.reduce((s, r) => s + r[0] + r[1], 0);
    const want = en ? 6 : 5; // the Japanese run released one from spam
    check(pageTickets === want, `volume by day adds up to the ${want} tickets that are not spam: ${pageTickets}`);
    const csv = await page.evaluate(async () => (await fetch('/agent/reports.csv?days=28')).text());
    // one line per cell: table,row,column,value
    const csvTickets = csv.split(/\r?\n/).map((l) => l.split(','))
      .filter((f) => f[0] === 'volume_by_day' && (f[2] === 'incident' || f[2] === 'general'))
      .reduce((s, f) => s + Number(f[3]), 0);
    check(csvTickets === pageTickets, `the CSV has the page's numbers (${csvTickets})`);
    await inspect(page, 'reports', lang);

    // ---- the spam view, release and confirm
    await page.goto(`${C.url}/agent/?view=spam`);
    const held = await page.$$eval('table.queue tbody tr', (trs) => trs.length);
    check(held >= 2, `spam view lists the held mail (${held})`);
    await inspect(page, 'spam-view', lang);
    const sp = C.spam[lang];
    await page.goto(`${C.url}/agent/tickets/${sp.release}`);
    check(await page.$('form.spam-verdict') !== null, 'a held ticket shows release and confirm');
    await inspect(page, 'spam-ticket', lang);
    await submit(page, 'form.spam-verdict:has(input[value=release]) button');
    check(page.url().endsWith(`/agent/tickets/${sp.release}`), `released: back on the ticket (${page.url()})`);
    check(await page.$('form.spam-verdict') === null, 'a released ticket has no spam buttons');
    await page.goto(`${C.url}/agent/tickets/${sp.confirm}`);
    await submit(page, 'form.spam-verdict:has(input[value=confirm]) button');
    check(page.url().endsWith('/agent/?view=spam'), `confirmed: back on the spam view (${page.url()})`);

    // ---- admin users: on call and allow-list
    await page.goto(`${C.url}/agent/admin/users`);
    const form = (what) => `form[action="/agent/admin/users/${C.agent}/access"]:has(${what})`;
    check(await page.$(form('input[name=on_call]')) !== null, 'users page: an on-call form per user');
    check(await page.$(form('input[name=allow_ips]')) !== null, 'users page: an allow-list form per user');
    await inspect(page, 'admin-users', lang);
    if (!en) {
      await submit(page, form('input[name=on_call]') + ' button');
      check(await page.$eval(form('input[name=on_call]') + ' input[name=on_call]', (e) => e.value) === 'off',
        'on call now: the button takes Ann off');
      await page.fill(form('input[name=allow_ips]') + ' input[name=allow_ips]', '10.0.0.0/8');
      await submit(page, form('input[name=allow_ips]') + ' button');
      check(await page.inputValue(form('input[name=allow_ips]') + ' input[name=allow_ips]') === '10.0.0.0/8',
        'the allow-list is saved');
      await inspect(page, 'admin-users-saved', lang);
    }
  } catch (e) {
    check(false, `${lang}: exception: ${e.stack || e}`);
  } finally {
    const errs = errors.filter((e) => !/^Failed to load resource: the server responded with a status of 40[14]/.test(e));
    check(errs.length === 0, `${lang}: no script errors: ${errs.join(' | ')}`);
    await b.close();
  }
}

(async () => {
  for (const lang of ['ja', 'en']) await run(lang);
  console.log(failures ? `${failures} checks failed` : 'all pages checks passed');
  process.exit(failures ? 1 : 0);
})();
