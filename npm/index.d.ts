// Types of the evcalc npm package. The answers' types are contract.d.ts, generated from the Rust
// types by ts-rs (the same file as the web page's www/contract.d.ts); the options below are the
// questions' JSON requests without `inputs` (docs/json.md).
import type {
  CheckAnswer,
  ClusterAnswer,
  HostAnswer,
  InputError as InputErrorEntry,
  InputSummary,
  MaintenanceAnswer,
  OptionError as OptionErrorEntry,
  PlanAnswer,
  VmAnswer,
} from './contract.js';

export type * from './contract.js';

/** A path (Node: a file, or a directory meaning its input files), `{name, text}` or `[name, text]`; `text` a string or the file's bytes. */
export type Input = string | URL | { name: string; text: string | Uint8Array } | [name: string, text: string | Uint8Array];
export type Inputs = Input | Input[] | Record<string, string | Uint8Array>;
/** In-memory inputs (for `plan`'s `add` and `into`). */
export type Texts = { name: string; text: string }[] | [string, string][] | Record<string, string>;

/** Options every cluster-wide question takes. */
export interface CommonOptions {
  /** The cluster's EVC mode: key, short name or vSphere label; `none` = EVC disabled. Absent: read from the data or assumed, as the CLI. */
  evc?: string | null;
  /** Per-VM EVC mode of "any VM". */
  per_vm_evc?: string | null;
  /** Virtual hardware version of "any VM" (`19`, `vmx-19`); absent = per band. */
  vm_hw?: string | null;
  /** Patch-era features every host's masks expose (`MDCLEAR,IBRS`, `none`). */
  evc_exposes?: string | null;
  /** Limit verdicts to these features. */
  only?: string[];
  /** Host renames for this question: old name → new name. */
  rename?: Record<string, string>;
  /** Hosts to leave out of this question. */
  remove?: string[];
}

export interface ClusterOptions extends CommonOptions {
  /** Hosts to plan maintenance for; empty = every host. */
  maintenance?: string[];
  /** Plan no maintenance (the matrix alone). */
  skip_maintenance?: boolean;
}

export interface HostOptions {
  /** `KEY=VALUE` overrides of every host's features (`cpuid.MDCLEAR=1`). */
  set?: string[];
  rename?: Record<string, string>;
  remove?: string[];
}

export interface CheckOptions extends CommonOptions {
  /** A real VM (its name or its input's name) instead of "any VM powered on on `from`". */
  vm?: string | null;
  /** The destination cluster's EVC mode (cross-cluster vMotion). */
  to_evc?: string | null;
}

export interface MaintenanceOptions extends CommonOptions {
  /** The VMs on the host (names or input names); default: those loaded for it, else "any VM". */
  vms?: string[];
}

export interface PlanOptions {
  evc?: string | null;
  evc_exposes?: string | null;
  vm_hw?: string | null;
  rename?: Record<string, string>;
  /** Hosts to add. */
  add?: Texts;
  /** `KEY=VALUE` adjustments of the added hosts. */
  set?: string[];
  /** Hosts to take out of the cluster, one report each. */
  remove?: string[];
  /** The EVC mode to change to (`none` = disable); with `into`, the new cluster's mode. */
  to_evc?: string | null;
  /** Another cluster: can this cluster's VMs move live into it? (a question of its own) */
  into?: Texts;
}

export type Question = 'hosts' | 'vms' | 'cluster' | 'check' | 'maintenance' | 'plan';

export declare class EvcalcError extends Error {}

/** An input that could not be read (the CLI: `SOURCE:LINE:COLUMN: error: MESSAGE`). */
export declare class InputError extends EvcalcError {
  readonly errors: InputErrorEntry[];
  readonly source: string;
  readonly line: number;
  readonly column: number;
}

/** A question that cannot be answered as asked (`option`: e.g. `to`, `evc`, `inputs`). */
export declare class OptionError extends EvcalcError {
  readonly errors: OptionErrorEntry[];
  readonly option: string;
}

/** Inputs loaded once, asked several questions. */
export declare class Workspace {
  private constructor();
  static load(inputs: Inputs): Promise<Workspace>;
  readonly inputs: InputSummary[];
  readonly warnings: string[];
  hosts(options?: HostOptions): HostAnswer;
  vms(): VmAnswer;
  cluster(options?: ClusterOptions): ClusterAnswer;
  check(from: string | null, to: string, options?: CheckOptions): CheckAnswer;
  maintenance(host: string, options?: MaintenanceOptions): MaintenanceAnswer;
  plan(options: PlanOptions): PlanAnswer;
  ask(question: 'hosts', options?: HostOptions): HostAnswer;
  ask(question: 'vms', options?: Record<string, never>): VmAnswer;
  ask(question: 'cluster', options?: ClusterOptions): ClusterAnswer;
  ask(question: 'check', options: CheckOptions & { from?: string | null; to: string }): CheckAnswer;
  ask(question: 'maintenance', options: MaintenanceOptions & { host: string }): MaintenanceAnswer;
  ask(question: 'plan', options: PlanOptions): PlanAnswer;
  free(): void;
}

/** Loads the WebAssembly module (once); `Workspace.load` awaits it. */
export declare function ready(): Promise<void>;
/** The evcalc version the module was built from (after `ready()`). */
export declare function version(): string;
/** Reads inputs as `Workspace.load` does (paths need Node): `[{name, text}]`, e.g. for `plan({ add })`. */
export declare function loadInputs(inputs: Inputs): Promise<{ name: string; text: string }[]>;
