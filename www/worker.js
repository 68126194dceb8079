// Runs the evcalc WebAssembly module off the main thread, so a large paste never freezes the
// page. The protocol is engine.js's: the module's answer is passed on as it is. Posts
// {kind: 'ready', version, vendors} once the module is loaded, {kind: 'fatal', error} if it is not.
import init, { Workspace, read_input, vhw_releases, vendor_keys, version } from './pkg/evcalc_wasm.js';
import { makeHandler } from './engine.js';

const handle = makeHandler({ Workspace, read_input, vhw_releases });

const ready = init().then(
  () => postMessage({ kind: 'ready', version: version(), vendors: vendor_keys().split(',') }),
  (e) => postMessage({ kind: 'fatal', error: `could not load the WebAssembly module: ${e}` }),
);

onmessage = async ({ data }) => {
  await ready;
  const { reply, transfer } = handle(data);
  postMessage(reply, transfer);
};
