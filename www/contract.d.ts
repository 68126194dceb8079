// Generated from the Rust types of evcalc's contract v2 (core/src/app/mod.rs and the report
// types it uses) by tests/it/contract.rs with ts-rs. Do not edit: run
// `EVCALC_REGEN=1 cargo test -p evcalc-tests contract`.

export type Absence = "not-on-cpu" | "masks-hide" | "mode-hides" | "raw-not-shown" | "per-vm-mask" | "not-listed";

export type AddHostReport = { 
/**
 * The new host's name.
 */
host: string, 
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
host_max_mode: string | null, 
/**
 * The highest EVC mode every (non-fragment) host of the cluster can join now.
 */
max_common_before: string | null, 
/**
 * The same with the new host.
 */
max_common_after: string | null, 
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
summary: string, 
/**
 * What a person should know (powered-on VMs that block adding the host, fragments, …).
 */
warnings: Array<string>, };

export type Admission = { 
/**
 * The host's name.
 */
host: string, 
/**
 * The EVC mode's key.
 */
mode: string, 
/**
 * `true` admitted, `false` not admitted; `null` when the host's data is a fragment or the
 * admission is uncertain (`verdict`).
 */
admitted: boolean | null, 
/**
 * The outcome: admitted, not admitted, uncertain or unknown.
 */
verdict: AdmissionVerdict, 
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
unrecorded: Array<FeatureRef>, 
/**
 * The host's CPU vendor is not the mode's: never admitted.
 */
vendor_mismatch: boolean, 
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

export type Band = { 
/**
 * The lowest virtual hardware version of the band.
 */
vhw_from: number, 
/**
 * The highest virtual hardware version of the band.
 */
vhw_to: number, 
/**
 * The answer for VMs of the band.
 */
verdict: Verdict, 
/**
 * Indices into `blockers`.
 */
blockers: Array<number>, };

export type Basis = "raw" | "masked-list" | "feat-mask-lines" | "mode-baseline";

export type BlockedMove = { 
/**
 * The VM, or "any VM powered on on …".
 */
vm: string, 
/**
 * The host the VM runs on, when known.
 */
from: string | null, 
/**
 * The host it cannot move to.
 */
to: string, 
/**
 * The requirements that host does not meet.
 */
missing: Array<Missing>, };

export type Blocker = { 
/**
 * Canonical key (`cpuid.MDCLEAR`, an unknown key as written, or `vmx-21`).
 */
key: string, 
/**
 * Index into `features`, for catalogue features.
 */
feature: number | null, 
/**
 * The catalogue label, or the key for keys outside the catalogue.
 */
label: string, 
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
remedy: string | null, 
/**
 * Set when the destination's running ESXi build already has the patch for the feature its
 * CPU lacks (the microcode is what is missing).
 */
patched_build: PatchedBuild | null, };

export type ChangeModeReport = { 
/**
 * The current EVC mode (`null` = EVC disabled).
 */
from: string | null, 
/**
 * The target EVC mode (`null` = EVC disabled).
 */
to: string | null, 
/**
 * How the target relates to the current mode.
 */
direction: Direction, 
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
max_common_mode: string | null, 
/**
 * The answer in words.
 */
summary: string, 
/**
 * What a person should know (fragments, VMs whose host is not loaded, …).
 */
notes: Array<string>, };

export type CheckAnswer = { 
/**
 * Always 2.
 */
schema: number, 
/**
 * `check`.
 */
question: Question, 
/**
 * What each input contributed.
 */
inputs: Array<InputSummary>, 
/**
 * Inputs that could not be read.
 */
errors: Array<InputError>, 
/**
 * Problems with the request's options.
 */
option_errors: Array<OptionError>, 
/**
 * What a person should know (also printed to stderr by the CLI).
 */
warnings: Array<string>, 
/**
 * The cluster's EVC setting and why.
 */
evc: EvcChoice, 
/**
 * With `to_evc`: the destination cluster's EVC setting the move is checked under.
 */
to_evc: EvcChoice | null, 
/**
 * The per-VM EVC mode of "any VM" (what-if), when given and accepted.
 */
per_vm_evc_mode: string | null, 
/**
 * The virtual hardware version of "any VM", when given (else per band).
 */
vm_hw: number | null, 
/**
 * The source host (index into `hosts`): `from`, or with `vm` the loaded host its dump names.
 */
from: number | null, 
/**
 * The destination host (index into `hosts`); `null` when not found (see `option_errors`).
 */
to: number | null, 
/**
 * The hosts loaded, in load order.
 */
hosts: Array<HostEntry>, 
/**
 * The host classes (`hosts[i].class` indexes them).
 */
classes: Array<ClassEntry>, 
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

export type CheckedRequirement = { 
/**
 * The key as the VM's input wrote it (or the canonical key, for a per-VM mask's requirement).
 */
key: string, 
/**
 * e.g. `Bool:Min:1`.
 */
required: string, };

export type ClassCell = { 
/**
 * Whether a VM powered on on the row class can move to the column class.
 */
verdict: Verdict, 
/**
 * Indices into `blockers`.
 */
blockers: Array<number>, 
/**
 * Indices into `unknowns`: what keeps an unproven move from being judged.
 */
unknowns: Array<number>, 
/**
 * The destination class cannot be admitted to the cluster's EVC mode.
 */
destination_not_admitted: boolean, 
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
hosts: Array<number>, 
/**
 * The class's host report (named with the class label).
 */
report: HostReport, 
/**
 * Whether the class can be admitted to the cluster's EVC mode (`null` without EVC).
 */
admission: Admission | null, };

export type ClusterAnswer = { 
/**
 * Always 2.
 */
schema: number, 
/**
 * `cluster`.
 */
question: Question, 
/**
 * What each input contributed.
 */
inputs: Array<InputSummary>, 
/**
 * Inputs that could not be read.
 */
errors: Array<InputError>, 
/**
 * Problems with the request's options.
 */
option_errors: Array<OptionError>, 
/**
 * The cluster's EVC setting and why.
 */
evc: EvcChoice, 
/**
 * The per-VM EVC mode of "any VM" (what-if), when given and accepted.
 */
per_vm_evc_mode: string | null, 
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
modes_source: string, 
/**
 * The highest EVC mode every (non-fragment) host can join, computed from the hosts'
 * features (`null`: none).
 */
max_common_evc_mode: string | null, 
/**
 * Interned catalogue features referenced by index.
 */
features: Array<FeatureRef>, 
/**
 * The hosts loaded, in load order.
 */
hosts: Array<HostEntry>, 
/**
 * The host classes (`hosts[i].class` indexes them).
 */
classes: Array<ClassEntry>, 
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
matrix_omitted: string | null, 
/**
 * Features on which classes disagree.
 */
drift: Array<DriftEntry>, 
/**
 * Each patch-era feature (MDCLEAR, IBRS, …) the EVC setting can expose, across the classes
 * (empty without EVC, unless hosts carry EVC masks).
 */
patch_era: Array<PatchFinding>, 
/**
 * The class story, one line per finding ("3 hosts lack cpuid.MDCLEAR: esxi02–04 (…)").
 */
story: Array<string>, 
/**
 * blocked if any move is proven blocked, else unknown if any is unproven, else compatible.
 */
outcome: Verdict, 
/**
 * One report per VM loaded.
 */
vms: Array<VmReport>, 
/**
 * The maintenance plans, in host order: one per host class planned for "any VM", or one per
 * host whose VMs were loaded.
 */
maintenance: Array<MaintenancePlan>, 
/**
 * Every remedy rule of `core/data/remedies.txt` (`Blocker.remedy` names one).
 */
remedy_rules: Array<RemedyRule>, 
/**
 * The worst finding in one sentence, with the next steps (`null` without hosts).
 */
headline: Headline | null, };

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
hosts: Array<number> | null, 
/**
 * Whether the VMs can move to this destination.
 */
verdict: Verdict, 
/**
 * Indices into `blockers`.
 */
blockers: Array<number>, 
/**
 * Indices into `unknowns`.
 */
unknowns: Array<number>, 
/**
 * The destination class cannot be admitted to the cluster's EVC mode.
 */
destination_not_admitted: boolean, 
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

export type Disruption = "host-power-cycle" | "host-reboot" | "host-bios" | "cluster-reconfigure" | "vm-downtime" | "none";

export type DriftEntry = { 
/**
 * Canonical key (`cpuid.MDCLEAR`), or an unknown key as written.
 */
key: string, 
/**
 * Index into `features`, for catalogue features.
 */
feature: number | null, 
/**
 * The catalogue label, or the key for keys outside the catalogue.
 */
label: string, 
/**
 * Classes that have it (indices into `classes`).
 */
classes_with: Array<number>, 
/**
 * Classes that lack it (indices into `classes`).
 */
classes_without: Array<number>, 
/**
 * Per class with a value: (class, value).
 */
values: Array<[number, number]>, 
/**
 * Hosts that have it / lack it.
 */
hosts_with: number, 
/**
 * See `hosts_with`.
 */
hosts_without: number, 
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
question: Question | null, 
/**
 * What went wrong, one item per problem.
 */
errors: Array<ErrorItem>, };

export type ErrorItem = { 
/**
 * The input's name, when a file is involved.
 */
source: string | null, 
/**
 * 1-based line and column in that input, when a file is involved.
 */
line: number | null, 
/**
 * 1-based column in that input, when a file is involved.
 */
col: number | null, 
/**
 * What went wrong.
 */
message: string, };

export type EvcChoice = { 
/**
 * `null` = EVC disabled.
 */
mode: string | null, 
/**
 * Why that setting: "given", "reported by the hosts", "highest common mode", …
 */
why: string, 
/**
 * The setting is an assumption (neither given nor in the data): answers are conditional on
 * it ("if the cluster runs intel-haswell: …") and never `compatible`.
 */
assumed: boolean, };

export type EvcStateShown = { "state": "mode", "mode": string } | { "state": "not-active" } | { "state": "masks-active" } | { "state": "unknown" };

export type ExposureSource = "masked-list" | "feat-mask-lines" | "vm-requirement" | "option" | "evc-state" | "none";

export type FeatureEvidence = { 
/**
 * Canonical key, e.g. `cpuid.AVX2`.
 */
key: string, 
/**
 * The catalogue label.
 */
label: string, 
/**
 * The mode whose section added the feature (empty when no evidence is recorded).
 */
introduced_by: string, 
/**
 * `C`, `D`, `I`, `R` or `Export`.
 */
evidence: Tag, 
/**
 * The evidence in words (empty when none is recorded).
 */
note: string, };

export type FeatureRef = { 
/**
 * Canonical key, e.g. `cpuid.MDCLEAR`.
 */
key: string, 
/**
 * e.g. "Microarchitectural Data clear".
 */
label: string, 
/**
 * How EVC treats the feature.
 */
kind: Kind, 
/**
 * e.g. `CPUID.07H:EDX[10]`, when known.
 */
cpuid: string | null, };

export type Format = "vmodl-text" | "mask-lines" | "govc-xml" | "govc-json" | "supported-evc-mode-json" | "cpuid-dump" | "bundle" | "proc-cpuinfo" | "rvtools-csv" | "vmotion-error" | "evc9-json" | "legacy-cpuid-masks";

export type Headline = { 
/**
 * The worst outcome: blocked, unknown, or compatible.
 */
verdict: Verdict, 
/**
 * The sentence.
 */
text: string, 
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
question: Question, 
/**
 * What each input contributed.
 */
inputs: Array<InputSummary>, 
/**
 * Inputs that could not be read.
 */
errors: Array<InputError>, 
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

export type HostEntry = { 
/**
 * The host's name (unique among the hosts loaded).
 */
name: string, 
/**
 * Whether the input named the host; `false` when `name` is a fallback (the file name, or
 * `host N` for several unnamed hosts of one input): front ends tell unnamed hosts by this.
 */
name_given: boolean, 
/**
 * The input it came from (file name or paste label).
 */
source: string, 
/**
 * Index into `classes`.
 */
class: number, 
/**
 * The CPU brand string (`summary.hardware.cpuModel`), when the input has it.
 */
cpu_model: string | null, 
/**
 * The ESXi release (`product.fullName`), when the input has it.
 */
product: string | null, 
/**
 * The input's own `maxEVCModeKey` (cross-check only: never the answer).
 */
reported_max_evc_mode: string | null, 
/**
 * The input's own `currentEVCModeKey`, when it has one.
 */
reported_current_evc_mode: string | null, 
/**
 * What the host's data shows about its cluster's EVC state (evidence for the EVC choice).
 */
evc_state: EvcStateShown, 
/**
 * The reported value against the class's computed `max_evc_mode`.
 */
max_evc_cross_check: CrossCheck, 
/**
 * Remarks about the host's data.
 */
warnings: Array<string>, };

export type HostReport = { 
/**
 * The host's name (in a cluster answer's class: the class label).
 */
name: string, 
/**
 * Whether the input named the host; `false` when `name` is a fallback (the file name, or
 * `host N` for several unnamed hosts of one input): front ends tell unnamed hosts by this.
 */
name_given: boolean, 
/**
 * The input it came from (file name or paste label).
 */
source: string, 
/**
 * The CPU vendor (`null` when neither `cpuid.Intel`/`cpuid.AMD` nor the brand string tells).
 */
vendor: Vendor | null, 
/**
 * The CPU brand string (`summary.hardware.cpuModel`), when the input has it.
 */
cpu_model: string | null, 
/**
 * The ESXi release (`product.fullName`), when the input has it.
 */
product: string | null, 
/**
 * Partial input: only the listed keys are known.
 */
fragment: boolean, 
/**
 * Number of known features with a non-zero value.
 */
feature_count: number, 
/**
 * `cpuid.FAMILY`, when the input has it.
 */
family: number | null, 
/**
 * `cpuid.MODEL`, when the input has it.
 */
model: number | null, 
/**
 * `cpuid.STEPPING`, when the input has it.
 */
stepping: number | null, 
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
reported_max_evc_mode: string | null, 
/**
 * The input's own `currentEVCModeKey`, when it has one.
 */
reported_current_evc_mode: string | null, 
/**
 * `reported_max_evc_mode` against the computed `max_evc_mode`.
 */
max_evc_cross_check: CrossCheck, 
/**
 * Side-channel mitigation features the host reports.
 */
mitigations: Array<FeatureRef>, 
/**
 * Keys not in evcalc's catalogue, kept as written.
 */
unknown_keys: Array<UnknownKey>, 
/**
 * Remarks about the host's data and its cross-checks.
 */
warnings: Array<string>, };

export type InputError = { 
/**
 * The input's name.
 */
source: string, 
/**
 * 1-based line of the problem (1 for problems with the input as a whole).
 */
line: number, 
/**
 * 1-based column of the problem.
 */
col: number, 
/**
 * What is wrong (for a parse error, what was expected).
 */
message: string, };

export type InputSummary = { 
/**
 * The input's name (file name, "paste 1", …).
 */
source: string, 
/**
 * The format detected; `None` when the input could not be read or was skipped as a
 * duplicate.
 */
format: Format | null, 
/**
 * The hosts it contributed, by their (unique) names.
 */
hosts: Array<string>, 
/**
 * The VMs it contributed, by name.
 */
vms: Array<string>, 
/**
 * Remarks about it (parser warnings with their line, a dump loaded twice, a host name
 * already taken). Each serialises as one string, `line N: …` where it has a line.
 */
warnings: Array<string>, };

export type Kind = "vendor" | "identity" | "feature" | "mitigation" | "virtualization";

export type MaintenanceAnswer = { 
/**
 * Always 2.
 */
schema: number, 
/**
 * `maintenance`.
 */
question: Question, 
/**
 * What each input contributed.
 */
inputs: Array<InputSummary>, 
/**
 * Inputs that could not be read.
 */
errors: Array<InputError>, 
/**
 * Problems with the request's options.
 */
option_errors: Array<OptionError>, 
/**
 * What a person should know about the inputs and the VMs chosen.
 */
warnings: Array<string>, 
/**
 * The cluster's EVC setting and why.
 */
evc: EvcChoice, 
/**
 * The per-VM EVC mode of "any VM" (what-if), when given and accepted.
 */
per_vm_evc_mode: string | null, 
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
features: Array<FeatureRef>, 
/**
 * The hosts loaded, in load order.
 */
hosts: Array<HostEntry>, 
/**
 * The host classes (`hosts[i].class` indexes them).
 */
classes: Array<ClassEntry>, 
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
outcome: Verdict, 
/**
 * Every remedy rule of `core/data/remedies.txt` (`Blocker.remedy` names one).
 */
remedy_rules: Array<RemedyRule>, };

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
verdict: string, 
/**
 * The VMs on the hosts, grouped by identical requirements.
 */
vms: Array<PlanVms>, 
/**
 * What would let the blocked VMs move, ranked by disruption.
 */
remedies: Array<Remedy>, };

export type MaskReport = { 
/**
 * Canonical key, or the key lower-cased when it is outside the catalogue.
 */
key: string, 
/**
 * The mask, e.g. `Val:1`.
 */
mask: string, };

export type Mechanism = "microcode" | "evc-masks" | "undetermined";

export type Missing = { 
/**
 * As the VM's input wrote it.
 */
key: string, 
/**
 * Canonical key (`cpuid.MDCLEAR`), the key lower-cased when it is outside the catalogue, or
 * `vmx-N`.
 */
canonical_key: string, 
/**
 * The catalogue label, or the key for keys outside the catalogue.
 */
label: string, 
/**
 * How EVC treats the feature (`null` for keys outside the catalogue).
 */
kind: Kind | null, 
/**
 * Where the feature's bit lives, e.g. `CPUID.07H:EDX[10]`, when known.
 */
cpuid: string | null, 
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
 * Set when the destination lacks a patch-era feature on its CPU (raw 0) although its
 * running ESXi build already contains the patch that brings it (issue 20 item 10): the
 * host has booted that build, so the microcode (BIOS/firmware), not ESXi, is what is missing.
 */
patched_build: PatchedBuild | null, 
/**
 * Name of the remedy rule for this feature (`mds`, `bios-aes`, `generation`, …): the rules
 * are listed once in `remedy_rules` (page) and `core/data/remedies.txt`.
 */
remedy: string | null, };

export type ModeBlockers = { 
/**
 * The mode's key.
 */
mode: string, 
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

export type ModeOption = { 
/**
 * The mode's key (`intel-haswell`).
 */
key: string, 
/**
 * The mode's vSphere label.
 */
label: string, 
/**
 * The mode's CPU vendor.
 */
vendor: Vendor, };

export type ModeReport = { 
/**
 * The mode's key (`intel-haswell`).
 */
key: string, 
/**
 * The mode's vSphere label.
 */
label: string, 
/**
 * The CPU vendor whose hosts the mode is for.
 */
vendor: Vendor, 
/**
 * Position in the vendor's list (`vendorTier`-like); higher = newer.
 */
tier: number, 
/**
 * Track names (AMD: `a`, `b`); empty for Intel.
 */
tracks: Array<string>, 
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
patch_era: Array<string>, 
/**
 * Identity values the mode's mask pins (FAMILY, MODEL, …).
 */
pins: Array<UnknownKey>, 
/**
 * Where the catalogue came from: `built-in` or the SupportedEVCMode export used.
 */
source: string, };

export type ModesAnswer = { 
/**
 * Always 2.
 */
schema: number, 
/**
 * `modes`.
 */
question: Question, 
/**
 * Problems with the request's options (`mode`: an unknown mode name).
 */
option_errors: Array<OptionError>, 
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
 * The input a real VM's requirements were read from (`null` for computed requirements).
 */
vm_source: string | null, 
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
admission: Admission | null, 
/**
 * The destination cannot be admitted to the EVC mode it is checked under.
 */
destination_not_admitted: boolean, 
/**
 * The EVC mode the destination is checked under (`null`: disabled).
 */
evc_mode: string | null, 
/**
 * The VM's virtual hardware version, when known (read, given, or the band's).
 */
vhw: number | null, 
/**
 * Where the VM's virtual hardware version came from.
 */
vhw_from: Provenance, 
/**
 * "Any VM": the band of virtual hardware versions checked (lowest, highest).
 */
vhw_band: [number, number] | null, 
/**
 * The VM's guest OS (`config.guestId`, `.vmx` `guestOS`), when its dump has it.
 */
guest_os: string | null, 
/**
 * The per-VM EVC mode named without masks (a what-if): its key.
 */
per_vm_what_if: string | null, 
/**
 * What the destination's EVC-effective capabilities were read from.
 */
basis: Basis, 
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
to_evc: string | null, 
/**
 * The old cluster's hosts.
 */
old_hosts: Array<string>, 
/**
 * The new cluster's hosts.
 */
new_hosts: Array<string>, 
/**
 * Whether the VMs are computed ("any VM powered on on X") rather than given.
 */
computed_vms: boolean, 
/**
 * One entry per VM (or per band of "any VM").
 */
vms: Array<MoveIntoVm>, 
/**
 * Worst proven over the VMs: blocked if any is blocked, else unknown if any is unknown.
 */
verdict: Verdict, 
/**
 * One sentence.
 */
summary: string, 
/**
 * What a person should know about the move.
 */
notes: Array<string>, };

export type MoveIntoVm = { 
/**
 * The VM, or "any VM powered on on …".
 */
vm: string, 
/**
 * Its host in the old cluster, when known.
 */
from: string | null, 
/**
 * `input` or how its requirements were computed.
 */
requirements_from: string, 
/**
 * Its virtual hardware version, when known.
 */
vhw: number | null, 
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
ways: Array<WayThrough>, 
/**
 * One sentence.
 */
summary: string, };

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
key: string, 
/**
 * The value to set (decimal or `0x` hex).
 */
value: number, };

export type OwnedSource = { 
/**
 * The name to report the input under (file name, "paste 1", …).
 */
name: string, 
/**
 * The input's text.
 */
text: string, };

export type PatchFinding = { 
/**
 * Canonical key, e.g. `cpuid.MDCLEAR`.
 */
feature: string, 
/**
 * The catalogue label.
 */
label: string, 
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
probable: boolean, 
/**
 * One row per host (class representative in a cluster answer), in host order.
 */
hosts: Array<PatchHost>, 
/**
 * Members that do not offer what the baseline exposes (EVCAdmissionFailedCPUFeaturesForMode
 * for a host being added).
 */
non_compliant: Array<string>, 
/**
 * One line, e.g. "MDCLEAR: exposed by the cluster's baseline and offered by every host".
 */
summary: string, };

export type PatchHost = { 
/**
 * The host's name.
 */
host: string, 
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
exposed: Tri, 
/**
 * Where the exposure was read (`none`: no evidence).
 */
exposed_source: ExposureSource, 
/**
 * What proves the exposure, in words (empty without evidence).
 */
evidence: string, 
/**
 * Whether the host offers the feature to VMs arriving by vMotion (EVC-effective).
 */
offers: Tri, 
/**
 * Set for hosts that do not offer a feature the baseline exposes.
 */
mechanism: Mechanism | null, };

export type PatchedBuild = { 
/**
 * The release the host runs ("ESXi 6.7").
 */
release: string, 
/**
 * The host's build number, when its data has one.
 */
build: number | null, 
/**
 * The first build of that release with the patch (`None`: every build of the release).
 */
first_patched_build: number | null, 
/**
 * The advisory that lists the builds ("VMSA-2019-0008").
 */
advisory: string, 
/**
 * Evidence tag of the build row (\[C\] from the advisory's table, \[I\] inferred).
 */
evidence: string, };

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
inputs: Array<InputSummary>, 
/**
 * Inputs that could not be read.
 */
errors: Array<InputError>, 
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
vm: string, 
/**
 * The VMs this entry stands for, by name (one for "any VM").
 */
vms: Array<string>, 
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
verdict: Verdict, 
/**
 * One answer per destination class.
 */
destinations: Array<Destination>, };

export type Provenance = "given" | "read" | "assumed";

export type Question = "cluster" | "host" | "vm" | "check" | "maintenance" | "plan" | "modes" | "inventory" | "vmotion-error";

export type Remedy = { 
/**
 * Its place in the order, from 1 (the first to try).
 */
rank: number, 
/**
 * What it acts on.
 */
scope: RemedyScope, 
/**
 * What to do, with the hosts, features and mode filled in.
 */
action: string, 
/**
 * Why it helps: why the feature is missing.
 */
why: string, 
/**
 * What it costs in words (downtime, reboots, none).
 */
disruption: string, 
/**
 * How to check it worked (a command), when the rule has one.
 */
verify: string | null, 
/**
 * The sources behind it (KBs, documents), when the rule has them.
 */
reference: string | null, 
/**
 * Evidence tag(s) of the advice.
 */
evidence: string, 
/**
 * The feature keys it fixes.
 */
features: Array<string>, 
/**
 * The hosts it acts on.
 */
hosts: Array<string>, 
/**
 * The VMs it acts on.
 */
vms: Array<string>, 
/**
 * The remedy rule of `core/data/remedies.txt` this comes from (`null`: computed VM-side).
 */
rule: string | null, };

export type RemedyRule = { 
/**
 * The rule's section name (`mds`, `evc-masks`, `generation`, …).
 */
name: string, 
/**
 * Why a host of the right generation can lack the feature.
 */
cause: string, 
/**
 * What to do; `{hosts}` and `{features}` are placeholders.
 */
action: string, 
/**
 * How to check the fix worked (a command); placeholders as in `action`.
 */
verify: string, 
/**
 * The sources behind the rule (KBs, documents).
 */
reference: string, 
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

export type RemoveHostReport = { 
/**
 * The removed host's name.
 */
host: string, 
/**
 * The cluster's EVC mode (`null` = EVC disabled).
 */
evc_mode: string | null, 
/**
 * The hosts left in the cluster.
 */
remaining_hosts: Array<string>, 
/**
 * The highest EVC mode every (non-fragment) host of the cluster can join now.
 */
max_common_before: string | null, 
/**
 * The same without the removed host.
 */
max_common_after: string | null, 
/**
 * Whether the highest common mode rises without the host.
 */
raises_max_common: boolean, 
/**
 * Features the new highest common mode exposes that the old one did not.
 */
gained_features: Array<FeatureRef>, 
/**
 * Hosts whose own ceiling equals the new highest common mode (the cluster's bottleneck).
 */
limiting_hosts: Array<string>, 
/**
 * The given VMs that run on the removed host (they must move first).
 */
vms_on_host: Array<string>, 
/**
 * The answer in words.
 */
summary: string, };

export type Request = { 
/**
 * The input texts and their names.
 */
inputs: Array<OwnedSource>, 
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

export type RequirementReport = { 
/**
 * The key as the input wrote it.
 */
key: string, 
/**
 * The catalogue label, or the key for keys outside the catalogue.
 */
label: string, 
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

export type UncertainMode = { 
/**
 * The mode's key.
 */
mode: string, 
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

export type UnknownItem = { 
/**
 * What is not proven: a requirement's key, "N features", an EVC mode key (admission), or
 * `vmx-N`.
 */
key: string, 
/**
 * Why, in words.
 */
why: string, 
/**
 * The feature keys this item covers (one, or several for "12 features not shown").
 */
features: Array<string>, };

export type UnknownKey = { 
/**
 * The key (as written for unknown keys, canonical for pins).
 */
key: string, 
/**
 * The value (the host's `featureCapability` value, or the pinned value).
 */
value: number, };

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
question: Question, 
/**
 * What each input contributed.
 */
inputs: Array<InputSummary>, 
/**
 * Inputs that could not be read.
 */
errors: Array<InputError>, 
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

export type VmFeatures = { 
/**
 * The VM, or "any VM powered on on …".
 */
vm: string, 
/**
 * The host the VM runs on, when known.
 */
host: string | null, 
/**
 * `input` or how its features were computed.
 */
requirements_from: string, 
/**
 * The features concerned: those it would see after a power cycle (`vms_needing_power_cycle`),
 * or those it uses that the target mode hides (`vms_blocking`).
 */
features: Array<FeatureRef>, };

export type VmReport = { 
/**
 * The VM's name (the input's, else from the input's file name).
 */
name: string, 
/**
 * The input it came from.
 */
source: string, 
/**
 * The host the input says it runs on (a MoRef id such as `host-14`, or a name).
 */
host: string | null, 
/**
 * `runtime.powerState` as the input reports it (`poweredOn`, …).
 */
power_state: string | null, 
/**
 * Lowest EVC mode that admits the VM's requirements, computed.
 */
min_evc_mode: string | null, 
/**
 * The input's `minRequiredEVCModeKey` (cross-check only).
 */
reported_min_evc_mode: string | null, 
/**
 * `reported_min_evc_mode` against the computed `min_evc_mode`.
 */
min_evc_cross_check: CrossCheck, 
/**
 * When the VM has per-VM EVC masks: the mode they correspond to, or `custom`.
 */
per_vm_mask_mode: string | null, 
/**
 * `runtime.featureRequirement`, in input order.
 */
requirements: Array<RequirementReport>, 
/**
 * Per-VM masks (`runtime.featureMask`, `featMask.vm.*`), in input order.
 */
masks: Array<MaskReport>, 
/**
 * Remarks about the VM's data and its cross-checks.
 */
warnings: Array<string>, };

export type WayKind = "cold-migration" | "per-vm-evc" | "lower-old-mode";

export type WayThrough = { 
/**
 * Which way.
 */
kind: WayKind, 
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
