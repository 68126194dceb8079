// The page's types. The answer itself is contract v2, `ClusterAnswer`, declared in contract.d.ts
// (generated from the Rust types by tests/it/contract.rs with ts-rs; never edited by hand): the
// worker passes it to the page unchanged. Only the page's own types are declared here.

import type {
  ClusterAnswer,
  ClassCell,
  ClassEntry,
  HostEntry,
  Blocker,
  UnknownItem,
  Verdict,
  Headline,
  Request,
  VmReport,
  MaintenancePlan,
  Remedy,
  RemedyRule,
  FeatureRef,
  Admission,
} from './contract';

export type {
  ClusterAnswer,
  ClassCell,
  ClassEntry,
  HostEntry,
  Blocker,
  UnknownItem,
  Verdict,
  Headline,
  Request,
  VmReport,
  MaintenancePlan,
  Remedy,
  RemedyRule,
  FeatureRef,
  Admission,
};

/** What the module answers when the request itself could not be read (wasm/src/lib.rs). */
export interface RequestError {
  request_error: { message: string; line: number; column: number; expected: string };
}

/** What the page sends: the contract's Request; the options the page never sets may be left out
 * (the core defaults them). */
export type PageRequest = Pick<Request, 'inputs' | 'evc' | 'per_vm_evc' | 'rename' | 'remove' | 'maintenance'> & Partial<Request>;

/** The engine's reply to {kind: 'answer'} (engine.js): the cluster answer of the loaded workspace. */
export interface AnalyzeReply {
  id: number;
  ok: true;
  analysis: ClusterAnswer | RequestError;
  /** Time in the module answering (ms). */
  ms: number;
  /** Time in the module loading (parsing) the inputs (ms; 0 when they had not changed). */
  loadMs: number;
  /** Whether the inputs were loaded again (they changed). */
  loaded: boolean;
  /** Hosts in the loaded workspace. */
  hosts: number;
  /** When the reply left the engine (performance.timeOrigin + now). */
  sentAt: number;
}

/** The bundled example (app.js `bundledExample`, from pkg/example.js): inputs of a request. */
export interface ExampleReply {
  ok: true;
  files: { name: string; text: string }[];
}

/** A grid the matrix is drawn from: the class matrix, or the host × host grid derived from it
 * (matrix-view.js). */
export interface Grid {
  kind: 'class' | 'host';
  /** Row and column names: class labels, or host names. */
  names: string[];
  /** Hosts per row/column (the class's member count; 1 for hosts). */
  counts: number[];
  /** The class of each row/column. */
  classOf: number[];
  /** The cell from row r to column c: `null` for the same host. */
  cell(r: number, c: number): ClassCell | null;
}

/** A cell of a grid, named. */
export interface NamedCell {
  grid: Grid;
  r: number;
  c: number;
  from: string;
  to: string;
  fromClass: number;
  toClass: number;
  cell: ClassCell;
}
