// Generated from the Rust types of evcalc's contract v2 (core/src/app/mod.rs and the report
// types it uses) by tests/it/contract.rs with ts-rs. Do not edit: run
// `EVCALC_REGEN=1 cargo test -p evcalc-tests contract`.

export type Absence = "not-on-cpu" | "masks-hide" | "mode-hides" | "raw-not-shown" | "per-vm-mask";

export type AddHostReport = { host: string, 
/**
 * The cluster's current EVC mode (`null` = EVC disabled).
 */
evc_mode: string | null, 
/**
 * Admission of the new host to the current mode (`null` when EVC is disabled).
 */
admission: Admission | null, 
/**
 * Whether the host can join the current mode (`null` when its data is a fragment).
 */
can_join: boolean | null, 
/**
 * The highest mode the new host supports on its own.
 */
host_max_mode: string | null, max_common_before: string | null, max_common_after: string | null, 
/**
 * Whether the new host lowers the highest common mode.
 */
lowers_max_common: boolean, 
/**
 * Hosts whose own ceiling equals the new highest common mode (the cluster's bottleneck).
 */
limiting_hosts: Array<string>, 
/**
 * Running VMs that could not vMotion to the new host, and what blocks them.
 */
blocked_moves: Array<BlockedMove>, 
/**
 * One or two sentences.
 */
summary: string, warnings: Array<string>, };

export type Admission = { host: string, mode: string, 
/**
 * `true` admitted, `false` not admitted; `null` when the host's data is a fragment or the
 * admission is uncertain (`verdict`).
 */
admitted: boolean | null, verdict: AdmissionVerdict, 
/**
 * Admission features the host certainly lacks.
 */
missing: Array<FeatureRef>, 
/**
 * Baseline features the host lacks whose admission role is unproven (verdict `uncertain`).
 */
unproven: Array<FeatureRef>, 
/**
 * Admission features the host's input does not record (verdict `uncertain`).
 */
unrecorded: Array<FeatureRef>, vendor_mismatch: boolean, 
/**
 * Patch-era features the cluster's baseline exposes (a member's evidence shows it) that the
 * host lacks: not admitted (KB 52085/68024); also listed in `missing`.
 */
baseline_exposes: Array<FeatureRef>, 
/**
 * Why the verdict is `uncertain` or `unknown`.
 */
reason: string | null, };

export type AdmissionVerdict = "admitted" | "not-admitted" | "uncertain" | "unknown";

export type Band = { vhw_from: number, vhw_to: number, verdict: Verdict, 
/**
 * Indices into `blockers`.
 */
blockers: Array<number>, };

export type Basis = "raw" | "masked-list" | "feat-mask-lines" | "mode-baseline";

export type BlockedMove = { vm: string, 
/**
 * The host the VM runs on, when known.
 */
from: string | null, to: string, missing: Array<Missing>, };

export type Blocker = { 
/**
 * Canonical key (`cpuid.MDCLEAR`, an unknown key as written, or `vmx-21`).
 */
key: string, 
/**
 * Index into `features`, for catalogue features.
 */
feature: number | null, label: string, 
/**
 * e.g. `Bool:Min:1`.
 */
required: string, 
/**
 * The destination's EVC-effective value (what the move is checked against).
 */
available: number, 
/**
 * The destination's raw `featureCapability` value, when shown.
 */
raw_available: number | null, 
/**
 * Why the destination does not offer it: the typed fact (`why` says it in words).
 */
absence: Absence | null, 
/**
 * Why the destination does not offer it, in words (naming the destination class).
 */
why: string | null, 
/**
 * Set when the blocker is the VM's virtual hardware version (`key` is `vmx-N`).
 */
vhw_too_new: VhwTooNew | null, 
/**
 * Remedy rule name (`remedy_rules`), chosen from `absence`.
 */
remedy: string | null, };

export type ChangeModeReport = { from: string | null, to: string | null, direction: Direction, 
/**
 * Whether vCenter would accept the change now: every host admitted and no running VM blocking.
 */
allowed: boolean, 
/**
 * Hosts that cannot be admitted to the target mode, with the missing features.
 */
hosts_not_admitted: Array<Admission>, 
/**
 * Running VMs that keep their old features until a full power cycle (a guest reboot is not
 * enough), with the features they would then see.
 */
vms_needing_power_cycle: Array<VmFeatures>, 
/**
 * Running VMs using features the target mode hides: vCenter refuses the change until they
 * are powered off (or moved out of the cluster).
 */
vms_blocking: Array<VmFeatures>, 
/**
 * Features the target mode exposes that the current one does not (all host features when
 * disabling EVC is not listed: that depends on each host).
 */
features_added: Array<FeatureRef>, 
/**
 * Features the current mode exposes that the target does not.
 */
features_removed: Array<FeatureRef>, 
/**
 * The highest mode every (non-fragment) host can join, for comparison.
 */
max_common_mode: string | null, summary: string, notes: Array<string>, };

export type CheckAnswer = { 
/**
 * Always 2.
 */
schema: number, question: Question, inputs: Array<InputSummary>, errors: Array<InputError>, option_errors: Array<OptionError>, 
/**
 * What a person should know (also printed to stderr by the CLI).
 */
warnings: Array<string>, evc: EvcChoice, 
/**
 * With `to_evc`: the destination cluster's EVC setting the move is checked under.
 */
to_evc: EvcChoice | null, per_vm_evc_mode: string | null, vm_hw: number | null, 
/**
 * The source host (index into `hosts`): `from`, or with `vm` the loaded host its dump names.
 */
from: number | null, 
/**
 * The destination host (index into `hosts`); `null` when not found (see `option_errors`).
 */
to: number | null, hosts: Array<HostEntry>, classes: Array<ClassEntry>, 
/**
 * Interned catalogue features referenced by index.
 */
features: Array<FeatureRef>, 
/**
 * Interned blockers referenced by index.
 */
blockers: Array<Blocker>, 
/**
 * Interned reasons the move is not proven, referenced by index.
 */
unknowns: Array<UnknownItem>, 
/**
 * The move checked (`null` when the request could not be answered).
 */
check: Move | null, 
/**
 * What fixes the move's blockers, one per action, each chosen from why the destination
 * lacks the feature (the same rules as `maintenance` and `cluster`).
 */
remedies: Array<Remedy>, 
/**
 * The verdict (as far as `only` is concerned, when given): the exit code; `unknown`
 * without a check.
 */
outcome: Verdict, };

export type CheckedRequirement = { key: string, required: string, };

export type ClassCell = { verdict: Verdict, 
/**
 * Indices into `blockers`.
 */
blockers: Array<number>, 
/**
 * Indices into `unknowns`: what keeps an unproven move from being judged.
 */
unknowns: Array<number>, destination_not_admitted: boolean, 
/**
 * Per band of virtual hardware versions, when the answer differs between bands.
 */
bands: Array<Band>, };

export type ClassEntry = { 
/**
 * e.g. `esxi02–04`.
 */
label: string, 
/**
 * Indices into `hosts`.
 */
hosts: Array<number>, report: HostReport, 
/**
 * Whether the class can be admitted to the cluster's EVC mode (`null` without EVC).
 */
admission: Admission | null, };

export type ClusterAnswer = { 
/**
 * Always 2.
 */
schema: number, question: Question, inputs: Array<InputSummary>, errors: Array<InputError>, option_errors: Array<OptionError>, evc: EvcChoice, per_vm_evc_mode: string | null, 
/**
 * The virtual hardware version of "any VM", when given (else per band).
 */
vm_hw: number | null, 
/**
 * The EVC modes, for selectors.
 */
modes: Array<ModeOption>, 
/**
 * `built-in` or the SupportedEVCMode export used.
 */
modes_source: string, max_common_evc_mode: string | null, 
/**
 * Interned catalogue features referenced by index.
 */
features: Array<FeatureRef>, hosts: Array<HostEntry>, classes: Array<ClassEntry>, 
/**
 * Interned blockers referenced by index.
 */
blockers: Array<Blocker>, 
/**
 * Interned reasons a move is not proven, referenced by index.
 */
unknowns: Array<UnknownItem>, 
/**
 * `matrix[from_class][to_class]`; `null` on the diagonal of a one-host class (no other
 * host to move to).
 */
matrix: Array<Array<ClassCell | null>>, 
/**
 * Why `matrix` is empty although there are hosts.
 */
matrix_omitted: string | null, drift: Array<DriftEntry>, patch_era: Array<PatchFinding>, 
/**
 * The class story, one line per finding ("3 hosts lack cpuid.MDCLEAR: esxi02–04 (…)").
 */
story: Array<string>, 
/**
 * blocked if any move is proven blocked, else unknown if any is unproven, else compatible.
 */
outcome: Verdict, vms: Array<VmReport>, maintenance: Array<MaintenancePlan>, remedy_rules: Array<RemedyRule>, headline: Headline | null, };

export type CrossCheck = "agrees" | "differs" | "not-reported";

export type Destination = { 
/**
 * Index into `classes`.
 */
class: number, 
/**
 * The destination hosts of that class (indices into `hosts`) when they are not all of its
 * members: the class's members less the host being evacuated. `null`: every member.
 */
hosts: Array<number> | null, verdict: Verdict, 
/**
 * Indices into `blockers`.
 */
blockers: Array<number>, 
/**
 * Indices into `unknowns`.
 */
unknowns: Array<number>, destination_not_admitted: boolean, 
/**
 * The band of virtual hardware versions this answer is for (computed VMs).
 */
vhw_band: [number, number] | null, };

export type DestinationBlock = { 
/**
 * New hosts with exactly these blockers.
 */
hosts: Array<string>, 
/**
 * Unmet requirements (the first host's values; the keys are the same for every host listed).
 */
missing: Array<Missing>, 
/**
 * The VM's virtual hardware is above these hosts' maximum.
 */
vhw_blocker: string | null, 
/**
 * The hosts cannot join the new cluster's EVC mode at all.
 */
not_admitted: string | null, };

export type Direction = "raise" | "lower" | "same" | "enable" | "disable" | "incomparable";

export type Disruption = "host-power-cycle" | "host-reboot" | "host-bios" | "cluster-reconfigure" | "none";

export type DriftEntry = { key: string, 
/**
 * Index into `features`, for catalogue features.
 */
feature: number | null, label: string, 
/**
 * Classes that have it (indices into `classes`).
 */
classes_with: Array<number>, classes_without: Array<number>, 
/**
 * Per class with a value: (class, value).
 */
values: Array<[number, number]>, 
/**
 * Hosts that have it / lack it.
 */
hosts_with: number, hosts_without: number, 
/**
 * Classes whose CPU has it but whose EVC masks hide it from VMs (they do not offer it).
 */
classes_hidden: Array<number>, 
/**
 * Hosts of `classes_hidden`.
 */
hosts_hidden: number, 
/**
 * Every class that shows it has it, with different values (no class lacks it).
 */
numbers_differ: boolean, 
/**
 * e.g. "only 1 of 4 hosts: esxi01".
 */
summary: string, 
/**
 * Whether VMs see it under the EVC setting (so it can block vMotion).
 */
blocks_vmotion: boolean, };

export type ErrorAnswer = { 
/**
 * Always 2.
 */
schema: number, 
/**
 * The question asked, when the command line got that far.
 */
question: Question | null, errors: Array<ErrorItem>, };

export type ErrorItem = { 
/**
 * The input's name, when a file is involved.
 */
source: string | null, 
/**
 * 1-based line and column in that input, when a file is involved.
 */
line: number | null, col: number | null, message: string, };

export type EvcChoice = { 
/**
 * `null` = EVC disabled.
 */
mode: string | null, why: string, 
/**
 * The setting is an assumption (neither given nor in the data): answers are conditional on
 * it ("if the cluster runs intel-haswell: …") and never `compatible`.
 */
assumed: boolean, };

export type EvcStateShown = { "state": "mode", "mode": string } | { "state": "not-active" } | { "state": "masks-active" } | { "state": "unknown" };

export type ExposureSource = "masked-list" | "feat-mask-lines" | "vm-requirement" | "option" | "evc-state" | "none";

export type FeatureEvidence = { key: string, label: string, introduced_by: string, 
/**
 * `C`, `D`, `I`, `R` or `Export`.
 */
evidence: Tag, note: string, };

export type FeatureRef = { 
/**
 * Canonical key, e.g. `cpuid.MDCLEAR`.
 */
key: string, 
/**
 * e.g. "Microarchitectural Data clear".
 */
label: string, kind: Kind, 
/**
 * e.g. `CPUID.07H:EDX[10]`, when known.
 */
cpuid: string | null, };

export type Format = "vmodl-text" | "mask-lines" | "govc-xml" | "govc-json" | "supported-evc-mode-json" | "cpuid-dump" | "bundle" | "proc-cpuinfo" | "rvtools-csv" | "vmotion-error" | "evc9-json" | "legacy-cpuid-masks";

export type Headline = { verdict: Verdict, text: string, 
/**
 * Next steps; commands in backticks.
 */
next: Array<string>, };

export type HostAnswer = { 
/**
 * Always 2.
 */
schema: number, 
/**
 * `host`.
 */
question: Question, inputs: Array<InputSummary>, errors: Array<InputError>, 
/**
 * Problems with the request's options (`set`: an override that cannot be read; `rename`).
 */
option_errors: Array<OptionError>, 
/**
 * Every warning, once: those of loading first, then each host's (`name: text`).
 */
warnings: Array<string>, 
/**
 * `built-in` or the SupportedEVCMode export used.
 */
modes_source: string, 
/**
 * The overrides applied to every host (those that could be read).
 */
overrides: Array<Override>, 
/**
 * One report per host, in load order.
 */
hosts: Array<HostReport>, };

export type HostEntry = { name: string, source: string, 
/**
 * Index into `classes`.
 */
class: number, cpu_model: string | null, product: string | null, 
/**
 * The input's own `maxEVCModeKey` (cross-check only: never the answer).
 */
reported_max_evc_mode: string | null, reported_current_evc_mode: string | null, 
/**
 * What the host's data shows about its cluster's EVC state (evidence for the EVC choice).
 */
evc_state: EvcStateShown, 
/**
 * The reported value against the class's computed `max_evc_mode`.
 */
max_evc_cross_check: CrossCheck, warnings: Array<string>, };

export type HostReport = { name: string, source: string, vendor: Vendor | null, cpu_model: string | null, product: string | null, 
/**
 * Partial input: only the listed keys are known.
 */
fragment: boolean, 
/**
 * Number of known features with a non-zero value.
 */
feature_count: number, family: number | null, model: number | null, stepping: number | null, 
/**
 * Highest EVC mode the host can certainly join, computed from its features.
 */
max_evc_mode: string | null, 
/**
 * The highest mode the host may join when every unrecorded feature is present and features
 * whose admission role is unproven are not needed; equal to `max_evc_mode` when nothing is uncertain.
 */
max_evc_mode_possible: string | null, 
/**
 * Modes above `max_evc_mode` the host may join, lowest first, each with its condition.
 */
uncertain_modes: Array<UncertainMode>, 
/**
 * One line: "intel-sandybridge; intel-ivybridge if cpuid.XSAVEOPT, which the input does not record, is present".
 */
max_evc_summary: string, 
/**
 * Known features whose value the input does not record.
 */
unrecorded: Array<FeatureRef>, 
/**
 * Every mode the host can join (modes are not one chain).
 */
supported_evc_modes: Array<string>, 
/**
 * The next mode(s) above `max_evc_mode` and the features the host lacks for them.
 */
next_mode_blockers: Array<ModeBlockers>, 
/**
 * The input's own `maxEVCModeKey` (cross-check only).
 */
reported_max_evc_mode: string | null, reported_current_evc_mode: string | null, max_evc_cross_check: CrossCheck, 
/**
 * Side-channel mitigation features the host reports.
 */
mitigations: Array<FeatureRef>, 
/**
 * Keys not in evcalc's catalogue, kept as written.
 */
unknown_keys: Array<UnknownKey>, warnings: Array<string>, };

export type InputError = { source: string, line: number, col: number, message: string, };

export type InputSummary = { source: string, format: Format | null, hosts: Array<string>, vms: Array<string>, warnings: Array<string>, };

export type Kind = "vendor" | "identity" | "feature" | "mitigation" | "virtualization";

export type MaintenanceAnswer = { 
/**
 * Always 2.
 */
schema: number, question: Question, inputs: Array<InputSummary>, errors: Array<InputError>, option_errors: Array<OptionError>, 
/**
 * What a person should know about the inputs and the VMs chosen.
 */
warnings: Array<string>, evc: EvcChoice, per_vm_evc_mode: string | null, 
/**
 * The virtual hardware version of "any VM", when given (else per band).
 */
vm_hw: number | null, 
/**
 * The host to evacuate (index into `hosts`); `null` when no loaded host has that name.
 */
host: number | null, 
/**
 * Interned catalogue features referenced by index.
 */
features: Array<FeatureRef>, hosts: Array<HostEntry>, classes: Array<ClassEntry>, 
/**
 * Interned blockers referenced by index.
 */
blockers: Array<Blocker>, 
/**
 * Interned reasons a move is not proven, referenced by index.
 */
unknowns: Array<UnknownItem>, 
/**
 * The plan (`null` when the request could not be planned: see `option_errors`).
 */
plan: MaintenancePlan | null, 
/**
 * compatible (evacuable), blocked (some VM has no destination), unknown (not provable, or
 * not planned).
 */
outcome: Verdict, remedy_rules: Array<RemedyRule>, };

export type MaintenancePlan = { 
/**
 * The hosts this plan is for (indices into `hosts`): every host of a class planned for
 * "any VM", or one host whose VMs were loaded.
 */
hosts: Array<number>, 
/**
 * Their class.
 */
class: number, 
/**
 * `esxi02–04` (a class) or the host's name.
 */
label: string, 
/**
 * compatible (evacuable), blocked (some VM has no destination), unknown (not provable).
 */
outcome: Verdict, 
/**
 * One sentence, e.g. "esxi01 cannot be fully evacuated: …".
 */
verdict: string, vms: Array<PlanVms>, remedies: Array<Remedy>, };

export type MaskReport = { key: string, mask: string, };

export type Mechanism = "microcode" | "evc-masks" | "undetermined";

export type Missing = { 
/**
 * As the VM's input wrote it.
 */
key: string, canonical_key: string, label: string, kind: Kind | null, cpuid: string | null, 
/**
 * e.g. `Bool:Min:1`.
 */
required: string, 
/**
 * The destination's EVC-effective value (0 when the key is missing): what the move is
 * checked against (`maskedFeatureCapability` in an EVC cluster, raw without EVC).
 */
available: number, 
/**
 * The destination's raw `featureCapability` value, when its data shows it.
 */
raw_available: number | null, 
/**
 * Why the destination does not offer it: the typed fact (`why` says it in words).
 */
absence: Absence | null, 
/**
 * Why the destination does not offer it, in words (written from `absence`).
 */
why: string | null, 
/**
 * Set when the blocker is the VM's virtual hardware version, which the destination's ESXi
 * does not run (`key` is then `vmx-N`).
 */
vhw_too_new: VhwTooNew | null, 
/**
 * Name of the remedy rule for this feature (`mds`, `bios-aes`, `generation`, …): the rules
 * are listed once in `remedy_rules` (page) and `core/data/remedies.txt`.
 */
remedy: string | null, };

export type ModeBlockers = { mode: string, 
/**
 * Admission features the host certainly lacks.
 */
missing: Array<FeatureRef>, 
/**
 * Baseline features the host lacks whose admission role is unproven.
 */
unproven: Array<FeatureRef>, 
/**
 * Admission features the input does not record (unknown, not absent).
 */
unrecorded: Array<FeatureRef>, };

export type ModeOption = { key: string, label: string, vendor: Vendor, };

export type ModeReport = { key: string, label: string, vendor: Vendor, tier: number, tracks: Array<string>, 
/**
 * Admission: features a host must have to join, with the evidence that it must.
 */
required: Array<FeatureEvidence>, 
/**
 * Baseline features a host may lack without a proven refusal (a host lacking only these is
 * "uncertain" for the mode), with why.
 */
admission_unproven: Array<FeatureEvidence>, 
/**
 * Everything the mode's mask lets VMs see (where the host has it), with the evidence that it does.
 */
exposes: Array<FeatureEvidence>, 
/**
 * Features passed through where the host has them, never required to join (patch-era
 * features, TSX, AMD hints): a subset of `exposes`.
 */
pass_through: Array<FeatureEvidence>, 
/**
 * Patch-era features (IBRS/IBPB/STIBP, SSBD, MDCLEAR, FCMD) the mode can expose; whether a
 * cluster does depends on its hosts.
 */
patch_era: Array<string>, pins: Array<UnknownKey>, source: string, };

export type ModesAnswer = { 
/**
 * Always 2.
 */
schema: number, question: Question, option_errors: Array<OptionError>, 
/**
 * What a person should know about the catalogue read.
 */
warnings: Array<string>, 
/**
 * `built-in` or the SupportedEVCMode export used.
 */
modes_source: string, 
/**
 * The modes asked for: one (`mode` given), else all, in the catalogue's order.
 */
modes: Array<ModeReport>, };

export type Move = { 
/**
 * The VM, or "any VM powered on on esxi01 (vmx-11 and later)".
 */
vm: string, 
/**
 * `input: FILE` (a real VM's dump) or `computed: powered on on HOST`.
 */
requirements_from: string, 
/**
 * Whether the requirements were read from a real VM's dump (else computed for "any VM").
 */
real_vm: boolean, 
/**
 * The host the VM's dump says it runs on, as written (real VMs).
 */
runs_on: string | null, 
/**
 * The requirements checked.
 */
requirements: Array<CheckedRequirement>, 
/**
 * compatible: every requirement checked and met, and the destination can join the EVC
 * mode; blocked: a requirement unmet or the destination cannot join; unknown: nothing
 * checked blocks it, but partial data left something unchecked (`unknowns`).
 */
verdict: Verdict, 
/**
 * Indices into `blockers` (unmet requirements; a virtual hardware version the destination
 * ESXi does not run is a `vmx-N` blocker).
 */
blockers: Array<number>, 
/**
 * Indices into `unknowns`.
 */
unknowns: Array<number>, 
/**
 * Requirements the destination's (fragmentary) data does not show.
 */
unknown_on_destination: Array<string>, 
/**
 * Whether the destination can be admitted to the EVC mode it is checked under.
 */
admission: Admission | null, destination_not_admitted: boolean, 
/**
 * The EVC mode the destination is checked under (`null`: disabled).
 */
evc_mode: string | null, vhw: number | null, vhw_from: Provenance, vhw_band: [number, number] | null, guest_os: string | null, per_vm_what_if: string | null, basis: Basis, 
/**
 * "Any VM": the answer per band of virtual hardware versions, when there are several (the
 * move above is the worst band's).
 */
bands: Array<Band>, };

export type MoveIntoReport = { 
/**
 * The old cluster's EVC mode (`null` = disabled).
 */
from_evc: string | null, 
/**
 * The new cluster's EVC mode (`null` = disabled).
 */
to_evc: string | null, old_hosts: Array<string>, new_hosts: Array<string>, 
/**
 * Whether the VMs are computed ("any VM powered on on X") rather than given.
 */
computed_vms: boolean, vms: Array<MoveIntoVm>, 
/**
 * Worst proven over the VMs: blocked if any is blocked, else unknown if any is unknown.
 */
verdict: Verdict, 
/**
 * One sentence.
 */
summary: string, notes: Array<string>, };

export type MoveIntoVm = { vm: string, 
/**
 * Its host in the old cluster, when known.
 */
from: string | null, 
/**
 * `input` or how its requirements were computed.
 */
requirements_from: string, vhw: number | null, 
/**
 * The band of virtual hardware versions it stands for (computed VMs).
 */
vhw_band: [number, number] | null, 
/**
 * Compatible when some new host is proven to accept it live, blocked when every new host
 * blocks it, else unknown.
 */
verdict: Verdict, 
/**
 * New hosts that accept it live.
 */
accepted_by: Array<string>, 
/**
 * New hosts where nothing shown blocks it but the data leaves requirements unchecked.
 */
unknown_on: Array<[string, Array<string>]>, 
/**
 * New hosts that block it, grouped by identical blockers.
 */
blocked_on: Array<DestinationBlock>, 
/**
 * Every blocking feature key over all new hosts, deduplicated.
 */
blocking_features: Array<string>, 
/**
 * For a VM that cannot move live (blocked or unknown): the ways through, cheapest first.
 */
ways: Array<WayThrough>, summary: string, };

export type Opt = "request" | "inputs" | "evc" | "per_vm_evc" | "vm_hw" | "evc_exposes" | "only" | "rename" | "remove" | "maintenance" | "hosts" | "host" | "vms" | "vm" | "from" | "to" | "to_evc" | "into" | "add" | "set" | "mode" | "cluster";

export type OptionError = { 
/**
 * The option the problem is with (typed: front ends name it their own way).
 */
option: Opt, 
/**
 * What is wrong, without naming a front end's flag.
 */
message: string, };

export type Override = { 
/**
 * As written, with `cpuid.` added when the key had no prefix (`MDCLEAR` → `cpuid.MDCLEAR`).
 */
key: string, value: number, };

export type OwnedSource = { name: string, text: string, };

export type PatchFinding = { feature: string, label: string, 
/**
 * Whether the cluster's baseline exposes it: yes when any host's evidence proves it
 * (vCenter wrote masks exposing it), no when every host's evidence shows it hidden.
 */
baseline: Tri, 
/**
 * Hosts whose evidence shows the baseline exposing it.
 */
baseline_hosts: Array<string>, 
/**
 * Every host offers it raw and no evidence shows the masks: exposure probable (KB: "the
 * cluster will automatically upgrade its capabilities"), never proven.
 */
probable: boolean, hosts: Array<PatchHost>, 
/**
 * Members that do not offer what the baseline exposes (EVCAdmissionFailedCPUFeaturesForMode
 * for a host being added).
 */
non_compliant: Array<string>, summary: string, };

export type PatchHost = { host: string, 
/**
 * `featureCapability` value, when shown.
 */
raw: number | null, 
/**
 * `maskedFeatureCapability` value, when shown.
 */
masked: number | null, 
/**
 * Whether the host's EVC masks expose the feature to VMs powered on there.
 */
exposed: Tri, exposed_source: ExposureSource, evidence: string, 
/**
 * Whether the host offers the feature to VMs arriving by vMotion (EVC-effective).
 */
offers: Tri, 
/**
 * Set for hosts that do not offer a feature the baseline exposes.
 */
mechanism: Mechanism | null, };

export type PlanAnswer = { 
/**
 * Always 2.
 */
schema: number, 
/**
 * `plan`.
 */
question: Question, 
/**
 * What each input contributed: the cluster's, then the added hosts', then the other
 * cluster's.
 */
inputs: Array<InputSummary>, errors: Array<InputError>, 
/**
 * Problems with the request (`request`: nothing asked; `set`, `add`, `remove`, `to_evc`,
 * `into`, `vm_hw`, and the common options `evc`, `evc_exposes`, `rename`); a question with
 * a problem is not answered.
 */
option_errors: Array<OptionError>, 
/**
 * Every warning, once: those of loading, the overrides applied to each added host
 * (`host: override …`), the cluster's (and the other cluster's) host warnings.
 */
warnings: Array<string>, 
/**
 * The cluster's EVC setting (with `into`: the old cluster's) and why.
 */
evc: EvcChoice, 
/**
 * The EVC setting asked for: the mode the cluster changes to (`to_evc`), or with `into`
 * the new cluster's setting and why; `null` when neither is asked (or it is not a mode).
 */
to_evc: EvcChoice | null, 
/**
 * With `into`: the virtual hardware version of "any VM" (`null`: per band).
 */
vm_hw: number | null, 
/**
 * The VMs whose requirements count (VM dumps with featureRequirement entries). Empty:
 * each host stands for "any VM powered on on it".
 */
vms: Array<string>, 
/**
 * The overrides applied to the added hosts.
 */
overrides: Array<Override>, 
/**
 * One report per added host.
 */
add: Array<AddHostReport>, 
/**
 * One report per removed host.
 */
remove: Array<RemoveHostReport>, 
/**
 * The EVC mode change (`to_evc` without `into`).
 */
change_evc: ChangeModeReport | null, 
/**
 * The move into the other cluster (`into`).
 */
into: MoveIntoReport | null, 
/**
 * The exit code: `blocked` when an added host cannot join, the mode change is refused
 * now, or (`into`) some VM cannot move live; `unknown` when (`into`) nothing shown blocks a
 * move but not every move is proven, or when the request has problems
 * (`option_errors`); else `compatible`. An added host whose admission cannot be judged
 * (`can_join: null`) is said in its report, not here.
 */
outcome: Verdict, };

export type PlanVms = { 
/**
 * The VM, or "app01 and 156 other VMs with the same CPU requirements", or "any VM powered
 * on on esxi01 (vmx-9 and later)".
 */
vm: string, vms: Array<string>, 
/**
 * `input`, or how the requirements were computed.
 */
requirements_from: string, 
/**
 * Whether the requirements were read from real VM dumps (else computed for "any VM"): the
 * typed fact front ends branch on (never on `requirements_from`'s wording).
 */
real_vm: boolean, 
/**
 * compatible (a proven destination), blocked (every destination blocked), unknown.
 */
verdict: Verdict, destinations: Array<Destination>, };

export type Provenance = "given" | "read" | "assumed";

export type Question = "cluster" | "host" | "vm" | "check" | "maintenance" | "plan" | "modes" | "inventory" | "vmotion-error";

export type Remedy = { rank: number, scope: RemedyScope, action: string, why: string, disruption: string, verify: string | null, reference: string | null, 
/**
 * Evidence tag(s) of the advice.
 */
evidence: string, features: Array<string>, hosts: Array<string>, vms: Array<string>, 
/**
 * The remedy rule of `core/data/remedies.txt` this comes from (`null`: computed VM-side).
 */
rule: string | null, };

export type RemedyRule = { name: string, 
/**
 * Why a host of the right generation can lack the feature.
 */
cause: string, 
/**
 * What to do; `{hosts}` and `{features}` are placeholders.
 */
action: string, verify: string, reference: string, 
/**
 * Evidence tag(s).
 */
evidence: string, 
/**
 * `host-power-cycle`, `host-bios` or `none`.
 */
disruption: Disruption, 
/**
 * The same in words, as in `Remedy.disruption`.
 */
disruption_text: string, };

export type RemedyScope = "hosts" | "vms" | "cluster";

export type RemoveHostReport = { host: string, evc_mode: string | null, remaining_hosts: Array<string>, max_common_before: string | null, max_common_after: string | null, raises_max_common: boolean, 
/**
 * Features the new highest common mode exposes that the old one did not.
 */
gained_features: Array<FeatureRef>, limiting_hosts: Array<string>, 
/**
 * The given VMs that run on the removed host (they must move first).
 */
vms_on_host: Array<string>, summary: string, };

export type Request = { inputs: Array<OwnedSource>, 
/**
 * Cluster EVC mode key, `none`, or absent (= chosen as in [`choose_evc`]).
 */
evc: string | null, 
/**
 * Per-VM EVC mode key for the synthetic "any VM" of each host.
 */
per_vm_evc: string | null, 
/**
 * Host renames applied after loading: old name → new name.
 */
rename: { [key in string]: string }, 
/**
 * Hosts to leave out.
 */
remove: Array<string>, 
/**
 * Hosts to plan maintenance for; empty = every host.
 */
maintenance: Array<string>, 
/**
 * Plan no maintenance at all (large clusters: the matrix alone).
 */
skip_maintenance: boolean, 
/**
 * Virtual hardware version of "any VM" (`19`, `vmx-19`); absent = per band.
 */
vm_hw: string | null, 
/**
 * `--evc-exposes`: patch-era features every host's masks expose (`MDCLEAR,IBRS`, `none`).
 */
evc_exposes: string | null, 
/**
 * Limit verdicts to these features (`--only`).
 */
only: Array<string>, 
/**
 * The cluster of a collector bundle to answer for (name or MoRef; `crate::app::fleet::select`).
 */
cluster: string | null, };

export type RequirementReport = { key: string, label: string, 
/**
 * Whether the key is in evcalc's catalogue.
 */
known: boolean, 
/**
 * e.g. `Bool:Min:1`.
 */
required: string, };

export type Tag = "C" | "D" | "I" | "R" | "Export";

export type Tri = "yes" | "no" | "unknown";

export type UncertainMode = { mode: string, 
/**
 * Required features the input does not record.
 */
unrecorded: Array<FeatureRef>, 
/**
 * Baseline features the host lacks whose admission role is unproven.
 */
unproven: Array<FeatureRef>, 
/**
 * e.g. "if cpuid.XSAVEOPT, which the input does not record, is present".
 */
condition: string, };

export type UnknownItem = { key: string, why: string, 
/**
 * The feature keys this item covers (one, or several for "12 features not shown").
 */
features: Array<string>, };

export type UnknownKey = { key: string, value: number, };

export type Vendor = "intel" | "amd";

export type Verdict = "compatible" | "blocked" | "unknown";

export type VhwTooNew = { 
/**
 * The VM's virtual hardware version.
 */
vm_hw: number, 
/**
 * The highest version the destination's ESXi runs.
 */
destination_max: number, 
/**
 * The first ESXi release that runs `vm_hw` (e.g. "ESXi 7.0 U2").
 */
needs_release: string, };

export type VmAnswer = { 
/**
 * Always 2.
 */
schema: number, 
/**
 * `vm`.
 */
question: Question, inputs: Array<InputSummary>, errors: Array<InputError>, 
/**
 * Problems with the request's options (`rename`).
 */
option_errors: Array<OptionError>, 
/**
 * Every warning, once: those of loading first, then each VM's (`name: text`).
 */
warnings: Array<string>, 
/**
 * `built-in` or the SupportedEVCMode export used.
 */
modes_source: string, 
/**
 * One report per VM, in load order.
 */
vms: Array<VmReport>, };

export type VmFeatures = { vm: string, host: string | null, 
/**
 * `input` or how its features were computed.
 */
requirements_from: string, features: Array<FeatureRef>, };

export type VmReport = { name: string, source: string, host: string | null, power_state: string | null, 
/**
 * Lowest EVC mode that admits the VM's requirements, computed.
 */
min_evc_mode: string | null, 
/**
 * The input's `minRequiredEVCModeKey` (cross-check only).
 */
reported_min_evc_mode: string | null, min_evc_cross_check: CrossCheck, 
/**
 * When the VM has per-VM EVC masks: the mode they correspond to, or `custom`.
 */
per_vm_mask_mode: string | null, requirements: Array<RequirementReport>, masks: Array<MaskReport>, warnings: Array<string>, };

export type WayKind = "cold-migration" | "per-vm-evc" | "lower-old-mode";

export type WayThrough = { kind: WayKind, 
/**
 * Whether this way is open for the VM: `Some(false)` refused (see `refused`), `None` when
 * evcalc cannot prove the live move that follows it.
 */
possible: boolean | null, 
/**
 * The EVC mode it uses (per-VM mode or the old cluster's lowered mode).
 */
mode: string | null, 
/**
 * What to do, in words.
 */
action: string, 
/**
 * What it costs: power-offs, downtime, lasting effects.
 */
cost: string, 
/**
 * Why it is not possible, when it is not.
 */
refused: string | null, 
/**
 * Set when it hides mitigations from the guest: a security downgrade, in words.
 */
security_downgrade: string | null, 
/**
 * Patch-era mitigations the guest loses (`cpuid.MDCLEAR`, …).
 */
mitigations_lost: Array<string>, 
/**
 * New hosts that would accept the VM afterwards (per-VM EVC, lowered mode).
 */
accepted_by: Array<string>, };
