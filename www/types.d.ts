// The analysis JSON the page receives, hand-written from docs/json.md ("The web page: Request and
// Analysis" and the report types it links). To be replaced by declarations generated from the
// Rust types (issue 11, contract v2). `PageAnalysis` is the same object after engine.js view()
// packed the matrix and grouped the maintenance destinations.

export type Verdict = 'compatible' | 'blocked' | 'unknown';
export type Kind = 'vendor' | 'identity' | 'feature' | 'mitigation' | 'virtualization';
export type CrossCheck = 'agrees' | 'differs' | 'not-reported';

export interface Request {
  inputs: { name: string; text: string }[];
  evc: string | null;
  per_vm_evc: string | null;
  rename: Record<string, string>;
  remove: string[];
  maintenance: string[];
  skip_maintenance?: boolean;
}

export interface InputSummary {
  source: string;
  format: string | null;
  hosts: string[];
  vms: string[];
  warnings: string[];
}

export interface InputError {
  source: string;
  line: number;
  col: number;
  message: string;
}

export interface EvcChoice {
  mode: string | null;
  why: string;
}

export interface ModeOption {
  key: string;
  label: string;
  vendor: 'intel' | 'amd';
}

export interface FeatureRef {
  key: string;
  label: string;
  kind: Kind;
  cpuid: string | null;
}

export interface Missing {
  key: string;
  canonical_key: string;
  label: string;
  kind: Kind | null;
  cpuid: string | null;
  required: string;
  available: number;
  remedy: string | null;
}

export interface Admission {
  host: string;
  mode: string;
  admitted: boolean | null;
  missing: FeatureRef[];
  vendor_mismatch: boolean;
}

export interface HostReport {
  name: string;
  source: string;
  vendor: 'intel' | 'amd' | null;
  cpu_model: string | null;
  product: string | null;
  fragment: boolean;
  feature_count: number;
  family: number | null;
  model: number | null;
  stepping: number | null;
  max_evc_mode: string | null;
  supported_evc_modes: string[];
  next_mode_blockers: { mode: string; missing: FeatureRef[] }[];
  reported_max_evc_mode: string | null;
  reported_current_evc_mode: string | null;
  max_evc_cross_check: CrossCheck;
  mitigations: FeatureRef[];
  unknown_keys: { key: string; value: number }[];
  warnings: string[];
}

export interface VmReport {
  name: string;
  source: string;
  host: string | null;
  power_state: string | null;
  min_evc_mode: string | null;
  reported_min_evc_mode: string | null;
  min_evc_cross_check: CrossCheck;
  per_vm_mask_mode: string | null;
  requirements: { key: string; label: string; known: boolean; required: string }[];
  masks: { key: string; mask: string }[];
  warnings: string[];
}

export interface Drift {
  key: string;
  label: string;
  kind: Kind | null;
  hosts_with: string[];
  hosts_without: string[];
  values: { host: string; value: number }[];
  summary: string;
  blocks_vmotion: boolean;
}

export interface MatrixCell {
  to: string;
  compatible: boolean;
  verdict: Verdict;
  missing: Missing[];
  destination_not_admitted: boolean;
}

export interface ClusterReport {
  hosts: HostReport[];
  max_common_evc_mode: string | null;
  evc_mode: string | null;
  per_vm_evc_mode: string | null;
  admissions: Admission[];
  drift: Drift[];
  matrix: { from: string; cells: MatrixCell[] }[] | null;
  matrix_omitted: string | null;
  modes_source: string;
}

export interface CheckReport {
  vm: string;
  to: string;
  evc_mode: string | null;
  compatible: boolean;
  verdict: Verdict;
  missing: Missing[];
  admission: Admission | null;
  unknown_on_destination: unknown[];
}

export interface Remedy {
  rank: number;
  scope: 'hosts' | 'vms' | 'cluster';
  action: string;
  why: string;
  disruption: string;
  verify: string | null;
  reference: string | null;
  evidence: string;
  features: string[];
  hosts: string[];
  vms: string[];
}

export interface VmPlan {
  vm: string;
  vms: string[];
  requirements_from: string;
  can_move: boolean;
  destinations: CheckReport[];
}

export interface MaintenanceReport {
  host: string;
  evc_mode: string | null;
  per_vm_evc_mode: string | null;
  evacuable: boolean;
  /** compatible (evacuable), blocked (some VM has no destination), unknown (not provable). */
  outcome: Verdict;
  verdict: string;
  vms: VmPlan[];
  remedies: Remedy[];
}

export interface RemedyRule {
  name: string;
  cause: string;
  action: string;
  verify: string | null;
  reference: string | null;
  evidence: string;
  disruption: string;
  disruption_text: string;
}

/** The headline the core is gaining (absent from older cores: the page then derives one). */
export interface Headline {
  verdict: Verdict;
  text: string;
  /** Next steps; `inline command` text in backticks. */
  next: string[];
}

export interface Analysis {
  inputs: InputSummary[];
  errors: InputError[];
  option_errors: string[];
  evc: EvcChoice;
  modes: ModeOption[];
  cluster: ClusterReport;
  vms: VmReport[];
  maintenance: MaintenanceReport[];
  remedy_rules: RemedyRule[];
  headline?: Headline | null;
}

// ---- The page's view (engine.js view()) ----

/** One distinct cell verdict; `cells[r * cols.length + c]` indexes `sets`. */
export interface CellSet {
  verdict: Verdict;
  compatible: boolean;
  destination_not_admitted: boolean;
  missing: Missing[];
}

export interface MatrixView {
  rows: string[];
  cols: string[];
  sets: CellSet[];
  cells: Uint32Array;
  rowIndex?: Map<string, number>;
  colIndex?: Map<string, number>;
}

/** A cell read back from the view. */
export interface ViewCell extends CellSet {
  from: string;
  to: string;
}

/** Destinations with the same verdict and blockers, in one line. */
export interface DestinationGroup {
  verdict: Verdict;
  compatible: boolean;
  admitted: boolean | null;
  missing: { canonical_key: string; label: string }[];
  hosts: string[];
}

export interface PageVmPlan extends Omit<VmPlan, 'destinations'> {
  destination_count: number;
  groups: DestinationGroup[];
}

export interface PageMaintenance extends Omit<MaintenanceReport, 'vms'> {
  vms: PageVmPlan[];
}

export interface PageAnalysis extends Omit<Analysis, 'cluster' | 'maintenance'> {
  cluster: ClusterReport & { matrix_view: MatrixView };
  maintenance: PageMaintenance[];
}
