//! RVTools exports: the `vInfo` and `vHost` tabs, as CSV (one file per tab, RVTools'
//! `-ExportAll2csv` or "Export to csv") or as an `.xlsx` workbook (`xlsx_tabs`, behind the
//! `xlsx` feature), in both header flavours: the normal headers (`VM`, `Max EVC`,
//! `min Required EVC Mode Key`) and the database names RVTools writes with `-DBColumnNames`
//! (`vInfoVMName`, `vInfominRequiredEVCModeKey`, sheets `tabvInfo`/`tabvHost`).
//!
//! RVTools carries EVC at **mode level** only (vHost `Current EVC` and `Max EVC`, vInfo
//! `min Required EVC Mode Key`): the rows become an [`Inventory`], never hosts or VMs with
//! features. Header names are looked up in one table ([`COLUMNS`], with its sources in
//! `core/data/rvtools-columns.tsv`), not by a prefix rule: the database names are not the
//! normal names with a prefix (`vHostFullName` is `ESX Version`, `VInfoVersion` is `HW version`).
//! Values are kept as written; the answer (`app::inventory`) interprets them.

use super::FastTrim;
use crate::input::{Document, ParseError, Warning};
pub use crate::input::{Flavour, Inventory, InventoryHost, InventoryVm, Tab};

/// One column evcalc reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// vInfo `VM` (`-DBColumnNames`: `vInfoVMName`).
    VmName,
    /// vInfo `Powerstate` (`vInfoPowerstate`).
    Powerstate,
    /// vInfo `Template` (`vInfoTemplate`).
    Template,
    /// vInfo `Cluster` (`vInfoCluster`).
    VmCluster,
    /// vInfo `Host` (`vInfoHost`).
    VmHost,
    /// vInfo `Datacenter` (`vInfoDataCenter`).
    VmDatacenter,
    /// vInfo `min Required EVC Mode Key` (`vInfominRequiredEVCModeKey`).
    MinRequiredEvc,
    /// vInfo `HW version` (`VInfoVersion`).
    HwVersion,
    /// vInfo `OS according to the configuration file` (`vInfoOS`).
    GuestOs,
    /// vHost `Host` (`vHostName`).
    HostName,
    /// vHost `Cluster` (`vHostCluster`).
    HostCluster,
    /// vHost `Datacenter` (`vHostDatacenter`).
    HostDatacenter,
    /// vHost `CPU Model` (`vHostCpuModel`).
    CpuModel,
    /// vHost `Current EVC` (`vHostCurrentEVC` or `vHostCurrentEVCModeKey`).
    CurrentEvc,
    /// vHost `Max EVC` (`vHostMaxEVC` or `vHostMaxEVCModeKey`).
    MaxEvc,
    /// vHost `ESX Version` (`vHostFullName`).
    EsxVersion,
    /// vHost `Vendor` (`vHostVendor`).
    ServerVendor,
    /// vHost `Model` (`vHostModel`).
    ServerModel,
    /// vHost `BIOS Vendor` (`vHostBiosVendor`).
    BiosVendor,
    /// vHost `BIOS Version` (`vHostBiosVersion`).
    BiosVersion,
    /// vHost `BIOS Date` (`vHostBiosDate`).
    BiosDate,
}

/// The header table: (field, tab, header as RVTools writes it, flavour). Matched
/// case-insensitively after trimming (a SQL schema of RVTools' tables spells
/// `min Required EVC Mode Key ` with a trailing blank). Sources and evidence per row:
/// `core/data/rvtools-columns.tsv` (`columns_match_the_data_file` keeps both equal).
pub const COLUMNS: &[(Field, Tab, &str, Flavour)] = &[
    (Field::VmName, Tab::VInfo, "VM", Flavour::Normal),
    (Field::Powerstate, Tab::VInfo, "Powerstate", Flavour::Normal),
    (Field::Template, Tab::VInfo, "Template", Flavour::Normal),
    (Field::VmCluster, Tab::VInfo, "Cluster", Flavour::Normal),
    (Field::VmHost, Tab::VInfo, "Host", Flavour::Normal),
    (
        Field::VmDatacenter,
        Tab::VInfo,
        "Datacenter",
        Flavour::Normal,
    ),
    (
        Field::MinRequiredEvc,
        Tab::VInfo,
        "min Required EVC Mode Key",
        Flavour::Normal,
    ),
    (Field::HwVersion, Tab::VInfo, "HW version", Flavour::Normal),
    (
        Field::GuestOs,
        Tab::VInfo,
        "OS according to the configuration file",
        Flavour::Normal,
    ),
    (
        Field::VmName,
        Tab::VInfo,
        "vInfoVMName",
        Flavour::DbColumnNames,
    ),
    (
        Field::Powerstate,
        Tab::VInfo,
        "vInfoPowerstate",
        Flavour::DbColumnNames,
    ),
    (
        Field::Template,
        Tab::VInfo,
        "vInfoTemplate",
        Flavour::DbColumnNames,
    ),
    (
        Field::VmCluster,
        Tab::VInfo,
        "vInfoCluster",
        Flavour::DbColumnNames,
    ),
    (
        Field::VmHost,
        Tab::VInfo,
        "vInfoHost",
        Flavour::DbColumnNames,
    ),
    (
        Field::VmDatacenter,
        Tab::VInfo,
        "vInfoDataCenter",
        Flavour::DbColumnNames,
    ),
    (
        Field::MinRequiredEvc,
        Tab::VInfo,
        "vInfominRequiredEVCModeKey",
        Flavour::DbColumnNames,
    ),
    (
        Field::HwVersion,
        Tab::VInfo,
        "VInfoVersion",
        Flavour::DbColumnNames,
    ),
    (
        Field::GuestOs,
        Tab::VInfo,
        "vInfoOS",
        Flavour::DbColumnNames,
    ),
    (Field::HostName, Tab::VHost, "Host", Flavour::Normal),
    (Field::HostCluster, Tab::VHost, "Cluster", Flavour::Normal),
    (
        Field::HostDatacenter,
        Tab::VHost,
        "Datacenter",
        Flavour::Normal,
    ),
    (Field::CpuModel, Tab::VHost, "CPU Model", Flavour::Normal),
    (
        Field::CurrentEvc,
        Tab::VHost,
        "Current EVC",
        Flavour::Normal,
    ),
    (Field::MaxEvc, Tab::VHost, "Max EVC", Flavour::Normal),
    (
        Field::EsxVersion,
        Tab::VHost,
        "ESX Version",
        Flavour::Normal,
    ),
    (Field::ServerVendor, Tab::VHost, "Vendor", Flavour::Normal),
    (Field::ServerModel, Tab::VHost, "Model", Flavour::Normal),
    (
        Field::BiosVendor,
        Tab::VHost,
        "BIOS Vendor",
        Flavour::Normal,
    ),
    (
        Field::BiosVersion,
        Tab::VHost,
        "BIOS Version",
        Flavour::Normal,
    ),
    (Field::BiosDate, Tab::VHost, "BIOS Date", Flavour::Normal),
    (
        Field::HostName,
        Tab::VHost,
        "vHostName",
        Flavour::DbColumnNames,
    ),
    (
        Field::HostCluster,
        Tab::VHost,
        "vHostCluster",
        Flavour::DbColumnNames,
    ),
    (
        Field::HostDatacenter,
        Tab::VHost,
        "vHostDatacenter",
        Flavour::DbColumnNames,
    ),
    (
        Field::CpuModel,
        Tab::VHost,
        "vHostCpuModel",
        Flavour::DbColumnNames,
    ),
    (
        Field::CurrentEvc,
        Tab::VHost,
        "vHostCurrentEVC",
        Flavour::DbColumnNames,
    ),
    (
        Field::CurrentEvc,
        Tab::VHost,
        "vHostCurrentEVCModeKey",
        Flavour::DbColumnNames,
    ),
    (
        Field::MaxEvc,
        Tab::VHost,
        "vHostMaxEVC",
        Flavour::DbColumnNames,
    ),
    (
        Field::MaxEvc,
        Tab::VHost,
        "vHostMaxEVCModeKey",
        Flavour::DbColumnNames,
    ),
    (
        Field::EsxVersion,
        Tab::VHost,
        "vHostFullName",
        Flavour::DbColumnNames,
    ),
    (
        Field::ServerVendor,
        Tab::VHost,
        "vHostVendor",
        Flavour::DbColumnNames,
    ),
    (
        Field::ServerModel,
        Tab::VHost,
        "vHostModel",
        Flavour::DbColumnNames,
    ),
    (
        Field::BiosVendor,
        Tab::VHost,
        "vHostBiosVendor",
        Flavour::DbColumnNames,
    ),
    (
        Field::BiosVersion,
        Tab::VHost,
        "vHostBiosVersion",
        Flavour::DbColumnNames,
    ),
    (
        Field::BiosDate,
        Tab::VHost,
        "vHostBiosDate",
        Flavour::DbColumnNames,
    ),
];

/// The separators RVTools' CSV may use: `,` (its own export), `;` (Excel's in European
/// locales), tab.
const SEPARATORS: [u8; 3] = [b',', b';', b'\t'];

/// The first line, without a byte-order mark.
fn first_line(text: &str) -> &str {
    let t = text.trim_start_matches('\u{feff}');
    let t = t.trim_start_matches(['\r', '\n']);
    t.split('\n').next().unwrap_or("").trim_end_matches('\r')
}

fn separator(header: &str) -> u8 {
    SEPARATORS
        .iter()
        .copied()
        .max_by_key(|s| header.bytes().filter(|b| b == s).count())
        .unwrap_or(b',')
}

/// The table rows a header names (`Host` and `Cluster` are columns of both tabs).
fn lookup(header: &str) -> impl Iterator<Item = (Field, Tab, Flavour)> + '_ {
    let h = header.trim_fast().trim_matches('"').trim_fast();
    COLUMNS
        .iter()
        .filter(move |(_, _, name, _)| name.eq_ignore_ascii_case(h))
        .map(|(f, t, _, fl)| (*f, *t, *fl))
}

/// The tab a header line belongs to, if it is an RVTools vInfo or vHost header.
fn tab_of(header: &str) -> Option<Tab> {
    let sep = separator(header);
    let names: Vec<&str> = header.split(sep as char).collect();
    if names.len() < 3 {
        return None;
    }
    let found: Vec<(Field, Tab, Flavour)> = names.iter().flat_map(|n| lookup(n)).collect();
    let has = |f: Field| found.iter().any(|(x, _, _)| *x == f);
    if has(Field::VmName) && found.len() >= 2 {
        return Some(Tab::VInfo);
    }
    // `Host` is also a vInfo column: a vHost header has a host column and vHost-only ones.
    let host_only = [
        Field::CpuModel,
        Field::MaxEvc,
        Field::CurrentEvc,
        Field::EsxVersion,
        Field::BiosVersion,
    ];
    if found
        .iter()
        .any(|(f, t, _)| *t == Tab::VHost && (*f == Field::HostName))
        && host_only.iter().any(|f| has(*f))
    {
        return Some(Tab::VHost);
    }
    None
}

/// Whether the text is an RVTools vInfo or vHost tab as CSV.
pub fn looks_like(text: &str) -> bool {
    let head = first_line(text);
    !head.starts_with(['{', '[', '<', '(']) && tab_of(head).is_some()
}

/// One CSV record: its fields and the 1-based line and column where each starts.
struct Record {
    fields: Vec<(String, u32, u32)>,
    line: u32,
}

/// Splits CSV text into records (RFC 4180: quoted fields may hold separators, doubled quotes and
/// line breaks). An unterminated quote is an error at the quote's line and column.
fn records(text: &str, sep: u8) -> Result<Vec<Record>, ParseError> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut line: u32 = 1;
    let mut col: u32 = 1;
    let mut field = String::new();
    let mut fields: Vec<(String, u32, u32)> = Vec::new();
    let mut start = (1u32, 1u32);
    let mut rec_line = 1u32;
    let mut quoted_at: Option<(u32, u32)> = None;
    let mut in_quotes = false;
    let mut at_field_start = true;
    let sep = sep as char;
    while let Some((_, c)) = chars.next() {
        if in_quotes {
            if c == '"' {
                if chars.peek().map(|(_, n)| *n) == Some('"') {
                    chars.next();
                    field.push('"');
                    col += 2;
                    continue;
                }
                in_quotes = false;
                col += 1;
                continue;
            }
            field.push(c);
            if c == '\n' {
                line += 1;
                col = 1;
            } else {
                col += 1;
            }
            continue;
        }
        match c {
            '"' if at_field_start => {
                in_quotes = true;
                quoted_at = Some((line, col));
                at_field_start = false;
                col += 1;
            }
            c if c == sep => {
                fields.push((std::mem::take(&mut field), start.0, start.1));
                col += 1;
                start = (line, col);
                at_field_start = true;
            }
            '\r' => col += 1,
            '\n' => {
                fields.push((std::mem::take(&mut field), start.0, start.1));
                if fields.iter().any(|(f, _, _)| !f.trim_fast().is_empty()) {
                    out.push(Record {
                        fields: std::mem::take(&mut fields),
                        line: rec_line,
                    });
                } else {
                    fields.clear();
                }
                line += 1;
                col = 1;
                start = (line, col);
                rec_line = line;
                at_field_start = true;
            }
            c => {
                if !(at_field_start && c == ' ') {
                    at_field_start = false;
                }
                field.push(c);
                col += 1;
            }
        }
    }
    if in_quotes {
        let (l, c) = quoted_at.unwrap_or((line, col));
        return Err(ParseError::new(
            l,
            c,
            "a quoted CSV field that never ends (no closing `\"`): was the file cut short?",
        ));
    }
    fields.push((field, start.0, start.1));
    if fields.iter().any(|(f, _, _)| !f.trim_fast().is_empty()) {
        out.push(Record {
            fields,
            line: rec_line,
        });
    }
    Ok(out)
}

/// Parses one RVTools tab as CSV into an [`Inventory`] document.
pub fn parse(text: &str) -> Result<(Vec<Document>, Vec<Warning>), ParseError> {
    let body = text.trim_start_matches('\u{feff}');
    let head = first_line(text);
    let Some(tab) = tab_of(head) else {
        return Err(ParseError::new(
            1,
            1,
            "expected an RVTools vInfo or vHost header line (`VM,Powerstate,…,min Required EVC Mode Key,…` or \
             `Host,Datacenter,Cluster,…,Current EVC,Max EVC,…`, or their -DBColumnNames spellings)",
        ));
    };
    let sep = separator(head);
    let recs = records(body, sep)?;
    let Some((header, rows)) = recs.split_first() else {
        return Err(ParseError::new(1, 1, "empty RVTools tab"));
    };
    let mut warnings = Vec::new();
    let mut columns: Vec<Option<Field>> = Vec::with_capacity(header.fields.len());
    let mut flavour = Flavour::Normal;
    for (name, _, _) in &header.fields {
        match lookup(name).find(|(_, t, _)| *t == tab) {
            Some((field, _, fl)) => {
                if fl == Flavour::DbColumnNames {
                    flavour = Flavour::DbColumnNames;
                }
                // The first column of a field wins (a later duplicate is ignored).
                if columns.contains(&Some(field)) {
                    columns.push(None);
                } else {
                    columns.push(Some(field));
                }
            }
            None => columns.push(None),
        }
    }
    let col = |f: Field| columns.iter().position(|c| *c == Some(f));
    let mut missing = Vec::new();
    match tab {
        Tab::VInfo => {
            if col(Field::MinRequiredEvc).is_none() {
                missing.push("min Required EVC Mode Key");
                warnings.push(Warning {
                    pos: crate::input::Pos { line: 1, col: 1 },
                    message: "this vInfo tab has no `min Required EVC Mode Key` column (RVTools before 4.0?): its VMs \
                              cannot be pre-screened at mode level"
                        .to_string(),
                });
            }
        }
        Tab::VHost => {
            if col(Field::MaxEvc).is_none() {
                missing.push("Max EVC");
                warnings.push(Warning {
                    pos: crate::input::Pos { line: 1, col: 1 },
                    message: "this vHost tab has no `Max EVC` column: the highest common mode cannot be computed"
                        .to_string(),
                });
            }
            if col(Field::CurrentEvc).is_none() {
                missing.push("Current EVC");
            }
        }
    }
    let name_field = match tab {
        Tab::VInfo => Field::VmName,
        Tab::VHost => Field::HostName,
    };
    let name_col = col(name_field).unwrap_or(0);
    let mut inv = Inventory {
        tab,
        flavour,
        hosts: Vec::new(),
        vms: Vec::new(),
        missing,
    };
    for row in rows {
        let get = |f: Field| -> Option<String> {
            let i = col(f)?;
            let v = row.fields.get(i)?.0.trim_fast();
            (!v.is_empty()).then(|| v.to_string())
        };
        if row.fields.len() > header.fields.len() + 1 {
            warnings.push(Warning {
                pos: crate::input::Pos {
                    line: row.line,
                    col: 1,
                },
                message: format!(
                    "row at line {} has {} fields, the header {}: extra fields ignored (a separator inside an unquoted \
                     value?)",
                    row.line,
                    row.fields.len(),
                    header.fields.len()
                ),
            });
        }
        let Some(name) = get(name_field) else {
            let (l, c) = row
                .fields
                .get(name_col)
                .map(|(_, l, c)| (*l, *c))
                .unwrap_or((row.line, 1));
            warnings.push(Warning {
                pos: crate::input::Pos { line: l, col: c },
                message: format!("row at line {} has no name: skipped", row.line),
            });
            continue;
        };
        match tab {
            Tab::VInfo => inv.vms.push(InventoryVm {
                name,
                power_state: get(Field::Powerstate),
                template: get(Field::Template).is_some_and(|t| t.eq_ignore_ascii_case("true")),
                cluster: get(Field::VmCluster),
                host: get(Field::VmHost),
                datacenter: get(Field::VmDatacenter),
                min_required_evc: get(Field::MinRequiredEvc),
                hw_version: get(Field::HwVersion),
                guest_os: get(Field::GuestOs),
                line: row.line,
            }),
            Tab::VHost => inv.hosts.push(InventoryHost {
                name,
                datacenter: get(Field::HostDatacenter),
                cluster: get(Field::HostCluster),
                cpu_model: get(Field::CpuModel),
                current_evc: get(Field::CurrentEvc),
                max_evc: get(Field::MaxEvc),
                esx_version: get(Field::EsxVersion),
                server_vendor: get(Field::ServerVendor),
                server_model: get(Field::ServerModel),
                bios_vendor: get(Field::BiosVendor),
                bios_version: get(Field::BiosVersion),
                bios_date: get(Field::BiosDate),
                line: row.line,
            }),
        }
    }
    Ok((vec![Document::Inventory(inv)], warnings))
}

/// The sheets of an RVTools workbook evcalc reads: (sheet name, the sheet as CSV text), for
/// `vInfo`/`vHost` and their `-DBColumnNames` names `tabvInfo`/`tabvHost`. The CSV text goes
/// through [`super::parse`] like any other input. Errors name the workbook problem; a workbook
/// without either sheet is an error listing the sheets it has.
#[cfg(feature = "xlsx")]
pub fn xlsx_tabs(bytes: &[u8]) -> Result<Vec<(String, String)>, ParseError> {
    // Parsers never panic: a workbook that makes the zip or XML reader panic is an error.
    std::panic::catch_unwind(|| xlsx_tabs_unguarded(bytes)).unwrap_or_else(|_| {
        Err(ParseError::new(
            1,
            1,
            "the workbook could not be read (a damaged .xlsx?); export the RVTools tabs as CSV instead",
        ))
    })
}

#[cfg(feature = "xlsx")]
fn xlsx_tabs_unguarded(bytes: &[u8]) -> Result<Vec<(String, String)>, ParseError> {
    use calamine::{Data, Reader, Xlsx};
    let cursor = std::io::Cursor::new(bytes);
    let mut book: Xlsx<_> = Xlsx::new(cursor).map_err(|e| {
        ParseError::new(
            1,
            1,
            format!("not a readable .xlsx workbook ({e}); export the RVTools tabs as CSV instead"),
        )
    })?;
    let names = book.sheet_names().to_vec();
    let wanted = |n: &str| {
        ["vInfo", "vHost", "tabvInfo", "tabvHost"]
            .iter()
            .any(|w| w.eq_ignore_ascii_case(n.trim()))
    };
    let mut out = Vec::new();
    for name in names.iter().filter(|n| wanted(n)) {
        let range = book.worksheet_range(name).map_err(|e| {
            ParseError::new(
                1,
                1,
                format!("sheet {name} of the workbook cannot be read: {e}"),
            )
        })?;
        let mut csv = String::new();
        for row in range.rows() {
            let cells: Vec<String> = row
                .iter()
                .map(|c| {
                    let s = match c {
                        Data::Empty => String::new(),
                        Data::String(s) => s.clone(),
                        Data::Float(f) => f.to_string(),
                        Data::Int(i) => i.to_string(),
                        Data::Bool(b) => if *b { "True" } else { "False" }.to_string(),
                        Data::DateTime(d) => d.to_string(),
                        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
                        Data::Error(e) => format!("#{e:?}"),
                    };
                    csv_field(&s)
                })
                .collect();
            csv.push_str(&cells.join(","));
            csv.push('\n');
        }
        out.push((name.clone(), csv));
    }
    if out.is_empty() {
        return Err(ParseError::new(
            1,
            1,
            format!(
                "this workbook has no vInfo or vHost sheet (nor tabvInfo/tabvHost): its sheets are {}",
                names.join(", ")
            ),
        ));
    }
    Ok(out)
}

/// One CSV field, quoted when it needs to be.
#[cfg(feature = "xlsx")]
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Whether bytes are a zip archive (an `.xlsx` workbook is one).
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inv(text: &str) -> (Inventory, Vec<Warning>) {
        let (docs, w) = parse(text).expect("parses");
        match docs.into_iter().next() {
            Some(Document::Inventory(i)) => (i, w),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn vhost_normal_headers_with_quotes() {
        let text = "Host,Datacenter,Cluster,CPU Model,Current EVC,Max EVC,ESX Version,Vendor,BIOS Version\n\
                    esx1,DC,Prod,\"Intel(R) Xeon(R) CPU E5-2680 v3 @ 2.50GHz\",intel-haswell,intel-haswell,VMware ESXi 7.0.3 build-21930508,Dell Inc.,\"2.19.0, rev \"\"b\"\"\"\n";
        assert!(looks_like(text));
        let (i, w) = inv(text);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!((i.tab, i.flavour), (Tab::VHost, Flavour::Normal));
        let h = &i.hosts[0];
        assert_eq!(h.max_evc.as_deref(), Some("intel-haswell"));
        assert_eq!(h.bios_version.as_deref(), Some("2.19.0, rev \"b\""));
        assert_eq!(h.line, 2);
    }

    #[test]
    fn vinfo_db_names_semicolons() {
        let text = "vInfoVMName;vInfoPowerstate;vInfominRequiredEVCModeKey;vInfoCluster;VInfoVersion\r\n\
                    app01;poweredOn;intel-broadwell;Prod;vmx-19\r\nold;poweredOff;;Prod;vmx-10\r\n";
        let (i, _) = inv(text);
        assert_eq!((i.tab, i.flavour), (Tab::VInfo, Flavour::DbColumnNames));
        assert_eq!(i.vms.len(), 2);
        assert_eq!(
            i.vms[0].min_required_evc.as_deref(),
            Some("intel-broadwell")
        );
        assert_eq!(i.vms[1].min_required_evc, None);
        assert_eq!(i.vms[1].hw_version.as_deref(), Some("vmx-10"));
    }

    #[test]
    fn unterminated_quote_is_an_error_with_position() {
        let text = "Host,Cluster,Max EVC\nesx1,\"Prod,intel-haswell\n";
        let e = parse(text).unwrap_err();
        assert_eq!((e.pos.line, e.pos.col), (2, 6), "{e}");
    }

    #[test]
    fn other_csv_is_not_rvtools() {
        assert!(!looks_like("a,b,c\n1,2,3\n"));
        assert!(!looks_like("Host,Cluster\nx,y\n"));
    }

    #[test]
    fn columns_match_the_data_file() {
        let data = include_str!("../../data/rvtools-columns.tsv");
        let rows: Vec<(String, String, String)> = data
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .skip(1)
            .map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                (f[0].to_string(), f[1].to_string(), f[2].to_string())
            })
            .collect();
        assert_eq!(rows.len(), COLUMNS.len(), "one data row per table row");
        for ((tab, header, flavour), (_, t, h, fl)) in rows.iter().zip(COLUMNS) {
            assert_eq!(header, h);
            assert_eq!(
                tab,
                match t {
                    Tab::VInfo => "vInfo",
                    Tab::VHost => "vHost",
                }
            );
            assert_eq!(
                flavour,
                match fl {
                    Flavour::Normal => "normal",
                    Flavour::DbColumnNames => "db",
                }
            );
        }
    }
}
