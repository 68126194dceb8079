// Tests of the npm package as installed from its tarball (scripts/test-packages.sh installs
// `npm pack`'s output into a scratch project and runs `node --test` there). REPO is the
// repository (its examples and test data); EVCALC_CLI the CLI to compare answers with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Workspace, InputError, OptionError, ready, version } from 'evcalc';

const REPO = process.env.REPO;
assert.ok(REPO, 'set REPO to the repository root');
const CLI = process.env.EVCALC_CLI ?? path.join(process.env.CARGO_TARGET_DIR ?? path.join(REPO, 'target'), 'debug', 'evcalc');
const EX = 'examples/mdclear-cluster';
process.chdir(REPO);

function cli(...args) {
  let out;
  try {
    out = execFileSync(CLI, [...args, '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
  } catch (e) {
    if (![1, 3].includes(e.status)) throw e;
    out = e.stdout;
  }
  return JSON.parse(out);
}

const keys = (a, move) => move.blockers.map((i) => a.blockers[i].key);

test('the module loads from the package, no network', async () => {
  await ready();
  assert.equal(version(), '0.1.0');
  const installed = path.dirname(fileURLToPath(import.meta.resolve('evcalc')));
  assert.ok(fs.existsSync(path.join(installed, 'pkg', 'evcalc_wasm_bg.wasm')));
  assert.ok(installed.includes('node_modules'), installed);
});

test('bundled example: esxi01 cannot be evacuated, MDCLEAR', async () => {
  const ws = await Workspace.load([EX]);
  const m = ws.maintenance('esxi01', { evc: 'intel-haswell' });
  assert.equal(m.outcome, 'blocked');
  assert.match(m.plan.verdict, /^esxi01 cannot be fully evacuated/);
  const c = ws.check('esxi01', 'esxi02', { evc: 'intel-haswell' });
  assert.deepEqual(keys(c, c.check), ['cpuid.MDCLEAR']);
  assert.equal(ws.check('esxi02', 'esxi01', { evc: 'intel-haswell' }).outcome, 'compatible');
  assert.deepEqual(ws.hosts().hosts.map((h) => h.max_evc_mode), Array(4).fill('intel-haswell'));
});

test('every answer equals the CLI --json', async () => {
  const ws = await Workspace.load([EX]);
  const cases = [
    [['host', EX], () => ws.hosts()],
    [['vm', EX], () => ws.vms()],
    [['cluster', EX], () => ws.cluster()],
    [['cluster', EX, '--evc', 'intel-haswell', '--evc-exposes', 'MDCLEAR'], () => ws.cluster({ evc: 'intel-haswell', evc_exposes: 'MDCLEAR' })],
    [['check', EX, '--from', 'esxi01', '--to', 'esxi02', '--evc', 'intel-haswell'], () => ws.check('esxi01', 'esxi02', { evc: 'intel-haswell' })],
    [['check', EX, '--vm', 'vm-app01-on-esxi01', '--to', 'esxi03', '--evc', 'intel-haswell'], () => ws.check(null, 'esxi03', { vm: 'vm-app01-on-esxi01', evc: 'intel-haswell' })],
    [['maintenance', EX, '--host', 'esxi01', '--evc', 'intel-haswell'], () => ws.maintenance('esxi01', { evc: 'intel-haswell' })],
    [['maintenance', EX, '--host', 'esxi03'], () => ws.maintenance('esxi03')],
    [['plan', EX, '--evc', 'intel-haswell', '--remove', 'esxi04', '--to-evc', 'intel-sandybridge'], () => ws.plan({ evc: 'intel-haswell', remove: ['esxi04'], to_evc: 'intel-sandybridge' })],
  ];
  for (const [args, ask] of cases) {
    assert.deepEqual(ask(), cli(...args), args.join(' '));
  }
  const add = `${EX}/esxi02.txt`;
  assert.deepEqual(
    ws.plan({ evc: 'intel-haswell', add: [{ name: add, text: fs.readFileSync(add, 'utf8') }], set: ['cpuid.MDCLEAR=1'] }),
    cli('plan', EX, '--evc', 'intel-haswell', '--add', add, '--set', 'cpuid.MDCLEAR=1'),
  );
});

test('real data: a real Broadwell VM cannot move to the example Haswell host', async () => {
  const real = 'tests/data/real/govc/object.save-vmc-sddc';
  const files = fs.readdirSync(real).filter((f) => f.endsWith('.xml')).sort().map((f) => `${real}/${f}`);
  const ws = await Workspace.load([...files, `${EX}/esxi02.txt`]);
  const a = ws.check(null, 'esxi02', { vm: 'test-snap' });
  assert.deepEqual(keys(a, a.check), ['cpuid.3DNPREFETCH', 'cpuid.ADX', 'cpuid.MDCLEAR', 'cpuid.RDSEED', 'cpuid.SMAP']);
  assert.deepEqual(a, cli('check', ...files, `${EX}/esxi02.txt`, '--vm', 'test-snap', '--to', 'esxi02'));
  const hosts = (await Workspace.load(files)).hosts();
  assert.equal(hosts.hosts[0].max_evc_mode, 'intel-broadwell');
});

test('a fleet of 256 hosts', async () => {
  const one = fs.readFileSync(`${EX}/esxi01.txt`, 'utf8');
  const two = fs.readFileSync(`${EX}/esxi02.txt`, 'utf8');
  const texts = {};
  for (let i = 0; i < 256; i++) {
    const name = `host-${String(i).padStart(3, '0')}`;
    const [base, old] = i < 128 ? [one, 'esxi01'] : [two, 'esxi02'];
    texts[`${name}.txt`] = base.replace(`hostName = "${old}"`, `hostName = "${name}"`);
  }
  const t = performance.now();
  const ws = await Workspace.load(texts);
  const a = ws.cluster({ evc: 'intel-haswell' });
  const ms = performance.now() - t;
  assert.equal(a.hosts.length, 256);
  assert.deepEqual(a.classes.map((c) => c.label).sort(), ['host-000–127', 'host-128–255']);
  const c = ws.check('host-000', 'host-200', { evc: 'intel-haswell' });
  assert.deepEqual(keys(c, c.check), ['cpuid.MDCLEAR']);
  assert.ok(ms < 30000, `${ms} ms`);
  ws.free();
});

test('errors: InputError with source, line, column; OptionError with the option', async () => {
  const cut = fs.readFileSync(`${EX}/esxi01.txt`, 'utf8').split('\n').slice(0, 40).join('\n');
  await assert.rejects(Workspace.load({ 'cut.txt': cut }), (e) => {
    assert.ok(e instanceof InputError);
    assert.equal(e.source, 'cut.txt');
    assert.ok(e.line > 1 && e.column >= 1);
    assert.ok(e.message.startsWith(`cut.txt:${e.line}:${e.column}: `), e.message);
    return true;
  });
  const ws = await Workspace.load([EX]);
  assert.throws(() => ws.check('esxi01', 'esxi09'), (e) => e instanceof OptionError && e.option === 'to' && /esxi09/.test(e.message));
  assert.throws(() => ws.cluster({ evc: 'intel-nonsense' }), (e) => e instanceof OptionError && e.option === 'evc');
  assert.throws(() => ws.ask('cluster', { evcc: 'x' }), (e) => e instanceof OptionError && e.option === 'request' && /`evcc`/.test(e.message));
  const onlyVm = await Workspace.load([`${EX}/vm-app01-on-esxi01.runtime.txt`]);
  assert.throws(() => onlyVm.cluster(), (e) => e instanceof OptionError && e.option === 'inputs');
});

test('bytes are read as the CLI reads files (UTF-16 with BOM)', async () => {
  const names = ['esxi01.txt', 'esxi02.txt'].map((n) => `${EX}/${n}`);
  const byPath = (await Workspace.load(names)).cluster({ evc: 'intel-haswell' });
  const utf16 = names.map((n) => {
    const body = Buffer.from(fs.readFileSync(n, 'utf8'), 'utf16le');
    return [n, new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), body]))];
  });
  assert.deepEqual((await Workspace.load(utf16)).cluster({ evc: 'intel-haswell' }), byPath);
});
