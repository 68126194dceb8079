#!/usr/bin/env python3
"""Generates the feature catalogue from VMware's own data:

  core/data/x86cpuid-fields.open-vm-tools.tsv      VMware's CPUID field table (open-vm-tools x86cpuid.h):
                                                   bit, name (= the cpuid.* key spelling), support class, first vHW
  core/data/cpuid-feature-labels.lamw-vmware-scripts.json   VMware's 152 cpuid.* labels (vSphere 8.0 U1)
  core/data/requirement-roles.tsv                  hand-written: requirement role per key, with evidence

Outputs (checked in; `cargo test -p evcalc --lib` fails when they are stale):

  core/data/features.tsv          one row per key
  core/src/generated_ids.rs       `pub const MDCLEAR: FeatureId = FeatureId(n);` for every key

Keys: every key of VMware's label list, plus the table's 1-bit YES/ANY flags of the leaves EVC deals with
(7, 0xD sub-leaves 0-1, 0x80000001, 0x80000008, 0x80000021) whose first vHW is 20 or later (or FUT) — the
vHW 20-22 fields (BHI_CTRL, RRSBA_CTRL, IPRED_CTRL, DDPD_U, AMX_COMPLEX, AVX_IFMA, LAM, ...) VMware's 8.0 U1 label
list predates; their label is the field name. One older table field joins them: LEAF88_IBPB (AMD's IBPB,
CPUID.80000008h:EBX[12], class ANY, vHW 9), so that AMD's bit has a key of its own and is never read as Intel's
cpuid.IBPB (see TABLE_FIELDS below). cpuid.IBRS and cpuid.IBPB both map to VMware's single IBRSIBPB bit
(Intel enumerates both with CPUID.(7,0):EDX[26]); the vendor keys map to the leaf-0 VENDOR fields. Identity keys
(FAMILY, MODEL, ...) keep no bit location: the CPUID decoder computes them (display family/model).

Run:   python3 scripts/gen-features.py          (rewrites both files)
       python3 scripts/gen-features.py --check  (exit 1 when a checked-in file differs)

features.tsv is not parsed at run time: the unit test catalogue::tests::generated_data_is_fresh renders it into
core/src/generated/catalogue.rs, the compiled-in catalogue. After rewriting features.tsv, regenerate that (and the
EVC modes, whose feature lists follow the catalogue) with
       EVCALC_REGEN=1 cargo test -p evcalc --lib generated_data_is_fresh
(see core/data/README.md).
"""
import json, os, sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
DATA = os.path.join(ROOT, "core", "data")


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


labels = json.loads(read(os.path.join(DATA, "cpuid-feature-labels.lamw-vmware-scripts.json")))["labels"]

# VMware's table: name (lower) -> row
TABLE = {}
for line in read(os.path.join(DATA, "x86cpuid-fields.open-vm-tools.tsv")).splitlines():
    if line.startswith("#") or line.startswith("kind\t") or not line.strip():
        continue
    kind, leaf, sub, reg, bit, size, name, supp, hwv = line.split("\t")
    TABLE[name.lower()] = dict(kind=kind, leaf=int(leaf, 16), sub=int(sub), reg=reg, bit=int(bit), size=int(size),
                               name=name, supp=supp, hwv=hwv)

# Keys whose VMware table field has another name.
FIELD_OF = {"ibrs": "ibrsibpb", "ibpb": "ibrsibpb", "intel": "vendor1", "amd": "vendor1", "via": "vendor1",
            "cyrix": "vendor1"}
IDENTITY = {"family", "model", "stepping", "numlevels", "num_ext_levels"}
VENDOR = {"intel": "Intel", "amd": "AMD", "via": "VIA", "cyrix": "Cyrix"}
MITIGATION = {"ibrs", "ibpb", "stibp", "ssbd", "fcmd", "mdclear", "psfd", "leaf88_prefer_ibrs", "leaf88_ibrs_same_mode",
              "leaf88_ssbd_spec_ctrl", "leaf88_psfd", "automatic_ibrs", "always_serializing_lfence",
              # vHW 20-22 / FUT fields of VMware's table
              "ipred_ctrl", "rrsba_ctrl", "ddpd_u", "bhi_ctrl", "leaf88_ibrs_always", "leaf88_ibrs", "btc_no",
              "tsa_sq_no", "tsa_l1_no", "eraps", "leaf88_ibpb"}
# Patch-era features: appear on a host with a hypervisor patch plus microcode, not with a CPU generation
# ([C] KB 52085/54951/68024; FCMD [I], the L1TF flush command of the same patch series).
PATCH_ERA = {"ibrs", "ibpb", "stibp", "ssbd", "mdclear", "fcmd"}
# Keys VMware's 8.0 U1 label list lacks that the catalogue had before the table was joined (labels ours).
EXTRA_LABELS = {
    "cet_ibt": "Control-flow Enforcement Technology indirect branch tracking",
    "amx_fp16": "Advanced Matrix Extensions support for FP16",
}
# Older table fields (first vHW < 20) that VMware's 8.0 U1 label list lacks and the catalogue still needs.
# leaf88_ibpb: AMD's IBPB, CPUID.80000008h:EBX[12], VMware's field LEAF88_IBPB (class ANY, vHW 9) [C] open-vm-tools
# x86cpuid.h. VMware keeps AMD's 0x80000008 EBX mitigation bits as fields of their own (LEAF88_IBRS, LEAF88_STIBP,
# LEAF88_SSBD_SPEC_CTRL, ...), and its 8.0 U1 label list has no AMD-IBPB key: whether ESXi on AMD reports it as
# cpuid.IBPB is unknown, so the key is the field name (the spelling every other table-only key has) [I]. The
# table's NO-class 0x80000008 EBX bits (LEAF88_STIBP, LEAF88_STIBP_ALWAYS, LEAF88_SSBD_VIRT_SPEC_CTRL,
# LEAF88_SSBD_NOT_NEEDED) are never exposed to a guest [C] and so can neither be required nor block: no key.
TABLE_FIELDS = ["leaf88_ibpb"]
NEW_LEAVES = {(7, None), (0xD, 0), (0xD, 1), (0x80000001, None), (0x80000008, None), (0x80000021, None)}


def new_table_key(row):
    leaf_ok = (row["leaf"], None) in NEW_LEAVES or (row["leaf"], row["sub"]) in NEW_LEAVES
    newer = row["hwv"] == "FUT" or (row["hwv"].isdigit() and int(row["hwv"]) >= 20)
    return (row["kind"] == "FLAG" and row["size"] == 1 and row["supp"] in ("YES", "ANY") and leaf_ok and newer
            and "pasid" not in row["name"].lower())


# Requirement roles (hand-written).
ROLES = {}
for n, line in enumerate(read(os.path.join(DATA, "requirement-roles.tsv")).splitlines(), 1):
    if line.startswith("#") or not line.strip():
        continue
    keys, role, evidence, observed = line.split("\t")
    assert role in ("required", "not-required"), f"requirement-roles.tsv line {n}: role {role}"
    # observed: where the role was seen (read by exposure::roles_unobserved's test, not by the catalogue)
    assert observed == "-" or evidence.startswith("[D]"), f"requirement-roles.tsv line {n}: observed without [D]"
    for k in keys.split():
        assert k not in ROLES, f"requirement-roles.tsv line {n}: {k} listed twice"
        ROLES[k] = (role, evidence)
UNPROVEN = ("unproven", "no real requirement list shows it either way; not decided by analogy")

names = [k.split(".", 1)[1] for k in labels] + list(EXTRA_LABELS)
names += sorted((n for n, r in TABLE.items() if new_table_key(r) and n not in names),
                key=lambda n: (TABLE[n]["leaf"], TABLE[n]["sub"], TABLE[n]["reg"], TABLE[n]["bit"]))
names += [n for n in TABLE_FIELDS if n not in names]
unknown_roles = set(ROLES) - set(names)
assert not unknown_roles, f"requirement-roles.tsv names keys the catalogue lacks: {sorted(unknown_roles)}"

rows = []
for name in names:
    key = "cpuid." + (VENDOR.get(name) or name.upper())
    label = labels.get("cpuid." + name) or EXTRA_LABELS.get(name) or TABLE[name]["name"]
    label_source = "vmware" if "cpuid." + name in labels else ("evcalc[I]" if name in EXTRA_LABELS else "vmware-table")
    field = TABLE.get(FIELD_OF.get(name, name))
    if field is None:
        cls, hwv, loc, field_name = "unlisted", "-", "-", "-"
    else:
        cls = field["supp"].lower()
        hwv = field["hwv"] if field["hwv"] != "0" else "-"
        hwv = "fut" if hwv == "FUT" else hwv
        field_name = field["name"] + ("/VENDOR2/VENDOR3" if name in VENDOR else "")
        if name in IDENTITY or name in VENDOR:
            loc = "-"
        else:
            assert field["size"] == 1, f"{name}: {field['size']}-bit field"
            loc = f"{field['leaf']:#x}.{field['sub']}.{field['reg']}.{field['bit']}"
    if name in IDENTITY:
        kind = "identity"
    elif name in VENDOR:
        kind = "vendor"
    elif name in MITIGATION:
        kind = "mitigation"
    elif name in ("vmx", "svm") or name.startswith("svm_"):
        kind = "virtualization"
    else:
        kind = "feature"
    role, evidence = ROLES.get(name, UNPROVEN)
    patch = "yes" if name in PATCH_ERA else "no"
    rows.append((key, label, loc, kind, cls, hwv, field_name, role, evidence, patch, label_source))

assert len(rows) <= 256, f"{len(rows)} keys do not fit FeatureSet (raise WORDS in catalogue.rs)"
assert len({r[0].lower() for r in rows}) == len(rows), "duplicate key"

tsv = ["# evcalc feature catalogue. DO NOT EDIT: generated by scripts/gen-features.py from",
       "# x86cpuid-fields.open-vm-tools.tsv (VMware's CPUID table), cpuid-feature-labels.lamw-vmware-scripts.json",
       "# (VMware's labels) and requirement-roles.tsv (roles calibrated on real VM requirement lists).",
       "# class: VMware's monitor support class (yes/any/no/na, unlisted = not in the table); first_vhw: the table's",
       "# first virtual hardware version (- = none, fut = future); vmware_field: the table field the key maps to.",
       "# key\tlabel\tcpuid(leaf.subleaf.reg.bit)\tkind\tclass\tfirst_vhw\tvmware_field\trole\trole_evidence\tpatch_era\tlabel_source"]
tsv += ["\t".join(r) for r in rows]
tsv = "\n".join(tsv) + "\n"


def const_name(key):
    n = key.split(".", 1)[1].upper()
    return "_" + n if n[0].isdigit() else n


rs = ["// DO NOT EDIT: generated by scripts/gen-features.py from core/data/features.tsv.",
      "//! Typed ids of every catalogue key: `fid::MDCLEAR` instead of `cat.id(\"cpuid.MDCLEAR\")`.",
      "//! Keys that start with a digit get a leading underscore (`fid::_3DNOW`).",
      "",
      "use crate::catalogue::FeatureId;",
      "",
      "/// Number of catalogue keys.",
      f"pub const COUNT: usize = {len(rows)};",
      "",
      "/// One constant per `cpuid.*` key, in catalogue order.",
      "pub mod fid {",
      "    use super::FeatureId;"]
for i, r in enumerate(rows):
    rs.append(f"    /// `{r[0]}` — {r[1]}")
    rs.append(f"    pub const {const_name(r[0])}: FeatureId = FeatureId({i});")
rs.append("}")
rs = "\n".join(rs) + "\n"

outputs = [(os.path.join(DATA, "features.tsv"), tsv), (os.path.join(ROOT, "core", "src", "generated_ids.rs"), rs)]
if "--check" in sys.argv:
    stale = [p for p, text in outputs if not os.path.exists(p) or read(p) != text]
    for p in stale:
        print(f"stale: {os.path.relpath(p, ROOT)} (run python3 scripts/gen-features.py)", file=sys.stderr)
    sys.exit(1 if stale else 0)
for p, text in outputs:
    with open(p, "w", encoding="utf-8") as f:
        f.write(text)
print(f"{len(rows)} keys written; now run: EVCALC_REGEN=1 cargo test -p evcalc --lib generated_data_is_fresh",
      file=sys.stderr)
