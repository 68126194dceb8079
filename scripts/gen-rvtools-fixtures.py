#!/usr/bin/env python3
"""Writes the SYNTHETIC RVTools fixtures of tests/data/synthetic/rvtools/ (issue 22).

No real RVTools export with EVC columns is public. The fixtures use the documented columns
(core/data/rvtools-columns.tsv: RVTools' normal vInfo/vHost headers as listed from a real export
in Yoobuu/Kylow's rvtools_compat.py, and the -DBColumnNames names), with values we wrote:

* cluster Prod, EVC off: esx01/esx02 Max EVC intel-broadwell, esx03 intel-haswell (drift);
  app01 on esx01 requires intel-broadwell, web01 on esx03 intel-haswell, db01 powered off (blank);
* cluster New, EVC intel-haswell: esx11/esx12 Max EVC intel-icelake; new01 intel-haswell.

Outputs: normal/RVTools_tabvInfo.csv, normal/RVTools_tabvHost.csv (normal headers, every column of
the real header list, unknown ones blank), db/RVTools_tabvInfo.csv, db/RVTools_tabvHost.csv (the
database names, `;`-separated as Excel writes in European locales), rvtools-normal.xlsx (sheets
vInfo, vHost, vCPU) and rvtools-db.xlsx (sheets tabvInfo, tabvHost). The .xlsx files are written
with Python's zipfile (shared strings, no third-party module), deterministic (fixed zip dates).

Run from the repository root: python3 scripts/gen-rvtools-fixtures.py
"""
import csv, io, os, zipfile

OUT = "tests/data/synthetic/rvtools"

VINFO_HEADERS = ["VM", "Powerstate", "Template", "SRM Placeholder", "Config status", "DNS Name",
    "Connection state", "Guest state", "Heartbeat", "Consolidation Needed", "PowerOn", "Suspended To Memory",
    "Suspend time", "Suspend Interval", "Creation date", "Change Version", "CPUs", "Overall Cpu Readiness",
    "Memory", "Active Memory", "NICs", "Disks", "Total disk capacity MiB", "Fixed Passthru HotPlug",
    "min Required EVC Mode Key", "Latency Sensitivity", "Op Notification Timeout", "EnableUUID", "CBT",
    "Primary IP Address", "Network #1", "Resource pool", "Folder", "HW version", "Annotation", "Datacenter",
    "Cluster", "Host", "OS according to the configuration file", "OS according to the VMware Tools", "VM ID",
    "VM UUID", "VI SDK Server", "VI SDK UUID"]
VHOST_HEADERS = ["Host", "Datacenter", "Cluster", "Config status", "in Maintenance Mode", "CPU Model", "Speed",
    "HT Available", "HT Active", "# CPU", "Cores per CPU", "# Cores", "CPU usage %", "# Memory", "# VMs total",
    "# VMs", "VMotion support", "Storage VMotion support", "Current EVC", "Max EVC", "Assigned License(s)",
    "ESX Version", "Boot time", "Vendor", "Model", "Serial number", "Service tag", "BIOS Vendor", "BIOS Version",
    "BIOS Date", "Object ID", "UUID", "VI SDK Server", "VI SDK UUID"]
DB = {"VM": "vInfoVMName", "Powerstate": "vInfoPowerstate", "Template": "vInfoTemplate",
      "Cluster": "vInfoCluster", "Host": "vInfoHost", "Datacenter": "vInfoDataCenter",
      "min Required EVC Mode Key": "vInfominRequiredEVCModeKey", "HW version": "VInfoVersion",
      "OS according to the configuration file": "vInfoOS", "CPUs": "vInfoCPUs", "Memory": "vInfoMemory"}
DBH = {"Host": "vHostName", "Cluster": "vHostCluster", "Datacenter": "vHostDatacenter", "CPU Model": "vHostCpuModel",
       "Current EVC": "vHostCurrentEVC", "Max EVC": "vHostMaxEVC", "ESX Version": "vHostFullName",
       "Vendor": "vHostVendor", "Model": "vHostModel", "BIOS Vendor": "vHostBiosVendor",
       "BIOS Version": "vHostBiosVersion", "BIOS Date": "vHostBiosDate", "# CPU": "vHostNumCpu"}

BDW = "Intel(R) Xeon(R) CPU E5-2686 v4 @ 2.30GHz"
HSW = "Intel(R) Xeon(R) CPU E5-2680 v3 @ 2.50GHz"
ICX = "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz"
HOSTS = [
    dict(Host="esx01.lab.local", Datacenter="DC1", Cluster="Prod", **{"CPU Model": BDW, "Current EVC": "",
         "Max EVC": "intel-broadwell", "ESX Version": "VMware ESXi 7.0.3 build-21930508", "Vendor": "Dell Inc.",
         "Model": "PowerEdge R630", "BIOS Vendor": "Dell Inc.", "BIOS Version": "2.19.0", "BIOS Date": "2023-05-17",
         "# CPU": "2"}),
    dict(Host="esx02.lab.local", Datacenter="DC1", Cluster="Prod", **{"CPU Model": BDW, "Current EVC": "",
         "Max EVC": "intel-broadwell", "ESX Version": "VMware ESXi 7.0.3 build-21930508", "Vendor": "Dell Inc.",
         "Model": "PowerEdge R630", "BIOS Vendor": "Dell Inc.", "BIOS Version": "2.19.0", "BIOS Date": "2023-05-17",
         "# CPU": "2"}),
    dict(Host="esx03.lab.local", Datacenter="DC1", Cluster="Prod", **{"CPU Model": HSW, "Current EVC": "",
         "Max EVC": "intel-haswell", "ESX Version": "VMware ESXi 7.0.3 build-21930508", "Vendor": "Dell Inc.",
         "Model": "PowerEdge R630", "BIOS Vendor": "Dell Inc.", "BIOS Version": "2.11.0", "BIOS Date": "2019-12-02",
         "# CPU": "2"}),
    dict(Host="esx11.lab.local", Datacenter="DC1", Cluster="New", **{"CPU Model": ICX, "Current EVC": "intel-haswell",
         "Max EVC": "intel-icelake", "ESX Version": "VMware ESXi 8.0.2 build-22380479", "Vendor": "HPE",
         "Model": "ProLiant DL360 Gen10 Plus", "BIOS Vendor": "HPE", "BIOS Version": "U46", "BIOS Date": "2024-01-12",
         "# CPU": "2"}),
    dict(Host="esx12.lab.local", Datacenter="DC1", Cluster="New", **{"CPU Model": ICX, "Current EVC": "intel-haswell",
         "Max EVC": "intel-icelake", "ESX Version": "VMware ESXi 8.0.2 build-22380479", "Vendor": "HPE",
         "Model": "ProLiant DL360 Gen10 Plus", "BIOS Vendor": "HPE", "BIOS Version": "U46", "BIOS Date": "2024-01-12",
         "# CPU": "2"}),
]
VMS = [
    dict(VM="app01", Powerstate="poweredOn", Template="False", Cluster="Prod", Host="esx01.lab.local",
         Datacenter="DC1", CPUs="4", Memory="8192", **{"min Required EVC Mode Key": "intel-broadwell",
         "HW version": "vmx-19", "OS according to the configuration file": "Red Hat Enterprise Linux 9 (64-bit)"}),
    dict(VM="web01", Powerstate="poweredOn", Template="False", Cluster="Prod", Host="esx03.lab.local",
         Datacenter="DC1", CPUs="2", Memory="4096", **{"min Required EVC Mode Key": "intel-haswell",
         "HW version": "vmx-14", "OS according to the configuration file": "Microsoft Windows Server 2019 (64-bit)"}),
    dict(VM="db01", Powerstate="poweredOff", Template="False", Cluster="Prod", Host="esx02.lab.local",
         Datacenter="DC1", CPUs="8", Memory="32768", **{"min Required EVC Mode Key": "",
         "HW version": "vmx-19", "OS according to the configuration file": "Red Hat Enterprise Linux 9 (64-bit)"}),
    dict(VM="new01", Powerstate="poweredOn", Template="False", Cluster="New", Host="esx11.lab.local",
         Datacenter="DC1", CPUs="2", Memory="4096", **{"min Required EVC Mode Key": "intel-haswell",
         "HW version": "vmx-20", "OS according to the configuration file": "Ubuntu Linux (64-bit)"}),
]


def rows(headers, records, names=None):
    head = [names.get(h, h) for h in headers] if names else headers
    return [head] + [[r.get(h, "") for h in headers] for r in records]


def write_csv(path, table, delimiter=","):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="") as f:
        csv.writer(f, delimiter=delimiter, lineterminator="\r\n").writerows(table)


def xml_escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def col_name(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def write_xlsx(path, sheets):
    strings, index = [], {}

    def sid(s):
        if s not in index:
            index[s] = len(strings)
            strings.append(s)
        return index[s]

    sheet_xml = []
    for _, table in sheets:
        out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>']
        for r, row in enumerate(table, 1):
            out.append(f'<row r="{r}">')
            for c, v in enumerate(row):
                if v == "":
                    continue
                ref = f"{col_name(c)}{r}"
                if v.isdigit() and r > 1:
                    out.append(f'<c r="{ref}"><v>{v}</v></c>')
                else:
                    out.append(f'<c r="{ref}" t="s"><v>{sid(v)}</v></c>')
            out.append("</row>")
        out.append("</sheetData></worksheet>")
        sheet_xml.append("".join(out))
    ns = "http://schemas.openxmlformats.org"
    files = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Types xmlns="{ns}/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i+1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for i in range(len(sheets)))
            + "</Types>",
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{ns}/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<workbook xmlns="{ns}/spreadsheetml/2006/main" xmlns:r="{ns}/officeDocument/2006/relationships"><sheets>'
            + "".join(f'<sheet name="{xml_escape(n)}" sheetId="{i+1}" r:id="rId{i+1}"/>' for i, (n, _) in enumerate(sheets))
            + "</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{ns}/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{i+1}" Type="{ns}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i+1}.xml"/>' for i in range(len(sheets)))
            + f'<Relationship Id="rId{len(sheets)+1}" Type="{ns}/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>",
    }
    for i, x in enumerate(sheet_xml):
        files[f"xl/worksheets/sheet{i+1}.xml"] = x
    files["xl/sharedStrings.xml"] = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<sst xmlns="{ns}/spreadsheetml/2006/main" count="{len(strings)}" uniqueCount="{len(strings)}">'
        + "".join(f"<si><t>{xml_escape(s)}</t></si>" for s in strings) + "</sst>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text)


vinfo, vhost = rows(VINFO_HEADERS, VMS), rows(VHOST_HEADERS, HOSTS)
db_vinfo = rows([h for h in VINFO_HEADERS if h in DB], VMS, DB)
db_vhost = rows([h for h in VHOST_HEADERS if h in DBH], HOSTS, DBH)
write_csv(f"{OUT}/normal/RVTools_tabvInfo.csv", vinfo)
write_csv(f"{OUT}/normal/RVTools_tabvHost.csv", vhost)
write_csv(f"{OUT}/db/RVTools_tabvInfo.csv", db_vinfo, ";")
write_csv(f"{OUT}/db/RVTools_tabvHost.csv", db_vhost, ";")
vcpu = [["VM", "Powerstate", "CPUs", "Sockets"], ["app01", "poweredOn", "4", "2"]]
write_xlsx(f"{OUT}/rvtools-normal.xlsx", [("vInfo", vinfo), ("vHost", vhost), ("vCPU", vcpu)])
write_xlsx(f"{OUT}/rvtools-db.xlsx", [("tabvInfo", db_vinfo), ("tabvHost", db_vhost)])
print("wrote", OUT)
