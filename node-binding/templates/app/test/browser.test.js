'use strict'
// The app in a real browser: the server from dist/, headless Chromium
// clicking the counter's buttons over the live socket. Skipped, saying
// why, when no Chromium is installed (set CHROMIUM to its path).
const test = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')

const { findChromium, launchChromium, startApp } = require('./support/browser.js')

const chromium = findChromium()

test('a click on + reaches the server and the count follows in the page', { skip: chromium === null && 'no Chromium found: install it (apt-get install chromium) or set CHROMIUM to run the browser test' }, async (t) => {
  const app = await startApp(path.join(__dirname, '..', 'dist', 'server.js'))
  t.after(() => app.stop())
  const browser = await launchChromium(chromium)
  t.after(() => browser.close())
  const page = await browser.open(`${app.url}/`)
  await page.waitFor("document.querySelector('[data-livets-id]').classList.contains('ts-connected')")
  assert.equal(await page.evaluate("document.querySelector('#count').textContent"), '0')
  await page.evaluate("document.querySelector('#inc').click()")
  await page.waitFor("document.querySelector('#count').textContent === '1'")
  await page.evaluate("document.querySelector('#inc').click()")
  await page.evaluate("document.querySelector('#dec').click()")
  await page.waitFor("document.querySelector('#count').textContent === '1' && !document.querySelector('.ts-loading')")
  assert.equal(await page.evaluate('document.title'), 'Counter (1)')
})
