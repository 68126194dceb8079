// The page at fleet size and every CLI question on it (issue 21, issue 19 item 6): the stateful
// workspace (inputs parsed once, options re-answered), a 1,000-host paste with two mechanisms
// and one odd class, the headline's next step with remedy counts, skip links, the vHW choice
// and a move between clusters against the CLI's --json, the report round trip.
// Timings are measured and printed (t.diagnostic), never asserted.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { REPO, startServer, startBrowser, openPage, analysed, seqOf, example, copy, pressPaste, shot } from './harness.mjs';

let server, base, browser;

before(async () => {
  ({ server, base } = await startServer());
  browser = await startBrowser(base);
});
after(async () => {
  await browser?.close();
  server?.close();
});

const stale = (name) => fs.readFileSync(path.join(REPO, 'examples/mdclear-stale-masks', name), 'utf8');

/** A fleet of `count` hosts: half offer MDCLEAR (the example's esxi01), a quarter lack it with
 * the microcode not active (mechanism A, the example's esxi02), an eighth have it raw but
 * masked 0 (mechanism B, stale masks), and an odd class whose BIOS turned AES-NI off. */
export function fleet(count) {
  const good = example('esxi01.txt');
  const mechA = example('esxi02.txt');
  const mechB = stale('esxi02.txt');
  const noAes = good.replace(/(key = "cpuid\.AES",\s*featureName = "cpuid\.AES",\s*value = )"1"/g, '$1"0"');
  assert.notEqual(noAes, good, 'the AES-NI edit applies');
  const width = String(count).length;
  const texts = [];
  for (let i = 0; i < count; i++) {
    const k = i % 8;
    const [src, from] = k < 4 ? [good, 'esxi01'] : k < 6 ? [mechA, 'esxi02'] : k === 6 ? [mechB, 'esxi02'] : i % 16 === 7 ? [noAes, 'esxi01'] : [good, 'esxi01'];
    texts.push(src.replace(`hostName = "${from}"`, `hostName = "esx${String(i + 1).padStart(width, '0')}"`));
  }
  return texts.join('\n');
}

/** Records long tasks (PerformanceObserver 'longtask') from now on. */
const watchLongTasks = (page) =>
  page.evaluate(() => {
    window.__long = [];
    new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(Math.round(e.duration)); }).observe({ type: 'longtask' });
  });
const longTasks = (page) => page.evaluate(() => window.__long.splice(0));

/** The CLI (the workspace's own build), for "the page gives the CLI's answer". */
function cli() {
  const dir = process.env.CARGO_TARGET_DIR ?? path.join(REPO, 'target');
  const bin = process.env.EVCALC_BIN ?? path.join(dir, 'debug', 'evcalc');
  if (!fs.existsSync(bin)) execFileSync('cargo', ['build', '-q', '-p', 'evcalc-cli'], { cwd: REPO, stdio: 'inherit' });
  return (args, cwd = REPO) => {
    try {
      return JSON.parse(execFileSync(bin, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] }));
    } catch (e) {
      if (e.stdout) return JSON.parse(e.stdout); // exit 1 and 3 answer too
      throw e;
    }
  };
}

async function loadExample(page) {
  const n = await seqOf(page);
  await page.click('#load-example');
  await analysed(page, n);
}

test('1,000 hosts: answered in the worker, headline with remedy counts in the first viewport, EVC change re-answered without parsing', async (t) => {
  const { page, problems } = await openPage(browser.context, base, { width: 1366, height: 768 });
  const text = fleet(1000);
  await copy(page, text);
  await watchLongTasks(page);
  let n = await seqOf(page);
  const t0 = Date.now();
  await pressPaste(page);
  await analysed(page, n, 120000);
  const ms = Date.now() - t0;
  const long1 = await longTasks(page);
  const d = await page.evaluate(() => ({ ...document.body.dataset }));
  assert.equal(d.reloaded, '1');
  t.diagnostic(`1,000 hosts (${(text.length / 1e6).toFixed(1)} MB pasted): Ctrl+V → answer rendered in ${ms} ms (paste event → rendered ${d.pasteToRenderMs} ms); in the worker: parse ${d.loadMs} ms + answer ${d.answerMs} ms; worker → page ${d.transferMs} ms; render ${d.renderMs} ms; on the main thread: clipboard read ${d.pasteReadMs} ms, posting the inputs to the worker ${d.postMs} ms; long tasks ${JSON.stringify(long1)} (longest ${Math.max(0, ...long1)} ms); progress shown: ${d.progressShown === '1'}`);
  // The dumps do not say the cluster's EVC mode: the headline's next step asks for it.
  assert.match(await page.locator('#headline .hl-next').innerText(), /EVC mode/);
  // Given, the answer is re-computed from the loaded workspace (nothing parsed again).
  n = await seqOf(page);
  const tEvc = Date.now();
  await page.selectOption('#evc', 'intel-haswell');
  await analysed(page, n, 60000);
  const evcMs = Date.now() - tEvc;
  const e0 = await page.evaluate(() => ({ ...document.body.dataset }));
  assert.equal(e0.reloaded, '0');
  t.diagnostic(`1,000 hosts, EVC mode given: ${evcMs} ms (answer ${e0.answerMs} ms in the worker, render ${e0.renderMs} ms)`);
  // Two mechanisms and the odd class: the headline names the next steps with their host counts,
  // each a link to its hosts, inside the first 1366×768 viewport.
  const hl = page.locator('#headline');
  assert.match(await hl.innerText(), /Next:/);
  const links = page.locator('#headline .hl-remedies a.remedy-count');
  assert.ok((await links.count()) >= 2, await hl.innerText());
  const counts = await links.allInnerTexts();
  for (const c of counts) assert.match(c, /^\d+ (hosts?|VMs?)$/);
  const box = await page.locator('#headline .hl-remedies').boundingBox();
  assert.ok(box && box.y + box.height <= 768, `the remedies end at ${box && box.y + box.height} px`);
  const hlText = await hl.innerText();
  assert.match(hlText, /250 hosts: Activate the MDS microcode/);
  assert.match(hlText, /125 hosts: Re-apply the cluster's EVC configuration/);
  assert.match(hlText, /63 hosts: Enable AES-NI/);
  // The link opens the remedy with its hosts.
  await links.first().click();
  const target = page.locator('#fleet-remedies li:focus');
  assert.equal(await target.count(), 1);
  const hostsListed = await target.locator('.hostlist').innerText();
  assert.equal(hostsListed.split(', ').length, Number(counts[0].split(' ')[0]));
  // The host list is not 1,000 rows: each class shows its first hosts.
  const rows = await page.locator('#hosts-table tr[data-host]').count();
  assert.ok(rows < 100, `${rows} host rows rendered`);
  assert.ok((await page.locator('#hosts-table button.show-all').count()) >= 1);
  await shot(page, 'fleet-1000.png', false);

  // Changing the EVC mode re-answers from the loaded workspace: nothing is parsed again.
  const times = [];
  for (const mode of ['intel-broadwell', 'intel-sandybridge', 'intel-haswell']) {
    n = await seqOf(page);
    const t1 = Date.now();
    await page.selectOption('#evc', mode);
    await analysed(page, n, 60000);
    const e = await page.evaluate(() => ({ ...document.body.dataset }));
    assert.equal(e.reloaded, '0', 'the inputs were not sent or parsed again');
    times.push(`${mode}: ${Date.now() - t1} ms (answer ${e.answerMs} ms, render ${e.renderMs} ms)`);
  }
  const long2 = await longTasks(page);
  t.diagnostic(`1,000 hosts, EVC change: ${times.join('; ')}; long tasks ${JSON.stringify(long2)}`);
  // The vHW choice on 1,000 loaded hosts: also without parsing.
  n = await seqOf(page);
  const t2 = Date.now();
  await page.selectOption('#vm-hw', '8');
  await analysed(page, n, 60000);
  assert.equal(await page.evaluate(() => document.body.dataset.reloaded), '0');
  t.diagnostic(`1,000 hosts, vHW change: ${Date.now() - t2} ms`);
  assert.deepEqual(problems, []);
  await page.close();
});

test('skip links reach the headline, the matrix and the remedies in a few Tab presses (128 hosts)', async () => {
  const { page } = await openPage(browser.context, base);
  const n = await seqOf(page);
  await copy(page, fleet(128));
  await pressPaste(page);
  await analysed(page, n, 60000);
  const m = await seqOf(page);
  await page.selectOption('#evc', 'intel-haswell');
  await analysed(page, m, 60000);
  assert.equal(await page.locator('#remedies-panel').isVisible(), true);
  // Start where a fresh page starts: the document itself (the focus navigation starting point).
  await page.evaluate(() => {
    window.scrollTo(0, 0);
    document.body.tabIndex = -1;
    document.body.focus();
    document.body.removeAttribute('tabindex');
  });
  const reached = {};
  for (let i = 1; i <= 4; i++) {
    await page.keyboard.press('Tab');
    const href = await page.evaluate(() => document.activeElement?.getAttribute('href'));
    if (href) reached[href] = i;
  }
  assert.deepEqual(Object.keys(reached).slice(0, 3), ['#headline', '#matrix-panel', '#remedies-panel']);
  // Following a skip link moves focus there.
  await page.focus('.skip-links a[href="#remedies-panel"]');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'remedies-panel');
  await page.close();
});

test('the vHW choice gives the CLI’s answer (evcalc cluster --vm-hw)', async (t) => {
  const run = cli();
  const { page, problems } = await openPage(browser.context, base);
  await loadExample(page);
  let n = await seqOf(page);
  await page.selectOption('#evc', 'intel-haswell');
  await analysed(page, n);
  // vmx-8 VMs cannot see MDCLEAR: esxi01 → esxi02–04 is possible for them.
  n = await seqOf(page);
  await page.selectOption('#vm-hw', '8');
  await analysed(page, n);
  assert.equal(await page.evaluate(() => document.body.dataset.reloaded), '0');
  assert.match(await page.locator('#vm-hw option[value="8"]').innerText(), /vmx-8 — runs on ESXi 5\.0 and later/);
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#download-json')]);
  const pageAnswer = JSON.parse(fs.readFileSync(await dl.path(), 'utf8'));
  const files = fs.readdirSync(path.join(REPO, 'examples/mdclear-cluster')).filter((f) => f.endsWith('.txt') && !f.startsWith('grep-')).sort();
  const cliAnswer = run(['cluster', ...files, '--evc', 'intel-haswell', '--vm-hw', '8', '--json'], path.join(REPO, 'examples/mdclear-cluster'));
  assert.equal(pageAnswer.vm_hw, 8);
  for (const k of ['outcome', 'matrix', 'classes', 'headline', 'story', 'maintenance', 'blockers']) assert.deepEqual(pageAnswer[k], cliAnswer[k], k);
  // vmx-9 and later: blocked, as the CLI says.
  n = await seqOf(page);
  await page.selectOption('#vm-hw', '19');
  await analysed(page, n);
  const [dl2] = await Promise.all([page.waitForEvent('download'), page.click('#download-json')]);
  const page19 = JSON.parse(fs.readFileSync(await dl2.path(), 'utf8'));
  const cli19 = run(['cluster', ...files, '--evc', 'intel-haswell', '--vm-hw', '19', '--json'], path.join(REPO, 'examples/mdclear-cluster'));
  assert.equal(page19.outcome, 'blocked');
  for (const k of ['outcome', 'matrix', 'headline', 'maintenance']) assert.deepEqual(page19[k], cli19[k], k);
  assert.match(await page.locator('#headline').innerText(), /VMs of vmx-19 chosen by you/);
  t.diagnostic(`vHW 8: ${pageAnswer.outcome}, vHW 19: ${page19.outcome} (page = CLI)`);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a move between clusters and a what-if of plan give the CLI’s answer (evcalc plan … --into … --to-evc …, --add … --to-evc …)', async (t) => {
  const run = cli();
  const D = path.join(REPO, 'tests/data/cpuid/instlatx64');
  const SNB = ['GenuineIntel00206D7_SandyBridgeE_00_CPUID.txt', 'GenuineIntel00206D5_SandyBridgeEP_CPUID.txt'];
  const WSM = fs.readFileSync(path.join(D, 'GenuineIntel00206C1_Gulftown_CPUID.txt'), 'utf8');
  // The CLI reads the same inputs under the page's names: the files by their names, the pastes
  // as "other cluster" and "added host".
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evcalc-into-'));
  for (const f of SNB) fs.copyFileSync(path.join(D, f), path.join(dir, f));
  fs.writeFileSync(path.join(dir, 'other cluster'), WSM);
  fs.writeFileSync(path.join(dir, 'added host'), WSM);
  const { page, problems } = await openPage(browser.context, base);
  let n = await seqOf(page);
  await page.setInputFiles('#files', SNB.map((f) => path.join(D, f)));
  await analysed(page, n);
  n = await seqOf(page);
  await page.selectOption('#evc', 'intel-sandybridge');
  await analysed(page, n);
  await page.fill('#into-input', WSM);
  await page.selectOption('#into-evc', 'intel-westmere');
  const t0 = Date.now();
  await page.click('#into-run');
  await page.waitForFunction(() => Number(document.getElementById('into-answer').dataset.seq ?? 0) >= 1);
  const ms = Date.now() - t0;
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#into-answer button.plan-json')]);
  const pageInto = JSON.parse(fs.readFileSync(await dl.path(), 'utf8'));
  const expected = run(['plan', ...SNB, '--evc', 'intel-sandybridge', '--to-evc', 'intel-westmere', '--into', 'other cluster', '--json'], dir);
  assert.equal(expected.into.verdict, 'blocked');
  for (const k of ['outcome', 'evc', 'to_evc', 'into']) assert.deepEqual(pageInto[k], expected[k], k);
  const shown = await page.locator('#into-answer .into-vms > li').evaluateAll((ls) => ls.map((l) => l.dataset.verdict));
  assert.deepEqual(shown, expected.into.vms.map((v) => v.verdict));
  const text = await page.locator('#into-answer').innerText();
  for (const v of expected.into.vms) for (const f of v.blocking_features) assert.ok(text.includes(f), `${f} named on the page`);
  // A what-if of this cluster: a pasted host added and the EVC mode raised, in one question.
  await page.fill('#add-input', WSM);
  await page.selectOption('#to-evc', 'intel-westmere');
  await page.click('#whatif-run');
  await page.waitForFunction(() => Number(document.getElementById('whatif-answer').dataset.seq ?? 0) >= 1);
  const [dl2] = await Promise.all([page.waitForEvent('download'), page.click('#whatif-answer button.plan-json')]);
  const pageWhatIf = JSON.parse(fs.readFileSync(await dl2.path(), 'utf8'));
  const wi = run(['plan', ...SNB, '--evc', 'intel-sandybridge', '--add', 'added host', '--to-evc', 'intel-westmere', '--json'], dir);
  for (const k of ['outcome', 'add', 'change_evc', 'to_evc']) assert.deepEqual(pageWhatIf[k], wi[k], k);
  assert.ok((await page.locator('#whatif-answer').innerText()).includes(wi.change_evc.summary.replaceAll('`', '')));
  t.diagnostic(`between clusters: page = CLI (${expected.into.verdict}, ${expected.into.vms.length} VM rows), answered in ${ms} ms; what-if add + to-evc: page = CLI (${wi.outcome})`);
  fs.rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('maintenance of any host is the CLI’s (evcalc maintenance --host)', async () => {
  const run = cli();
  const { page, problems } = await openPage(browser.context, base);
  await loadExample(page);
  await page.selectOption('#maint-host', 'esxi03');
  await page.waitForFunction(() => Number(document.getElementById('maint-one').dataset.seq ?? 0) >= 1);
  const files = fs.readdirSync(path.join(REPO, 'examples/mdclear-cluster')).filter((f) => f.endsWith('.txt') && !f.startsWith('grep-')).sort();
  const expected = run(['maintenance', ...files, '--host', 'esxi03', '--json'], path.join(REPO, 'examples/mdclear-cluster'));
  const text = await page.locator('#maint-one').innerText();
  assert.ok(text.includes(expected.plan.verdict), `${text}\n---\n${expected.plan.verdict}`);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the report: Copy as Markdown and Save as HTML round-trip the headline, remedies, inputs’ SHA-256 and version', async () => {
  const { page, problems } = await openPage(browser.context, base);
  await loadExample(page);
  const headline = (await page.locator('#headline .hl-text').innerText()).trim();
  const remedy = (await page.locator('#fleet-remedies li .remedy-head').first().innerText()).trim();
  await page.click('#copy-md');
  await page.waitForFunction(() => document.body.dataset.copied);
  const md = await page.evaluate(() => navigator.clipboard.readText());
  assert.ok(md.includes(headline.replaceAll('`', '')), 'the headline is in the Markdown');
  assert.match(md, /## Remedies/);
  assert.match(md, /KB|Reference/);
  assert.match(md, /## What-ifs in force/);
  const sha = await import('node:crypto').then((c) => c.createHash('sha256').update(example('esxi01.txt')).digest('hex'));
  assert.ok(md.includes(sha), 'the SHA-256 of esxi01.txt is in the report');
  const version = (await page.locator('#version').innerText()).replace('evcalc ', '');
  assert.ok(md.includes(`evcalc ${version}`));
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#download-html')]);
  const html = fs.readFileSync(await dl.path(), 'utf8');
  assert.match(dl.suggestedFilename(), /^evcalc-report-.*\.html$/);
  assert.doesNotMatch(html, /<script|<link|src=/i, 'self-contained, no script');
  // Opened on its own, it reads: the headline and the first remedy are there as text.
  const own = await browser.context.newPage();
  await own.setContent(html);
  const body = await own.locator('body').innerText();
  assert.ok(body.includes(headline.replaceAll('`', '')), 'the headline is in the HTML report');
  assert.ok(body.includes(remedy.replace(/^\d+ hosts?: /, '').slice(0, 40)), `the first remedy is in the HTML report: ${remedy}`);
  assert.ok(body.includes(sha));
  await own.close();
  assert.deepEqual(problems, []);
  await page.close();
});
