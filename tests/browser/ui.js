// ui.js - the pages people use all day, in headless Chromium at 1280 and
// 390 px, in Japanese and English: the customer's ticket page, sign-in,
// two-step verification (code and enrolment), the queue, a ticket, a
// reply with canned text, and the admin pages for users, logs and the
// checklist.  On every page and width it asserts:
//   - no sideways scrolling (scrollWidth <= innerWidth),
//   - axe-core finds no violation of any impact,
//   - the focus ring of the first Tab stops is visible: an outline of at
//     least 2 px with at least 3:1 contrast against what is behind it.
// It also does what the pages promise: a reply with canned text put at
// the cursor and "send and set pending" + "assign to me" in ONE POST, the
// email kept after a failed sign-in, the TOTP key in groups of 4, the
// recovery codes offered as a file, an agent 404 with the way back to the
// queue, the customer told a reply was received.
// A few screenshots go to SHOTS (docs/screenshots/ when refreshed).
//
// usage: node ui.js  with a JSON object in $HD_UI:
//   {url, shots, token, agent, pw, secret, admins: {ja, en}, tickets:
//    {ja, en}, canned: {ja: [id, text], en: [id, text]}}
'use strict';
const fs = require('fs');
const path = require('path');
const { launch, totp, checkFocusRings } = require('./lib');

const C = JSON.parse(process.env.HD_UI);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const WIDTHS = [1280, 390];
const SHOTS = new Set(['customer-390-ja', 'queue-390-ja', 'queue-1280-en',
  'ticket-1280-ja', 'ticket-390-en', 'login-390-ja', 'enrol-1280-en']);

let failures = 0;
function check(ok, what) {
  console.log((ok ? 'ok - ' : 'FAIL: ') + what);
  if (!ok) failures++;
}

// Every check that holds for every page, at both widths.
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
    await checkFocusRings(page, check, tag);
    if (SHOTS.has(tag) && C.shots) {
      await page.evaluate(() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); });
      await page.screenshot({ path: path.join(C.shots, `${tag}.png`) });
    }
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

async function go(page, url) {
  await page.goto(url);
}
async function submit(page, selector) {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

async function signIn(page, email, pw) {
  await go(page, C.url + '/agent/login');
  await page.fill('#email', email);
  await page.fill('#password', pw);
  await submit(page, 'form.login button');
}

async function run(lang) {
  const b = await launch();
  const { page, errors } = b;
  try {
    await go(page, `${C.url}/?lang=${lang}`); // the lang cookie
    // ---- the customer's page
    await go(page, `${C.url}/t/${C.token}`);
    check(await page.getAttribute('html', 'lang') === lang, `customer page in ${lang}`);
    check(await page.$('pre') === null, 'customer page: messages wrap (no <pre>)');
    const due = await page.textContent('dl.ticket-facts');
    check(!/\d{4}-\d\d-\d\dT/.test(due), 'answer time in words, not ISO: ' + due.replace(/\s+/g, ' ').slice(0, 120));
    await inspect(page, 'customer', lang);
    const box = await page.$eval('#reply', (e) => e.getBoundingClientRect().width);
    check(box >= 300, `customer reply box is wide (${box} px)`);
    if (lang === 'ja') {
      await page.fill('#reply', '追加の情報です。');
      await submit(page, 'form.reply button');
      check(await page.isVisible('#sent'), 'customer told the reply was received');
    }
    await go(page, `${C.url}/t/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`);
    check((await page.textContent('main')).includes('@'), 'a wrong link shows the support address');
    await inspect(page, 'customer-gone', lang);

    // ---- sign-in: a failed attempt keeps the address
    await signIn(page, C.agent, 'wrong-password');
    check(await page.inputValue('#email') === C.agent, 'email kept after a failed sign-in');
    check(await page.$('header a[href="/agent/"]') === null, 'no queue link before sign-in');
    await inspect(page, 'login', lang);

    // ---- enrolment of a new admin: key in groups of 4, recovery codes
    await signIn(page, C.admins[lang], C.pw);
    if (!page.url().endsWith('/agent/2fa/enrol')) await go(page, C.url + '/agent/2fa/enrol');
    const key = (await page.textContent('#secret')).trim();
    check(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/.test(key), `TOTP key in groups of 4: ${key}`);
    await inspect(page, 'enrol', lang);
    await page.fill('#code', totp(key.replace(/ /g, ''), Date.now() / 1000));
    await submit(page, 'form.login button');
    const file = await page.getAttribute('#codes-file', 'download');
    check(file === 'recovery-codes.txt', 'recovery codes offered as a file');
    check(await page.isVisible('#codes-copy'), 'recovery codes: copy button');
    await inspect(page, 'recovery', lang);

    // ---- admin pages (the admin is signed in now)
    for (const p of ['users', 'logs', 'checklist']) {
      await go(page, `${C.url}/agent/admin/${p}`);
      check(page.url().endsWith(`/agent/admin/${p}`), `admin ${p} page opens`);
      await inspect(page, `admin-${p}`, lang);
    }
    await go(page, `${C.url}/agent/profile`);
    check(await page.isVisible('form[action="/agent/logout-all"]'), 'sign out everywhere on the profile page');
    await go(page, `${C.url}/agent/`);
    check(await page.$('header form[action="/agent/logout-all"]') === null, 'sign out everywhere not in the header');
    await submit(page, 'header form[action="/agent/logout"] button');

    // ---- the agent: password + code
    await signIn(page, C.agent, C.pw);
    check(page.url().endsWith('/agent/2fa'), 'asked for the second factor');
    await inspect(page, '2fa', lang);
    await page.fill('#code', totp(C.secret, Date.now() / 1000));
    await submit(page, 'form.login button');

    // ---- queue
    check(page.url().endsWith('/agent/'), 'signed in: the queue');
    await inspect(page, 'queue', lang);
    await page.setViewportSize({ width: 390, height: 844 });
    const cells = await page.$$eval('table.queue tbody tr:first-child td[data-label]', (tds) =>
      tds.map((td) => { const r = td.getBoundingClientRect(); return [td.dataset.label, r.width > 0 && r.right <= window.innerWidth]; }));
    check(cells.length >= 5 && cells.every((c) => c[1]), `390 px: every labelled cell of the first ticket on screen: ${cells.map((c) => c[0]).join(', ')}`);
    const filters = await page.$eval('details.filters', (d) => d.open);
    check(filters === false, 'filters folded behind a control');
    await page.setViewportSize({ width: 1280, height: 900 });

    // ---- an unknown ticket stays in the agent UI
    await go(page, `${C.url}/agent/tickets/99999`);
    check(await page.$('body.agent a.back[href="/agent/"]') !== null, 'agent 404: the way back to the queue');
    await inspect(page, 'agent-404', lang);

    // ---- ticket page, reply with canned text at the cursor + status
    const num = C.tickets[lang];
    const [cannedId, want] = C.canned[lang];
    await go(page, `${C.url}/agent/tickets/${num}`);
    const font = await page.$eval('#reply-body', (e) => getComputedStyle(e).fontFamily);
    check(!/mono/i.test(font), `reply box in a proportional font (${font})`);
    await inspect(page, 'ticket', lang);
    await page.fill('#reply-body', 'Best regards');
    await page.evaluate(() => document.getElementById('reply-body').setSelectionRange(0, 0));
    await page.selectOption('#canned', String(cannedId));
    await page.click("button[formaction$='/canned']");
    await page.waitForFunction(() => document.getElementById('reply-body').value.length > 'Best regards'.length,
      null, { timeout: 10000 });
    const val = await page.inputValue('#reply-body');
    check(val === want + '\nBest regards', 'canned text at the cursor: ' + JSON.stringify(val));
    const h0 = await page.$eval('#reply-body', (e) => e.getBoundingClientRect().height);
    await page.fill('#reply-body', val + '\n'.repeat(30) + 'end');
    const h1 = await page.$eval('#reply-body', (e) => e.getBoundingClientRect().height);
    check(h1 > h0, `reply box grows with its text (${h0} -> ${h1} px)`);
    await page.fill('#reply-body', val);
    await page.selectOption('#then', 'pending');
    await page.check('#assign-me');
    const posts = [];
    page.on('request', (q) => { if (q.method() === 'POST') posts.push(q.url()); });
    await submit(page, 'button.send-reply');
    check(posts.length === 1 && posts[0].endsWith(`/agent/tickets/${num}/reply`),
      `reply + status + assignee in one submission: ${posts.join(', ')}`);
    const facts = await page.textContent('p.facts');
    check(facts.includes(lang === 'ja' ? '保留' : 'pending'), 'the page shows the new status: ' + facts.slice(0, 80));
    const last = await page.$$eval('article.msg.outbound header .from', (xs) => xs.map((x) => x.textContent));
    check(last.length > 0 && !last[last.length - 1].includes('@'), `our reply shows the agent: ${last.join(' | ')}`);
    const ev = await page.$$eval('p.event', (xs) => xs.map((x) => x.textContent).join('\n'));
    check(!/user:\d+/.test(ev) && ev.includes(lang === 'ja' ? '状態 対応中 → 保留' : 'changed status open → pending'),
      'history in words: ' + ev.split('\n').slice(-2).join(' / '));
  } catch (e) {
    check(false, `${lang}: exception: ${e.stack || e}`);
  } finally {
    // the wrong link (404) and the wrong password (401) are meant
    const errs = errors.filter((e) => !/^Failed to load resource: the server responded with a status of 40[14]/.test(e));
    check(errs.length === 0, `${lang}: no script errors: ${errs.join(' | ')}`);
    await b.close();
  }
}

(async () => {
  for (const lang of ['ja', 'en']) await run(lang);
  console.log(failures ? `${failures} checks failed` : 'all ui checks passed');
  process.exit(failures ? 1 : 0);
})();
