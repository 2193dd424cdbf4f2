// lib.js - shared pieces of the browser tests.  playwright-core drives the
// system Chromium (/usr/bin/chromium); no browser is downloaded.
'use strict';
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

module.exports = { launch, axe, CHROMIUM, ARGS };
