// Test harness: a tiny static server for www/ on 127.0.0.1 (port 0) and headless Debian
// Chromium driven by playwright-core, with a fresh profile per run and every request recorded.

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(HERE, '../..');
export const WWW = path.resolve(process.env.WWW_DIR ?? path.join(REPO, 'www'));
/** Screenshots, PDFs and other artefacts of a run (git-ignored, like all of target/). */
export const OUTPUT = path.join(REPO, 'target', 'e2e-artifacts');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

/** The page's own Content-Security-Policy (its meta tag), also sent as a header like www/serve.sh does. */
export function pageCsp() {
  const html = fs.readFileSync(path.join(WWW, 'index.html'), 'utf8');
  const m = html.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/);
  if (!m) throw new Error('www/index.html has no Content-Security-Policy meta tag');
  return m[1];
}

export async function startServer() {
  const csp = pageCsp();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const p = path.join(WWW, decodeURIComponent(url.pathname));
    const file = p.endsWith(path.sep) || p === WWW ? path.join(p, 'index.html') : p;
    if (!file.startsWith(WWW) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'content-security-policy': csp,
      'cache-control': 'no-store',
    });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}/`;
  return { server, base };
}

export async function startBrowser(base) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'evcalc-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
    viewport: { width: 1440, height: 900 },
    acceptDownloads: true,
  });
  // Real Ctrl+V pastes go through the system clipboard.
  if (base) await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(base).origin });
  const requests = [];
  const failed = [];
  context.on('request', (r) => requests.push(r.url()));
  context.on('requestfailed', (r) => failed.push({ url: r.url(), error: r.failure()?.errorText }));
  return {
    context,
    requests,
    failed,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Opens the page and waits until the WebAssembly engine has answered once. */
export async function openPage(context, base, viewport) {
  const page = await context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
  });
  await page.goto(base);
  await page.waitForFunction(() => Number(document.body.dataset.seq ?? 0) >= 1 && document.body.dataset.state === 'done', null, { timeout: 20000 });
  return { page, problems };
}

export const seqOf = (page) => page.evaluate(() => Number(document.body.dataset.seq ?? 0));

/** Waits until the page has rendered an analysis newer than `after`. */
export async function analysed(page, after, timeout = 30000) {
  await page.waitForFunction(
    (n) => Number(document.body.dataset.seq ?? 0) > n && document.body.dataset.state === 'done',
    after,
    { timeout, polling: 20 },
  );
}

/** Pastes `text` into the page's editor the way a person does: clipboard, then Ctrl+V. */
export async function paste(page, text, selector = '#input') {
  await copy(page, text);
  await pressPaste(page, selector);
}
export const copy = (page, text) => page.evaluate((t) => navigator.clipboard.writeText(t), text);
export async function pressPaste(page, selector = '#input') {
  await page.focus(selector);
  await page.keyboard.press('Control+V');
}

/** Starts recording the longest stretch the page's main thread could not run a 10 ms timer. */
export function watchMainThread(page) {
  return page.evaluate(() => {
    window.__stall = { max: 0, stop: false };
    let last = performance.now();
    const tick = () => {
      const now = performance.now();
      window.__stall.max = Math.max(window.__stall.max, now - last - 10);
      last = now;
      if (!window.__stall.stop) setTimeout(tick, 10);
    };
    setTimeout(tick, 10);
  });
}
export function longestStall(page) {
  return page.evaluate(() => {
    window.__stall.stop = true;
    return Math.round(window.__stall.max);
  });
}

export function example(name) {
  return fs.readFileSync(path.join(REPO, 'examples/mdclear-cluster', name), 'utf8');
}

/** What "Load example" must load, read here independently of www/example-module.py: every
 * examples/mdclear-cluster/*.txt except the grep-*.txt transcripts, sorted by name, as [{name, text}]. */
export function bundledExample() {
  const dir = path.join(REPO, 'examples/mdclear-cluster');
  return fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.txt') && !n.startsWith('grep-') && fs.statSync(path.join(dir, n)).isFile())
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((name) => ({ name, text: fs.readFileSync(path.join(dir, name), 'utf8') }));
}

export function shot(page, name, fullPage = true) {
  fs.mkdirSync(OUTPUT, { recursive: true });
  return page.screenshot({ path: path.join(OUTPUT, name), fullPage });
}

export function artefact(name) {
  fs.mkdirSync(OUTPUT, { recursive: true });
  return path.join(OUTPUT, name);
}
