// lib.js - shared pieces of the browser tests.  playwright-core drives the
// system Chromium (/usr/bin/chromium); no browser is downloaded.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.HD_CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu',
  '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run'];

// Starts Chromium with a fresh profile directory.  Resolves to
// { context, page, close }; close() ends the browser and removes the
// profile.  Console errors and page errors are collected in errors[].
async function launch() {
  // Under the test's $T when set, so the test's cleanup catches leftovers.
  const base = process.env.T || os.tmpdir();
  const profile = fs.mkdtempSync(path.join(base, 'hd-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
  });
  const page = context.pages()[0] || await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  async function close() {
    await context.close();
    // Chromium's helpers may still write for a moment after close.
    fs.rmSync(profile, { recursive: true, force: true, maxRetries: 10,
      retryDelay: 100 });
  }
  return { context, page, errors, close };
}

// Runs axe-core in the page; resolves to the list of violations.
async function axe(page) {
  const src = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.addScriptTag({ content: src });
  const r = await page.evaluate(async () => window.axe.run(document));
  return r.violations;
}

function base32(s) {
  const al = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of s.replace(/=+$/, '')) bits += al.indexOf(ch).toString(2).padStart(5, '0');
  const out = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) out.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(out);
}
function totp(secret, t) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(t / 30)));
  const mac = crypto.createHmac('sha1', base32(secret)).update(counter).digest();
  const o = mac[mac.length - 1] & 15;
  return String((mac.readUInt32BE(o) & 0x7fffffff) % 1000000).padStart(6, '0');
}

// The first Tab stops: for each, the outline and the contrast of its
// colour against the first opaque background behind the element.
async function focusRings(page, stops) {
  await page.evaluate(() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); });
  await page.evaluate(() => document.body.focus());
  const out = [];
  for (let i = 0; i < stops; i++) {
    await page.keyboard.press('Tab');
    const r = await page.evaluate(() => {
      function rgb(s) {
        const m = s.match(/rgba?\(([^)]+)\)/);
        if (!m) return null;
        const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
        return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
      }
      function lum(c) {
        const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
        return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
      }
      function behind(el) {
        for (let e = el; e; e = e.parentElement) {
          const c = rgb(getComputedStyle(e).backgroundColor);
          if (c && c.a > 0.5) return c;
        }
        return { r: 255, g: 255, b: 255, a: 1 };
      }
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const cs = getComputedStyle(el);
      const ring = rgb(cs.outlineColor);
      const bg = behind(el.parentElement);
      const a = lum(ring), b = lum(bg);
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      return { what: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                     (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : ''),
               style: cs.outlineStyle, width: parseFloat(cs.outlineWidth), ratio };
    });
    if (r === null) break;
    out.push(r);
  }
  return out;
}

// Asserts through check(ok, what) that the first five Tab stops of the
// page show a focus ring: drawn, at least 2 px, at least 3:1 against what
// is behind it.
async function checkFocusRings(page, check, tag) {
  const rings = await focusRings(page, 5);
  const bad = rings.filter((x) => x.style === 'none' || x.width < 2 || x.ratio < 3);
  check(rings.length > 0 && bad.length === 0, `${tag}: focus ring visible with >= 3:1 on ${rings.length} Tab stops` +
    bad.map((x) => ` [${x.what} ${x.style} ${x.width}px ${x.ratio.toFixed(2)}:1]`).join(''));
}

module.exports = { launch, axe, totp, focusRings, checkFocusRings, CHROMIUM, ARGS };
