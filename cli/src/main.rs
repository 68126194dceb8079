//! `evcalc`: can a VM vMotion from ESXi host A to host B under EVC — from text dumps, without
//! vCenter. See `evcalc --help`.

mod commands;
mod inputs;
mod local;
mod nagios;
mod table;

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ABOUT: &str = "Can a VM vMotion from ESXi host A to host B under EVC? Which CPU feature blocks it, why, \
and what fixes it — from text dumps, without vCenter.";

const LONG_ABOUT: &str = "\
Can a VM vMotion from ESXi host A to host B under EVC? Which CPU feature blocks it, why, and what \
fixes it — computed from text dumps, without vCenter.

A VM keeps the CPU features it saw when it was powered on (its featureRequirement list, limited by \
its virtual hardware version and per-VM EVC). vMotion needs every one of them on the destination: \
its EVC-effective capabilities (maskedFeatureCapability) in an EVC cluster, its raw \
featureCapability without EVC. Patch-era features such as cpuid.MDCLEAR are hidden until vCenter \
considers every host updated; each host's masks decide, and they can differ: a VM powered on where \
the masks expose MDCLEAR cannot move to a host that does not offer it (microcode not active, or \
stale masks — evcalc tells which from the raw and masked values).

Inputs (one or more per file; a directory means every file in it):
  vim-cmd hostsvc/hostconfig > esxi01.txt         host: featureCapability, maskedFeatureCapability
  vim-cmd hostsvc/hostsummary > esxi01-sum.txt    host: maxEVCModeKey, currentEVCModeKey (cross-check)
  vim-cmd vmsvc/get.runtime VMID > app01.txt      VM: featureRequirement (running VMs)
  vim-cmd hostsvc/hostconfig | grep -i -A 2 mdclear   a fragment: raw then masked block; only these keys are known
  govc object.save (XML), govc/govmomi JSON, .vmx featMask.vm.* lines, /etc/vmware/config
  RVTools vInfo/vHost (CSV or .xlsx)              mode level only: see `evcalc inventory`
  a vCenter vMotion CPU error text                see `evcalc explain`";

const AFTER_HELP: &str = "\
Examples:
  evcalc cluster dumps/                              matrix of who can vMotion where
  evcalc maintenance dumps/ --host esxi01            can esxi01 be evacuated? what fixes it?
  evcalc check dumps/ --from esxi01 --to esxi02      one move, feature by feature
  evcalc host esxi01.txt                             highest EVC mode, mitigations
  evcalc modes intel-haswell                         a mode's baseline with evidence
  evcalc plan dumps/ --add new-host.txt              can a new host join? what changes?
  evcalc inventory RVTools_export.xlsx               mode level: drift, common mode, VM pre-screen
  evcalc explain error.txt dumps/                    a vCenter error: its features, mechanism, fix

Exit status: 0 = compatible / evacuable / done, 1 = not compatible / not evacuable (blocked),
2 = bad input or usage, 3 = no blocker found but not everything could be checked (fragments,
unknown features). --exit-codes nagios maps them for monitoring: 0 OK, 2 CRITICAL = blocked,
3 UNKNOWN = not everything checked or bad input, and prints a Nagios/Icinga status line with
performance data first (\"EVC CRITICAL - … | blocked=3 …\"; not with --json). Every command
accepts --json (schema: docs/json.md); with --json every error, usage errors included, is
{\"errors\": [...]} on stdout.";

#[derive(Parser, Debug)]
#[command(
    name = "evcalc",
    version,
    about = ABOUT,
    long_about = LONG_ABOUT,
    after_help = AFTER_HELP,
    arg_required_else_help = true,
    max_term_width = 100,
    disable_help_subcommand = true
)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Debug)]
struct Global {
    /// Print the report as JSON on stdout (schema: docs/json.md).
    #[arg(long, global = true, help_heading = "Global options")]
    json: bool,
    /// Use a SupportedEVCMode export instead of the built-in EVC modes.
    ///
    /// Export it once from any vCenter with PowerCLI:
    /// (Get-View ServiceInstance).Capability.SupportedEVCMode | ConvertTo-Json -Depth 5 > modes.json
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        help_heading = "Global options"
    )]
    modes: Option<PathBuf>,
    /// Colour in human output.
    #[arg(
        long,
        global = true,
        value_enum,
        value_name = "WHEN",
        default_value_t = ColorWhen::Auto,
        help_heading = "Global options"
    )]
    color: ColorWhen,
    /// Exit status convention: `grep` (0 compatible, 1 blocked, 2 bad input/usage, 3 not
    /// everything checked) or `nagios` (0 OK, 2 CRITICAL = blocked, 3 UNKNOWN = not everything
    /// checked or bad input/usage; the first line of stdout is then the plugin's status line with
    /// performance data, the report follows as long output; with --json stdout stays JSON).
    #[arg(
        long = "exit-codes",
        global = true,
        value_enum,
        value_name = "STYLE",
        default_value_t = ExitCodes::Grep,
        help_heading = "Global options"
    )]
    exit_codes: ExitCodes,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum ExitCodes {
    /// 0 compatible, 1 blocked, 2 bad input or usage, 3 no blocker found but not everything checked.
    Grep,
    /// Nagios/Icinga plugin codes: 0 OK, 2 CRITICAL (blocked), 3 UNKNOWN (unchecked or bad input).
    Nagios,
}

impl ExitCodes {
    /// Maps a grep-style code (what commands return) to this convention.
    fn map(self, code: u8) -> u8 {
        match self {
            ExitCodes::Grep => code,
            ExitCodes::Nagios => match code {
                0 => 0,
                1 => 2,
                _ => 3,
            },
        }
    }
}

/// `--exit-codes nagios` among raw arguments (for errors found before clap has parsed them).
fn nagios_in_args(args: &[std::ffi::OsString]) -> bool {
    let args: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    args.iter().enumerate().any(|(i, a)| {
        a == "--exit-codes=nagios"
            || (a == "--exit-codes" && args.get(i + 1).is_some_and(|v| v == "nagios"))
    })
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum ColorWhen {
    /// Colour when stdout is a terminal and NO_COLOR is not set.
    Auto,
    /// Always colour (e.g. for `less -R`).
    Always,
    /// Plain text.
    Never,
}

/// EVC options shared by `check`, `cluster` and `maintenance`.
#[derive(Args, Debug, Clone, Default)]
pub struct EvcArgs {
    /// Cluster EVC mode (e.g. intel-haswell), or `none` for EVC disabled. Default: the mode the
    /// hosts report (currentEVCModeKey), else the highest mode all loaded hosts support.
    #[arg(long, value_name = "MODE")]
    pub evc: Option<String>,
    /// Per-VM EVC mode of the VM (vSphere 6.7+, e.g. intel-westmere); `none` = not set.
    #[arg(long = "vm-evc", value_name = "MODE")]
    pub vm_evc: Option<String>,
    /// Virtual hardware version of "any VM" (e.g. 19 or vmx-19). Default: answer per band of
    /// versions where the answer differs ("vmx-11 and later: blocked by AVX2 …").
    #[arg(long = "vm-hw", value_name = "N")]
    pub vm_hw: Option<String>,
    /// Patch-era features every host's EVC masks expose (IBRS, IBPB, STIBP, SSBD, MDCLEAR, FCMD),
    /// comma-separated, or `none`: evidence for when the dumps lack masked lists / featMask lines.
    #[arg(long = "evc-exposes", value_name = "KEYS")]
    pub evc_exposes: Option<String>,
    /// Limit the question (and the exit code) to these features, e.g. `--only MDCLEAR`: "did the
    /// fix work?" on grep fragments.
    #[arg(long, value_name = "KEYS", value_delimiter = ',')]
    pub only: Vec<String>,
    /// With a collector bundle (collectors/): the cluster to answer for, by name or MoRef.
    /// Default: the bundle's only cluster, or the cluster of --host/--from; `cluster` without it
    /// summarises every cluster.
    #[arg(long, value_name = "NAME")]
    pub cluster: Option<String>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Per host: CPU, ESXi, highest EVC mode, what blocks the next mode, mitigations.
    #[command(
        long_about = "Per host: vendor, CPU, ESXi version, the highest EVC mode the host can join \
(computed from its featureCapability), every mode it supports, the features it lacks for the next \
mode, its side-channel mitigations and keys evcalc does not know. When the dump carries \
maxEVCModeKey, evcalc says whether it agrees.",
        after_help = "Examples:\n  evcalc host esxi01.txt esxi02.txt\n  evcalc host dumps/ --json\n  evcalc host --local"
    )]
    Host(HostArgs),
    /// Per VM: its CPU requirements and the lowest EVC mode that admits it.
    #[command(
        long_about = "Per VM: the requirements it carries (key, label, value), the lowest EVC mode that \
admits it (computed), a cross-check with minRequiredEVCModeKey when the dump has it, and for \
per-VM EVC masks (.vmx featMask.vm.*) the mode they correspond to.",
        after_help = "Examples:\n  vim-cmd vmsvc/getallvms                     (find the VM id)\n  \
vim-cmd vmsvc/get.runtime 12 > app01.txt\n  evcalc vm app01.txt"
    )]
    Vm(VmArgs),
    /// List the EVC modes, or show one mode's feature baseline with evidence.
    #[command(
        long_about = "Without MODE: every EVC mode (key, vendor, number of required features, label). \
With MODE: the mode's full baseline — the features a host must have to join, the features passed \
through where the host has them (mitigations such as cpuid.MDCLEAR), pinned identity values — each \
with its evidence: [C] confirmed by a cited source, [D] seen in real data, [I] inferred, \
[R] recalled, [export] from a SupportedEVCMode export (--modes).",
        after_help = "Examples:\n  evcalc modes\n  evcalc modes intel-haswell\n  evcalc modes --modes supported-evc-modes.json"
    )]
    Modes(ModesArgs),
    /// Can a VM powered on on host A vMotion to host B? Which requirement is unmet?
    #[command(
        long_about = "Can a VM vMotion to the --to host? The VM is either \"any VM powered on on the \
--from host\" (its requirements are computed from that host's features under the EVC mode) or a \
real VM given with --vm (requirements read from its runtime dump). Prints each unmet requirement \
(key, label, required value, the destination's value) and whether the destination can be \
admitted to the EVC mode at all.

--from, --to and --vm take a file (holding one host / the VM) or a name among the loaded inputs: \
host names match case-insensitively, also by short name (esxi01 for esxi01.lab.local) or file \
name (esxi01 for esxi01.txt). Load a cluster with FILE... and pick hosts by name.

Exit status: 0 = compatible, 1 = not compatible, 2 = bad input.",
        after_help = "Examples:\n  evcalc check --from esxi01.txt --to esxi02.txt --evc intel-haswell\n  \
evcalc check dumps/ --from esxi01 --to esxi02\n  evcalc check dumps/ --vm app01.txt --to esxi03\n  \
evcalc check dumps/ --from esxi01 --to esxi02 --vm-evc intel-westmere"
    )]
    Check(CheckArgs),
    /// Whole cluster: EVC mode, drift between hosts, N×N vMotion matrix, blockers.
    #[command(
        long_about = "The whole cluster: a host table, the EVC mode used and why (given with --evc, \
reported by the hosts, or the highest mode every host supports), the highest common mode, the \
features on which hosts disagree (drift), and the N×N matrix \"can a VM powered on on ROW move to \
COLUMN?\", followed by the blocking features of each blocked move in plain words.

Exit status: 0 = every move possible, 1 = at least one move blocked, 2 = bad input.",
        after_help = "Examples:\n  evcalc cluster esxi01.txt esxi02.txt esxi03.txt esxi04.txt\n  \
evcalc cluster dumps/ --evc intel-haswell\n  evcalc cluster dumps/ --vm-evc intel-westmere"
    )]
    Cluster(ClusterArgs),
    /// Can a host enter maintenance mode? Per VM destinations and ranked remedies.
    #[command(
        long_about = "Can --host be evacuated (enter maintenance mode with DRS moving its VMs)? For each \
VM: the hosts it can move to, or the blocking features per destination; then the remedies, least \
disruptive first, with why, disruption, how to verify, reference KB and evidence.

Without --vm the plan is for \"any VM powered on on HOST\" (requirements computed from the host's \
features under the EVC mode) — the worst case for VMs started there. With --vm, the given VMs' \
real requirements are used (runtime dumps, files or names; repeatable).

Exit status: 0 = evacuable, 1 = not evacuable, 2 = bad input.",
        after_help = "Examples:\n  evcalc maintenance dumps/ --host esxi01\n  \
evcalc maintenance dumps/ --host esxi01 --evc intel-haswell\n  \
evcalc maintenance dumps/ --host esxi01 --vm app01.txt --vm db01.txt"
    )]
    Maintenance(MaintenanceArgs),
    /// What-if: add a host, remove one, or change the cluster's EVC mode.
    #[command(
        long_about = "Planning questions over a cluster (FILE... are its hosts, plus running VMs' \
runtime dumps if you have them; without VM dumps every host stands for \"any VM powered on on it\"):

  --add FILE      can this host join the current EVC mode? what is the new highest common mode?
                  which running VMs could not move to it? (any input: hostconfig dump, govc, a raw
                  CPUID dump, /proc/cpuinfo; --set KEY=VALUE adjusts it, e.g. --set cpuid.MDCLEAR=1)
  --remove HOST   the new highest common mode, the features it would add
  --to-evc MODE   raise or lower the cluster's EVC mode: hosts that cannot join, running VMs that
                  block lowering (they use features the lower mode hides), VMs that need a power
                  cycle to see raised features
  --into FILE...  another cluster: can the VMs of FILE... move live into it (its EVC mode:
                  --to-evc)? Per VM, or per host and vHW band: the new hosts that accept it, the
                  blocking features, and the ways through (cold migration, per-VM EVC, lowering
                  the old cluster's mode) with their costs

Exit status: 0 = every answer is positive, 1 = an added host cannot join, the mode change is \
refused or a VM cannot move --into the other cluster, 2 = bad input or usage, 3 = (--into) nothing \
blocked but not every move proven.",
        after_help = "Examples:\n  evcalc plan dumps/ --add new-host.txt\n  \
evcalc plan dumps/ --add quote-cpu.cpuid.txt --set cpuid.MDCLEAR=1\n  \
evcalc plan dumps/ --remove esxi04\n  evcalc plan dumps/ --evc intel-haswell --to-evc intel-broadwell\n  \
evcalc plan old/ --evc intel-sandybridge --into new/ --to-evc intel-westmere"
    )]
    Plan(PlanArgs),
    /// RVTools at mode level: hosts per cluster, Max EVC drift, highest common mode, VM pre-screen.
    #[command(
        long_about = "What an RVTools export can decide, at mode level (EVC modes, not CPU features): per \
cluster the hosts grouped by (server vendor, Max EVC, ESX build, BIOS), Max EVC drift, the cluster's EVC state \
from the hosts' Current EVC, the highest common mode (computed from the hosts' Max EVC and the mode \
catalogue's order), VMs whose min Required EVC Mode Key exceeds their cluster's mode or other hosts' Max EVC, \
and which hosts to collect `vim-cmd hostsvc/hostconfig` from next. --into CLUSTER or --to-evc MODE \
pre-screens moves by VM name.

Inputs: the vInfo and vHost tabs as CSV (one file per tab) or the .xlsx workbook, with RVTools' normal \
headers or its -DBColumnNames names (sheets tabvInfo/tabvHost). `evcalc cluster` answers this way too when \
only RVTools files are given.

Exit status: 1 = a VM is blocked at mode level (its minimum mode is above the target's EVC mode, or the \
vendor differs), 3 = no mode-level blocker (never 0: patch-era features such as MDCLEAR are invisible at mode \
level), 2 = bad input.",
        after_help = "Examples:\n  evcalc inventory RVTools_export.xlsx\n  \
evcalc inventory RVTools_tabvInfo.csv RVTools_tabvHost.csv --cluster Prod\n  \
evcalc inventory export.xlsx --cluster Old --into New\n  evcalc inventory export.xlsx --to-evc intel-haswell"
    )]
    Inventory(InventoryArgs),
    /// Explain a vCenter vMotion CPU error: the features in plain words; with dumps, the fix.
    #[command(
        long_about = "Reads the error text vCenter, the vSphere Client or vmware.log shows when a vMotion or \
power-on is refused for CPU features (\"Host CPU is incompatible with the virtual machine's requirements at \
CPUID level 0x1 register 'ecx'. Host bits: … Required: …\", \"The virtual machine requires hardware features \
that are unsupported or disabled on the target host: …\", \"Feature 'cpuid.ds' was absent, but must be \
present.\", untranslated com.vmware.vim.vmfeature.* keys) and names the blocking features in plain words.

Alone, the error is vCenter's verdict for that move (exit 1) and the answer says what to collect next. With \
host dumps among the FILEs, the check is restricted to the error's features (like --only): the cluster answer, \
or one move with --from/--to, gives the mechanism and the remedy; exit 1 when the dumps reproduce the block, 3 \
when they do not.",
        after_help = "Examples:\n  evcalc explain error.txt\n  evcalc explain error.txt dumps/\n  \
evcalc explain error.txt dumps/ --from esxi01 --to esxi02"
    )]
    Explain(ExplainArgs),
}

#[derive(Args, Debug)]
pub struct InventoryArgs {
    /// RVTools vInfo/vHost tabs (CSV) or workbooks (.xlsx); directories.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// Only this cluster (with --into/--to-evc: the VMs to move come from it).
    #[arg(long, value_name = "NAME")]
    pub cluster: Option<String>,
    /// Pre-screen moves into this cluster of the inventory (its EVC state from its hosts).
    #[arg(long, value_name = "CLUSTER", conflicts_with = "to_evc")]
    pub into: Option<String>,
    /// Pre-screen the VMs against this EVC mode.
    #[arg(long = "to-evc", value_name = "MODE")]
    pub to_evc: Option<String>,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// The error text, and optionally host and VM dumps (files or directories).
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// With dumps: the move's source host.
    #[arg(long, value_name = "HOST", requires = "to")]
    pub from: Option<String>,
    /// With dumps: the move's destination host.
    #[arg(long, value_name = "HOST", requires = "from")]
    pub to: Option<String>,
    /// The cluster's EVC mode, or `none` (as for `cluster`).
    #[arg(long, value_name = "MODE")]
    pub evc: Option<String>,
}

#[derive(Args, Debug)]
pub struct PlanArgs {
    /// The cluster: host dumps and optionally VM runtime dumps (files or directories).
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// The cluster's current EVC mode, or `none`. Default: as for `cluster`.
    #[arg(long, value_name = "MODE")]
    pub evc: Option<String>,
    /// A host to add (any host or CPU input); repeatable.
    #[arg(long, value_name = "FILE")]
    pub add: Vec<String>,
    /// Adjust the added hosts' features, e.g. cpuid.MDCLEAR=1 (repeatable).
    #[arg(long, value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// A host to take out of the cluster; repeatable.
    #[arg(long, value_name = "HOST")]
    pub remove: Vec<String>,
    /// Change the cluster's EVC mode to MODE (or `none`). With --into: the new cluster's EVC
    /// mode (default: as for `cluster`, over the new cluster's hosts).
    #[arg(long = "to-evc", value_name = "MODE")]
    pub to_evc: Option<String>,
    /// Another cluster (host dumps, files or directories, or a cluster of the bundle given as
    /// FILE): can the VMs of FILE... move live into it? Cross-cluster or cross-vCenter vMotion.
    #[arg(long, value_name = "FILE|CLUSTER", num_args = 1..)]
    pub into: Vec<PathBuf>,
    /// With --into: the virtual hardware version of "any VM powered on on X" (default: one
    /// answer per band of versions whose answer differs).
    #[arg(long = "vm-hw", value_name = "N", value_parser = clap::value_parser!(u8).range(4..=30))]
    pub vm_hw: Option<u8>,
    /// Patch-era features (IBRS, IBPB, STIBP, SSBD, MDCLEAR, FCMD) every host's EVC masks expose,
    /// or `none`: evidence for hosts whose dumps do not show their masks (raw CPUID dumps).
    #[arg(long = "evc-exposes", value_name = "KEY[,KEY…]|none")]
    pub evc_exposes: Option<String>,
    /// With a collector bundle (collectors/): the cluster whose VMs and hosts are planned, by name
    /// or MoRef; `--into` may then name another cluster of the same bundle.
    #[arg(long, value_name = "NAME")]
    pub cluster: Option<String>,
}

#[derive(Args, Debug)]
pub struct HostArgs {
    /// Host dumps (files or directories).
    #[arg(value_name = "FILE", required_unless_present = "local")]
    pub files: Vec<PathBuf>,
    /// Also report the CPU of the machine evcalc runs on (read with CPUID: an approximation
    /// of what ESXi would report).
    #[arg(long)]
    pub local: bool,
    /// Adjust every host's features before the report, e.g. --set cpuid.MDCLEAR=1 (repeatable;
    /// useful for CPUID-derived hosts whose microcode or BIOS differs).
    #[arg(long, value_name = "KEY=VALUE")]
    pub set: Vec<String>,
}

#[derive(Args, Debug)]
pub struct VmArgs {
    /// VM dumps (files or directories): get.runtime output, govc VM objects, .vmx files.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ModesArgs {
    /// A mode key, e.g. intel-haswell (case-insensitive).
    #[arg(value_name = "MODE")]
    pub mode: Option<String>,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Inputs to load (files or directories) so that --from/--to/--vm can name hosts and VMs.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Source host: a file with one host, or a host name among the loaded inputs.
    #[arg(long, value_name = "FILE|HOST", required_unless_present = "vm")]
    pub from: Option<String>,
    /// Destination host: a file with one host, or a host name among the loaded inputs.
    #[arg(long, value_name = "FILE|HOST")]
    pub to: String,
    /// A real VM (runtime dump file or VM name): use its requirements instead of --from's.
    #[arg(long, value_name = "VMFILE|VM")]
    pub vm: Option<String>,
    #[command(flatten)]
    pub evc: EvcArgs,
    /// The destination's EVC mode when it is in another cluster (cross-cluster vMotion; `none`
    /// = EVC disabled there). The VM is powered on under --evc, checked under --to-evc.
    /// Default: --evc.
    #[arg(long = "to-evc", value_name = "MODE")]
    pub to_evc: Option<String>,
}

#[derive(Args, Debug)]
pub struct ClusterArgs {
    /// Host dumps of the cluster (files or directories).
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// The vMotion matrix over host classes (default), or every host × every host.
    #[arg(long, value_enum, default_value_t = MatrixView::Classes)]
    pub matrix: MatrixView,
    #[command(flatten)]
    pub evc: EvcArgs,
}

/// How `evcalc cluster` prints the matrix.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatrixView {
    /// One row and column per class of identical hosts.
    Classes,
    /// One row and column per host.
    Hosts,
}

#[derive(Args, Debug)]
pub struct MaintenanceArgs {
    /// Host dumps of the cluster (files or directories).
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The host to evacuate (name, short name or file name).
    #[arg(long, value_name = "HOST")]
    pub host: String,
    /// VMs running on HOST (runtime dumps, or VM names among the inputs); repeatable.
    #[arg(long = "vm", value_name = "VMFILE", num_args = 1..)]
    pub vms: Vec<String>,
    #[command(flatten)]
    pub evc: EvcArgs,
}

/// Options every command sees.
pub struct Ctx {
    pub json: bool,
    pub modes: Option<PathBuf>,
    pub style: table::Style,
}

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with status 0; usage errors to stderr with 2.
            let _ = e.print();
            if !e.use_stderr() {
                return ExitCode::from(0);
            }
            // `--json` promises JSON on stdout for every error, usage errors included.
            if args.iter().skip(1).any(|a| a == "--json") {
                let message = clap_message(&e);
                let text = serde_json::to_string_pretty(&evcalc::app::ErrorAnswer::new(
                    None,
                    vec![evcalc::app::ErrorItem::usage(message)],
                ))
                .unwrap_or_default();
                let _ = write_stdout(&format!("{text}\n"));
            } else if nagios_in_args(&args) {
                // The plugin's status line: `EVC UNKNOWN - <the usage error>`.
                let _ = write_stdout(&nagios::failure(&clap_message(&e), &[]));
            }
            return ExitCode::from(if nagios_in_args(&args) { 3 } else { 2 });
        }
    };
    let exit_codes = cli.global.exit_codes;
    // `--exit-codes nagios` without `--json`: a status line first, the report as long output
    // (plain text: monitoring shows no colours). With `--json` stdout stays the JSON answer.
    let nagios = exit_codes == ExitCodes::Nagios && !cli.global.json;
    let color = match cli.global.color {
        _ if nagios => false,
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let stderr_color = match cli.global.color {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            std::io::stderr().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let ctx = Ctx {
        json: cli.global.json,
        modes: cli.global.modes.clone(),
        style: table::Style { color },
    };
    let result = run(&cli.command, &ctx);
    let err_style = table::Style {
        color: stderr_color,
    };
    match result {
        Ok(out) => {
            // A fleet's warnings would bury the answer: the first MAX_WARNINGS, then a count
            // (`--json` has every one).
            let grouped = out.warning_lines();
            for w in grouped.iter().take(MAX_WARNINGS) {
                eprint_line(&format!(
                    "{} {w}",
                    err_style.paint(table::Paint::Warn, "warning:")
                ));
            }
            if grouped.len() > MAX_WARNINGS {
                eprint_line(&format!(
                    "{} … and {} more warnings (--json lists every one)",
                    err_style.paint(table::Paint::Warn, "warning:"),
                    grouped.len() - MAX_WARNINGS
                ));
            }
            let code = exit_codes.map(out.code);
            let stdout = if nagios {
                let status = nagios_status(&cli.command, &ctx, &args, out.code, code);
                format!("{status}\n{}", nagios::long_output(&out.stdout))
            } else {
                out.stdout
            };
            if write_stdout(&stdout).is_err() {
                return ExitCode::from(exit_codes.map(2));
            }
            ExitCode::from(code)
        }
        Err(fail) => {
            commands::report_failure(&fail, &ctx, &err_style, Some(question_of(&cli.command)));
            if nagios {
                let all: Vec<String> = match &fail {
                    inputs::Fail::Usage(msg) => vec![msg.clone()],
                    inputs::Fail::Input(errors) => errors
                        .iter()
                        .map(|e| format!("{}:{}:{}: {}", e.source, e.line, e.col, e.message))
                        .collect(),
                };
                let first = match (&fail, all.len()) {
                    (inputs::Fail::Input(_), n) if n > 1 => {
                        format!("{} (and {} more input errors)", all[0], n - 1)
                    }
                    _ => all.first().cloned().unwrap_or_default(),
                };
                let _ = write_stdout(&nagios::failure(&first, &all));
            }
            ExitCode::from(exit_codes.map(2))
        }
    }
}

/// The contract's name of the question a command asks.
fn question_of(command: &Command) -> evcalc::app::Question {
    use evcalc::app::Question;
    match command {
        Command::Host(_) => Question::Host,
        Command::Vm(_) => Question::Vm,
        Command::Modes(_) => Question::Modes,
        Command::Check(_) => Question::Check,
        Command::Cluster(_) => Question::Cluster,
        Command::Maintenance(_) => Question::Maintenance,
        Command::Plan(_) => Question::Plan,
        Command::Inventory(_) => Question::Inventory,
        Command::Explain(_) => Question::VmotionError,
    }
}

/// Runs a command.
fn run(command: &Command, ctx: &Ctx) -> Result<commands::Output, inputs::Fail> {
    match command {
        Command::Host(a) => commands::host::run(a, ctx),
        Command::Vm(a) => commands::vm::run(a, ctx),
        Command::Modes(a) => commands::modes::run(a, ctx),
        Command::Check(a) => commands::check::run(a, ctx),
        Command::Cluster(a) => commands::cluster::run(a, ctx),
        Command::Maintenance(a) => commands::maintenance::run(a, ctx),
        Command::Plan(a) => commands::plan::run(a, ctx),
        Command::Inventory(a) => commands::inventory::run(a, ctx),
        Command::Explain(a) => commands::explain::run(a, ctx),
    }
}

/// The Nagios status line of a command that ran (`grep_code` its own exit code, `code` the
/// Nagios one). The finding comes from the command's typed answer: the command is asked again
/// for its `--json` answer (the commands return rendered text only). Inputs that can be read
/// only once (standard input `-`, a FIFO or pipe) are not read again: the line then names the
/// state only.
fn nagios_status(
    command: &Command,
    ctx: &Ctx,
    args: &[std::ffi::OsString],
    grep_code: u8,
    code: u8,
) -> String {
    let question = match command {
        Command::Host(_) => "host",
        Command::Vm(_) => "vm",
        Command::Modes(_) => "modes",
        Command::Check(_) => "check",
        Command::Cluster(_) => "cluster",
        Command::Maintenance(_) => "maintenance",
        Command::Plan(_) => "plan",
        Command::Inventory(_) => "inventory",
        Command::Explain(_) => "explain",
    };

    if args.iter().skip(1).any(|a| read_once(a)) {
        return nagios::generic(question, code);
    }
    let json_ctx = Ctx {
        json: true,
        modes: ctx.modes.clone(),
        style: table::Style { color: false },
    };
    match run(command, &json_ctx) {
        // The same answer (a file that changed in between would give another code).
        Ok(out) if out.code == grep_code => nagios::status(question, &out.stdout, code)
            .unwrap_or_else(|| nagios::generic(question, code)),
        _ => nagios::generic(question, code),
    }
}

/// An argument naming an input that cannot be read twice: `-` (standard input), or a path that
/// is neither a regular file nor a directory (FIFO, pipe, `<(…)`, a device).
fn read_once(arg: &std::ffi::OsStr) -> bool {
    if arg == "-" {
        return true;
    }
    let path = std::path::Path::new(arg);
    if arg.to_string_lossy().starts_with('-') || !path.exists() {
        return false;
    }
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// A clap error's first line without `error: `.
fn clap_message(e: &clap::Error) -> String {
    e.to_string()
        .lines()
        .next()
        .unwrap_or_default()
        .trim_start_matches("error: ")
        .to_string()
}

/// Warnings printed to stderr before the rest is counted.
const MAX_WARNINGS: usize = 25;

/// Writes to stdout; a closed pipe (`evcalc … | head`) is not an error.
fn write_stdout(text: &str) -> Result<(), ()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => {
            eprint_line(&format!("evcalc: cannot write output: {e}"));
            Err(())
        }
    }
}

/// Writes one line to stderr, ignoring errors (never panics like `eprintln!` can).
pub fn eprint_line(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{text}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn nagios_codes() {
        assert_eq!([0, 1, 2, 3].map(|c| ExitCodes::Nagios.map(c)), [0, 2, 3, 3]);
        assert_eq!([0, 1, 2, 3].map(|c| ExitCodes::Grep.map(c)), [0, 1, 2, 3]);
    }
}
