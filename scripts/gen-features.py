#!/usr/bin/env python3
"""Generates core/data/features.tsv, the feature catalogue, from
core/data/cpuid-feature-labels.lamw-vmware-scripts.json (VMware's 152 labels) plus the
CPUID bit positions below (Intel SDM / AMD APM, transcribed from the project's research notes,
evc-domain.md section 4; the VMware-key -> bit pairing is [I], by name).

Run: python3 scripts/gen-features.py > core/data/features.tsv
"""
import json, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
labels = json.load(open(os.path.join(HERE, "..", "core", "data", "cpuid-feature-labels.lamw-vmware-scripts.json")))["labels"]

# key (lower) -> "leaf.subleaf.reg.bit"
LOC = {}
def put(leaf, sub, reg, pairs):
    for bit, name in pairs:
        LOC[name] = f"{leaf:#x}.{sub}.{reg}.{bit}"
put(1, 0, "ecx", [(0,"sse3"),(1,"pclmulqdq"),(3,"mwait"),(5,"vmx"),(9,"ssse3"),(12,"fma"),(13,"cmpxchg16b"),(17,"pcid"),
                  (19,"sse41"),(20,"sse42"),(22,"movbe"),(23,"popcnt"),(25,"aes"),(26,"xsave"),(28,"avx"),(29,"f16c"),(30,"rdrand")])
put(1, 0, "edx", [(18,"psn"),(21,"ds"),(27,"ss")])
put(7, 0, "ebx", [(0,"fsgsbase"),(3,"bmi1"),(4,"hle"),(5,"avx2"),(7,"smep"),(8,"bmi2"),(9,"enfstrg"),(10,"invpcid"),(11,"rtm"),
                  (13,"fp_segment_zero"),(14,"mpx"),(15,"pqe"),(16,"avx512f"),(17,"avx512dq"),(18,"rdseed"),(19,"adx"),(20,"smap"),
                  (21,"avx512ifma"),(23,"clflushopt"),(24,"clwb"),(26,"avx512pf"),(27,"avx512er"),(28,"avx512cd"),(29,"sha"),
                  (30,"avx512bw"),(31,"avx512vl")])
put(7, 0, "ecx", [(0,"prefetchwt1"),(1,"avx512vbmi"),(2,"umip"),(3,"pku"),(6,"avx512vbmi2"),(7,"cet_ss"),(8,"gfni"),(9,"vaes"),
                  (10,"vpclmulqdq"),(11,"avx512vnni"),(12,"avx512bitalg"),(14,"avx512vpopcntdq"),(22,"rdpid"),(25,"cldemote"),
                  (27,"movdiri"),(28,"movdir64b"),(31,"pks")])
put(7, 0, "edx", [(4,"fast_short_repmov"),(8,"avx512vp2intersect"),(10,"mdclear"),(14,"serialize"),(20,"cet_ibt"),(22,"amx_bf16"),
                  (23,"avx512fp16"),(24,"amx_tile"),(25,"amx_int8"),(26,"ibrs"),(27,"stibp"),(28,"fcmd"),(31,"ssbd")])
put(7, 1, "eax", [(4,"avx_vnni"),(5,"avx512bf16"),(10,"fast_zero_movsb"),(11,"fast_short_stosb"),(12,"fast_short_cmpsb_scasb"),(21,"amx_fp16")])
put(7, 2, "edx", [(0,"psfd")])
put(0xd, 0, "eax", [(1,"xcr0_master_sse"),(2,"xcr0_master_ymm_h"),(3,"xcr0_master_bndregs"),(4,"xcr0_master_bndcsr"),(5,"xcr0_master_opmask"),
                    (6,"xcr0_master_zmm_h"),(7,"xcr0_master_hi16_zmm"),(9,"xcr0_master_pkru"),(17,"xcr0_master_xtilecfg"),(18,"xcr0_master_xtiledata")])
put(0xd, 1, "eax", [(0,"xsaveopt"),(1,"xsavec"),(2,"xgetbv_ecx1"),(3,"xsaves"),(4,"xfd")])
put(0xd, 1, "ecx", [(11,"xss_master_cet_u"),(12,"xss_master_cet_s")])
put(0xd, 17, "ecx", [(1,"xsave_xtilecfg_align"),(2,"xsave_xtilecfg_xfd")])
put(0xd, 18, "ecx", [(1,"xsave_xtiledata_align"),(2,"xsave_xtiledata_xfd")])
put(0x10, 0, "ebx", [(1,"pqe_l3")])
put(0x80000001, 0, "ecx", [(0,"lahf64"),(2,"svm"),(3,"extapicspc"),(4,"cr8avail"),(5,"abm"),(6,"sse4a"),(7,"misaligned_sse"),(8,"3dnprefetch"),
                           (11,"xop"),(16,"fma4"),(21,"tbm")])
put(0x80000001, 0, "edx", [(20,"nx"),(22,"mmxext"),(25,"ffxsr"),(26,"pdpe1gb"),(27,"rdtscp"),(29,"lm"),(30,"3dnowplus"),(31,"3dnow")])
put(0x80000008, 0, "ebx", [(0,"clzero"),(9,"wbnoinvd"),(18,"leaf88_prefer_ibrs"),(19,"leaf88_ibrs_same_mode"),(24,"leaf88_ssbd_spec_ctrl"),(28,"leaf88_psfd")])
put(0x8000000a, 0, "edx", [(0,"svm_npt"),(3,"svm_nrip"),(5,"svm_vmcb_clean"),(6,"svm_flush_by_asid"),(7,"svm_decode_assists"),(17,"svm_gmet"),(19,"svm_sss")])
put(0x80000021, 0, "eax", [(2,"always_serializing_lfence"),(7,"upper_address_ignore"),(8,"automatic_ibrs"),(10,"amd_fast_short_stosb"),(11,"amd_fast_short_cmpsb")])
# Intel enumerates IBRS and IBPB with one bit (SPEC_CTRL, 7.0.edx.26); AMD has separate bits in 0x80000008 EBX
# (IBPB 12, IBRS 14, STIBP 15, SSBD 24 as LEAF88_SSBD_SPEC_CTRL). The catalogue keeps the Intel location; the CPUID
# decoder (issue 4) handles the AMD bits explicitly.
LOC["ibpb"] = LOC["ibrs"]

# Keys VMware's 8.0U1 label list does not have but that we need (with our own labels, evidence [I]).
EXTRA = {
    "cet_ibt": "Control-flow Enforcement Technology indirect branch tracking",
    "amx_fp16": "Advanced Matrix Extensions support for FP16",
}

IDENTITY = {"family", "model", "stepping", "numlevels", "num_ext_levels"}
VENDOR = {"intel", "amd", "via", "cyrix"}
MITIGATION = {"ibrs", "ibpb", "stibp", "ssbd", "fcmd", "mdclear", "psfd", "leaf88_prefer_ibrs", "leaf88_ibrs_same_mode",
              "leaf88_ssbd_spec_ctrl", "leaf88_psfd", "automatic_ibrs", "always_serializing_lfence"}
VIRT = {"vmx", "svm"} | {k for k in LOC if k.startswith("svm_")}
# Exposed or reported by hosts but never seen as VM requirements in real data [D] (ESXi 8.0.1 host has them = 1,
# its VMs' featureRequirement lists do not): DS, MWAIT, HLE, RTM, PQE, PQE_L3, XCR0_MASTER_BNDREGS/BNDCSR (+ MPX, [I]).
NOT_REQUIRED = {"ds", "mwait", "hle", "rtm", "pqe", "pqe_l3", "xcr0_master_bndregs", "xcr0_master_bndcsr", "mpx", "psn"}

def upper_key(k):
    name = k.split(".", 1)[1]
    if name in VENDOR:
        return "cpuid." + {"intel": "Intel", "amd": "AMD", "via": "VIA", "cyrix": "Cyrix"}[name]
    return "cpuid." + name.upper()

rows = []
all_keys = list(labels.items()) + [("cpuid." + k, v) for k, v in EXTRA.items()]
for key, label in all_keys:
    name = key.split(".", 1)[1]
    if name in IDENTITY: kind = "identity"
    elif name in VENDOR: kind = "vendor"
    elif name in MITIGATION: kind = "mitigation"
    elif name in VIRT: kind = "virtualization"
    else: kind = "feature"
    required = "no" if (name in NOT_REQUIRED or kind in ("identity", "virtualization")) else "yes"
    src = "vmware" if key in labels else "evcalc[I]"
    rows.append((upper_key(key), label, LOC.get(name, "-"), kind, required, src))

print("# evcalc feature catalogue. DO NOT EDIT: generated by scripts/gen-features.py")
print("# key\tlabel\tcpuid(leaf.subleaf.reg.bit)\tkind\tbecomes_vm_requirement\tlabel_source")
for r in rows:
    print("\t".join(r))
