//! What the parsers produce: plain records of what a file said, before any interpretation.
//!
//! Keys are kept exactly as written (`cpuid.MDCLEAR`, `cpuid.mdclear`, `vpmc.genwidth`);
//! the engine resolves them case-insensitively against the feature catalogue.
//! Nothing here is dropped: unknown keys travel on to the report.

use crate::value::{Mask, Requirement};

/// A position in an input text. Lines and columns are 1-based; 0 means "unknown".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct Pos {
    /// 1-based line; 0 = unknown.
    pub line: u32,
    /// 1-based column; 0 = unknown.
    pub col: u32,
}

/// A non-fatal remark about an input (e.g. a duplicate key, a skipped unknown object).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct Warning {
    /// Where in the input the remark applies.
    pub pos: Pos,
    /// The remark.
    pub message: String,
}

/// A fatal problem: the input is not what it claims to be. The message says what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[error("line {}, column {}: {message}", pos.line, pos.col)]
pub struct ParseError {
    /// Where the input stopped being what it claims to be.
    pub pos: Pos,
    /// What was expected there.
    pub message: String,
}

impl ParseError {
    /// An error at 1-based `line` and `col`.
    pub fn new(line: u32, col: u32, message: impl Into<String>) -> ParseError {
        ParseError {
            pos: Pos { line, col },
            message: message.into(),
        }
    }
}

/// One `key = value` record of a feature list, with where it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry<T> {
    /// The key as written, e.g. `cpuid.MDCLEAR`.
    pub key: String,
    /// The value as parsed (a capability number, a mask, a requirement).
    pub value: T,
    /// Where the record was read.
    pub pos: Pos,
}

/// Everything a host dump told us.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HostInput {
    /// `network.dnsConfig.hostName`, govc object name, … `None` → the caller names it (file name).
    pub name: Option<String>,
    /// `product.fullName` or built from `product.version`/`product.build`, e.g. "VMware ESXi 6.7.0 build-14320388".
    pub product: Option<String>,
    /// CPU brand string (`summary.hardware.cpuModel`, `cpuPkg.description`), if the input has it.
    pub cpu_model: Option<String>,
    /// `featureCapability` entries (raw, unmasked). Value = capability number.
    pub capabilities: Vec<Entry<u64>>,
    /// `maskedFeatureCapability` entries, if present.
    pub masked_capabilities: Vec<Entry<u64>>,
    /// Cluster EVC masks found with the host (`featMask.evc.*` lines of `/etc/vmware/config`).
    pub evc_masks: Vec<Entry<Mask>>,
    /// `summary.maxEVCModeKey` as the input reports it — a cross-check only, never the answer.
    pub reported_max_evc: Option<String>,
    /// `summary.currentEVCModeKey` as the input reports it.
    pub reported_current_evc: Option<String>,
    /// The input carries the host's `summary` (a `HostListSummary`), so an unset
    /// `currentEVCModeKey` is data: for a host managed by vCenter (MoRef `host-N`) EVC is not
    /// active in its cluster (\[C\] vSphere API, HostListSummary.currentEVCModeKey: "If the host
    /// is in a cluster where EVC is active, this will match the cluster's EVC mode; otherwise
    /// this will be unset").
    pub summary_seen: bool,
    /// Where this host's record starts in the text.
    pub pos: Pos,
    /// True for partial input (e.g. `grep -A 2 MDCLEAR` output): only the listed keys are known,
    /// a missing key does not mean 0.
    pub fragment: bool,
    /// The vSphere managed-object id (`host-14`) when the input has it: VMs name their host by it.
    pub moref: Option<String>,
    /// Keys whose value the input does not record (e.g. a raw CPUID dump without CPUID.(0xD,1)):
    /// unknown, not absent. They are not in `capabilities`.
    pub unrecorded: Vec<String>,
    /// Keys a `vim-cmd hostsvc/hostconfig | grep -i KEY` printed nothing for, on a host of a
    /// release whose lists show only the features a host has (issue 20 item 9): they are in
    /// `capabilities` and `masked_capabilities` with value 0, and this list says that the 0
    /// rests on an empty grep and on that release's listing style.
    pub not_listed: Vec<String>,
}

/// Everything a VM dump told us.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VmInput {
    /// The VM's name as the input gives it; `None` → the caller names it (file name).
    pub name: Option<String>,
    /// The host the VM runs on as the input names it (MoRef id such as `host-14`, or a name).
    pub host: Option<String>,
    /// `runtime.powerState` as written (`poweredOn`, `poweredOff`, `suspended`), when present.
    pub power_state: Option<String>,
    /// `runtime.featureRequirement`.
    pub requirements: Vec<Entry<Requirement>>,
    /// `runtime.offlineFeatureRequirement`.
    pub offline_requirements: Vec<Entry<Requirement>>,
    /// `runtime.featureMask` or `.vmx` `featMask.vm.*` lines (per-VM EVC).
    pub masks: Vec<Entry<Mask>>,
    /// `runtime.minRequiredEVCModeKey` as reported — a cross-check only.
    pub reported_min_evc: Option<String>,
    /// Virtual hardware version (govc `config.version` `vmx-19`, `.vmx` `virtualHW.version`).
    pub vhw: Option<u8>,
    /// Guest OS (`config.guestId`, `.vmx` `guestOS`).
    pub guest_id: Option<String>,
    /// Where this VM's record starts in the text.
    pub pos: Pos,
}

/// A standalone mask file: `/etc/vmware/config` (`featMask.evc.*`) or a `.vmx` (`featMask.vm.*`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MaskInput {
    /// `featMask.evc.*` lines (cluster EVC masks as ESXi stores them).
    pub evc_masks: Vec<Entry<Mask>>,
    /// `featMask.vm.*` lines (per-VM EVC).
    pub vm_masks: Vec<Entry<Mask>>,
    /// `displayName` of a `.vmx`, when present.
    pub name: Option<String>,
    /// `virtualHW.version` of a `.vmx`.
    pub vhw: Option<u8>,
    /// `guestOS` of a `.vmx`.
    pub guest_id: Option<String>,
    /// `featureCompat.evc.completeMasks` as written (`TRUE` → `Some(true)`), when the text has
    /// the line: with `TRUE` the `featMask.evc` lines are the whole mask set; `FALSE` leaves
    /// features they do not name at the host's value (\[C\] API `ApplyEvcModeVM_Task`
    /// `completeMasks`); without the line (a `grep` of some keys) the set is partial.
    pub evc_complete: Option<bool>,
}

/// One EVC mode definition from an export of `ServiceInstance.Capability.SupportedEVCMode`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EvcModeInput {
    /// The mode's `key` (`intel-haswell`).
    pub key: String,
    /// The mode's `label` (vSphere's display name), when present.
    pub label: Option<String>,
    /// The mode's `vendor` (`intel`, `amd`), when present.
    pub vendor: Option<String>,
    /// The mode's `vendorTier`: its rank among the vendor's modes, when present.
    pub vendor_tier: Option<i64>,
    /// The mode's `track` entries, as written.
    pub track: Vec<String>,
    /// The mode's `featureCapability` entries.
    pub feature_capability: Vec<Entry<u64>>,
    /// The mode's `featureMask` entries.
    pub feature_mask: Vec<Entry<Mask>>,
    /// The mode's `featureRequirement` entries.
    pub feature_requirement: Vec<Entry<Requirement>>,
}

/// One thing found in an input text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Document {
    /// A host dump.
    Host(HostInput),
    /// A VM dump.
    Vm(VmInput),
    /// A standalone mask file.
    Masks(MaskInput),
    /// An export of `SupportedEVCMode`: the EVC modes it defines, in its order.
    EvcModes(Vec<EvcModeInput>),
    /// A cluster's `ClusterEVCManager.evcState` (govc `object.collect -json`, PowerCLI `ConvertTo-Json`).
    EvcState(EvcStateInput),
    /// A collector bundle's inventory: clusters, host membership, what could not be read
    /// (`docs/bundle.md`). Its hosts, VMs and EVC modes come as their own documents.
    Fleet(FleetInput),
    /// One RVTools tab (vInfo or vHost): mode-level data only.
    Inventory(Inventory),
    /// A vCenter vMotion / power-on CPU error text.
    VmotionError(VmotionError),
}

/// What a collector bundle says about its vCenter beyond hosts and VMs (`docs/bundle.md`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FleetInput {
    /// `evcalcBundle`: the format version.
    pub version: u32,
    /// The vCenter (`vcenter.fullName`, else its host name).
    pub vcenter: Option<String>,
    /// Which collector wrote it (`collector.name` and version).
    pub collector: Option<String>,
    /// `collectedAt` as written.
    pub collected_at: Option<String>,
    /// Clusters and standalone compute resources, in the bundle's order.
    pub clusters: Vec<ClusterInput>,
    /// Every host's MoRef, name and parent compute resource (MoRef).
    pub hosts: Vec<FleetHostInput>,
    /// Properties the collector could not read, with its reason.
    pub missing: Vec<MissingInput>,
    /// How many EVC modes `supportedEVCMode` lists (0: not collected).
    pub supported_modes: usize,
}

/// One compute resource of a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClusterInput {
    /// The compute resource's MoRef (`domain-c35`).
    pub moref: String,
    /// The compute resource's name.
    pub name: String,
    /// A standalone host's `ComputeResource` rather than a `ClusterComputeResource`.
    pub standalone: bool,
    /// `summary.currentEVCModeKey`: `None` = not read (see the missing records), `Some(None)` =
    /// read and unset (EVC disabled).
    pub current_evc: Option<Option<String>>,
    /// `EvcManager().evcState`, when the collector could read it.
    pub evc_state: Option<EvcStateInput>,
    /// Where its record starts in the bundle.
    pub pos: Pos,
}

/// One host of a bundle, as far as membership goes (its features come as a [`HostInput`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FleetHostInput {
    /// The host's MoRef (`host-14`).
    pub moref: String,
    /// The host's name, when the bundle has it.
    pub name: Option<String>,
    /// MoRef of its compute resource (`parent`).
    pub parent: Option<String>,
    /// `runtime.connectionState`.
    pub connection_state: Option<String>,
}

/// A property a collector could not read: never invented, reported with its reason.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MissingInput {
    /// MoRef of the object (`host-14`, `domain-c35`), or `ServiceInstance`.
    pub object: String,
    /// The property path (`config.featureCapability`, `evcState`).
    pub property: String,
    /// Why: the fault the server returned, or that it left the property unset.
    pub reason: String,
}

/// What a cluster's `evcState` says: its mode and the features its baseline's masks let through
/// (`featureMask` entries with `Val:1`, else `featureCapability` entries with value 1).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EvcStateInput {
    /// `currentEVCModeKey` of the state (`None` when absent or empty).
    pub mode: Option<String>,
    /// Feature keys as written.
    pub exposed: Vec<String>,
    /// `featureMask` or `featureCapability`: which list decided.
    pub from: String,
}

/// The input formats evcalc reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// `vim-cmd hostsvc/hostconfig`, `vim-cmd vmsvc/get.runtime` and fragments of them.
    VmodlText,
    /// `/etc/vmware/config` or `.vmx` `featMask.*` lines.
    MaskLines,
    /// `govc object.save` SOAP XML.
    GovcXml,
    /// govc / govmomi JSON (`host.info -json`, `object.collect -json`, `mo.VirtualMachine`), and the
    /// project's own extracts.
    GovcJson,
    /// PowerCLI `(Get-View ServiceInstance).Capability.SupportedEVCMode | ConvertTo-Json`.
    SupportedEvcModeJson,
    /// Raw CPUID dumps (InstLatX64, `cpuid -r`, libvirt, libcpuid, …).
    CpuidDump,
    /// An evcalc collector bundle (`collectors/`, `docs/bundle.md`): a whole vCenter or one cluster.
    Bundle,
    /// `/proc/cpuinfo`.
    ProcCpuinfo,
    /// An RVTools vInfo or vHost tab as CSV (also each such sheet of an `.xlsx` workbook).
    RvtoolsCsv,
    /// A vCenter / vSphere Client / `vmware.log` CPU error text.
    VmotionError,
    /// vSphere 9 Automation API `evc_mode` JSON (cluster or VM; custom EVC modes).
    Evc9Json,
    /// Legacy `cpuid.N.reg = "----:…"` mask lines (`/etc/vmware/config`, old `.vmx`).
    LegacyCpuidMasks,
}

/// The result of parsing one input text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// The format detected.
    pub format: Format,
    /// What the text holds, in input order.
    pub documents: Vec<Document>,
    /// Non-fatal remarks about the text.
    pub warnings: Vec<Warning>,
}

// RVTools tabs (`parse::rvtools`): mode-level records.

/// Which tab a CSV file or sheet is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum Tab {
    /// `vInfo`: one row per VM.
    VInfo,
    /// `vHost`: one row per host.
    VHost,
}

/// The header flavour: RVTools' normal headers or its `-DBColumnNames` database names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Flavour {
    /// The headers RVTools shows (`VM`, `Max EVC`, `min Required EVC Mode Key`).
    Normal,
    /// The database names RVTools writes with `-DBColumnNames` (`vInfoVMName`, `vHostMaxEVC`).
    DbColumnNames,
}

/// One vHost row.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InventoryHost {
    /// `Host`: the host's name.
    pub name: String,
    /// `Datacenter`; `None`: blank or no such column.
    pub datacenter: Option<String>,
    /// `Cluster`; `None`: blank or no such column.
    pub cluster: Option<String>,
    /// `CPU Model`; `None`: blank or no such column.
    pub cpu_model: Option<String>,
    /// `Current EVC`: the cluster's EVC mode as vCenter reports it for this host (blank: EVC not
    /// active in its cluster).
    pub current_evc: Option<String>,
    /// `Max EVC`: the highest mode the host could join, as vCenter reports it.
    pub max_evc: Option<String>,
    /// `ESX Version`, e.g. `VMware ESXi 8.0.3 build-24859861`.
    pub esx_version: Option<String>,
    /// `Vendor` (the server's maker); `None`: blank or no such column.
    pub server_vendor: Option<String>,
    /// `Model`; `None`: blank or no such column.
    pub server_model: Option<String>,
    /// `BIOS Vendor`; `None`: blank or no such column.
    pub bios_vendor: Option<String>,
    /// `BIOS Version`; `None`: blank or no such column.
    pub bios_version: Option<String>,
    /// `BIOS Date` as written; `None`: blank or no such column.
    pub bios_date: Option<String>,
    /// 1-based line of the row.
    pub line: u32,
}

/// One vInfo row.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InventoryVm {
    /// `VM`: the VM's name.
    pub name: String,
    /// `poweredOn`, `poweredOff`, `suspended`.
    pub power_state: Option<String>,
    /// `Template` is `True` (any case): the row is a template.
    pub template: bool,
    /// `Cluster`; `None`: blank or no such column.
    pub cluster: Option<String>,
    /// `Host`: the host the VM is on; `None`: blank or no such column.
    pub host: Option<String>,
    /// `Datacenter`; `None`: blank or no such column.
    pub datacenter: Option<String>,
    /// `min Required EVC Mode Key` (set for powered-on VMs, vSphere 6.5+; blank when off).
    pub min_required_evc: Option<String>,
    /// `HW version` (`vmx-19` or `19`).
    pub hw_version: Option<String>,
    /// `OS according to the configuration file`; `None`: blank or no such column.
    pub guest_os: Option<String>,
    /// 1-based line of the row.
    pub line: u32,
}

/// What one RVTools tab said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inventory {
    /// Which tab the text is.
    pub tab: Tab,
    /// The header flavour (`DbColumnNames` when any header read is a database name).
    pub flavour: Flavour,
    /// The vHost rows (none for a vInfo tab); rows without a name are skipped.
    pub hosts: Vec<InventoryHost>,
    /// The vInfo rows (none for a vHost tab); rows without a name are skipped.
    pub vms: Vec<InventoryVm>,
    /// Fields the tab lacks that the mode-level answer uses (`Max EVC`, `min Required EVC Mode Key`).
    pub missing: Vec<&'static str>,
}

// vCenter error texts (`parse::vmotion_error`).

/// Which form of the error a finding came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum ErrorForm {
    /// CPUID level and register with host and required bits (KB 1034926).
    CpuidBits,
    /// CPUID level and register only (KB 1003718).
    CpuidRegister,
    /// Feature labels (KB 2109065).
    FeatureLabels,
    /// `vmware.log` feature-compatibility messages.
    VmwareLog,
    /// Untranslated `com.vmware.vim.vmfeature.*` keys (reported by admins, not confirmed).
    VmfeatureKeys,
}

/// One feature the error names or its bits show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorFeature {
    /// The catalogue feature, when the name or bit resolves to one.
    pub feature: Option<crate::catalogue::FeatureId>,
    /// What the text says (a label, a key, `bit 25`).
    pub named: String,
    /// `true`: the VM needs it and the host lacks it; `false`: the VM needs it absent.
    pub must_be_present: bool,
    /// Only a candidate (the error named a register, not the bit).
    pub candidate: bool,
    /// The form of the error it was read from.
    pub form: ErrorForm,
    /// Where the text names it: its name, label or key, the `Required` bits, or (for a
    /// candidate) the `CPUID level` of its register.
    pub pos: Pos,
}

/// A CPUID register an error names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorRegister {
    /// The CPUID level (leaf), e.g. `0x80000001`.
    pub level: u32,
    /// The register: `eax`, `ebx`, `ecx` or `edx`.
    pub register: crate::catalogue::Reg,
    /// `Host bits` as groups of 4 joined by `:`, bit 31 first; `None`: the error shows no bits
    /// (register only).
    pub host_bits: Option<String>,
    /// `Required` bits, written the same way (`CpuIdInfo` characters `x`, `0`, `1`, `R`, `H`,
    /// `T`, `F`, `-`); `None`: no bits.
    pub required_bits: Option<String>,
    /// Where `CPUID level` stands in the text.
    pub pos: Pos,
}

/// What one pasted error text says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VmotionError {
    /// The forms found, each once.
    pub forms: Vec<ErrorForm>,
    /// The features it names, or (when it names none) the candidates of its registers.
    pub features: Vec<ErrorFeature>,
    /// The CPUID registers it names (`CPUID level … register …`).
    pub registers: Vec<ErrorRegister>,
}
