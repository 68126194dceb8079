//! Host-name lists in words: `esxi02–04`, "only 1 of 4 hosts: esxi01". Text helpers the
//! answers' sentences use; the engine never reads them back.

/// Longest host list in a drift summary (characters); the full lists are the drift entry's.
const MAX_SUMMARY_LIST: usize = 160;

/// A drift entry in words: the smaller side named ("only 1 of 4 hosts: esxi01", "missing on 3
/// of 64 hosts: …"), or "values differ" when no host lacks it.
pub fn drift_summary(with: &[String], without: &[String], total: usize) -> String {
    if with.is_empty() || without.is_empty() {
        return "values differ".to_string();
    }
    if with.len() <= without.len() {
        format!(
            "only {} of {total} hosts: {}",
            with.len(),
            host_list_short(with, MAX_SUMMARY_LIST)
        )
    } else {
        format!(
            "missing on {} of {total} hosts: {}",
            without.len(),
            host_list_short(without, MAX_SUMMARY_LIST)
        )
    }
}

/// [`host_list`], cut to the names that fit `max_chars` followed by "and N more" when longer.
pub fn host_list_short(names: &[String], max_chars: usize) -> String {
    let full = host_list(names);
    if full.chars().count() <= max_chars {
        return full;
    }
    let mut shown: Vec<String> = Vec::new();
    let mut len = 0;
    for n in names {
        let extra = n.chars().count() + 2;
        if !shown.is_empty() && len + extra > max_chars {
            break;
        }
        len += extra;
        shown.push(n.clone());
    }
    let rest = names.len() - shown.len();
    if rest == 0 {
        return full;
    }
    format!("{} and {rest} more", host_list(&shown))
}

/// Joins host names, compressing runs with a common prefix and consecutive numbers:
/// `esxi02, esxi03, esxi04` → `esxi02–04`.
pub fn host_list(names: &[String]) -> String {
    // Entries may be class labels (`esxi02–04`, `esxi03, esxi04`): list their hosts, so that
    // labels of several classes merge into one compact list.
    if names
        .iter()
        .any(|n| (n.contains(", ") || n.contains('–')) && !n.contains(" more"))
    {
        let mut flat: Vec<String> = Vec::new();
        for n in names {
            if n.contains(" more") {
                flat.push(n.clone());
                continue;
            }
            for part in n.split(", ") {
                flat.extend(expand_range(part));
            }
        }
        if flat.len() != names.len() || flat != names {
            return host_list_flat(&flat);
        }
    }
    host_list_flat(names)
}

/// `esxi02–04` → esxi02, esxi03, esxi04 (the inverse of [`host_list`]'s ranges); other names
/// as they are.
fn expand_range(name: &str) -> Vec<String> {
    if let Some((start, end)) = name.split_once('–') {
        let digits = start.bytes().rev().take_while(u8::is_ascii_digit).count();
        let (prefix, first) = start.split_at(start.len() - digits);
        if !end.is_empty()
            && end.len() <= digits
            && end.bytes().all(|b| b.is_ascii_digit())
            && let (Ok(a), Ok(b)) = (
                first.parse::<u64>(),
                format!("{}{end}", &first[..digits - end.len()]).parse::<u64>(),
            )
            && a < b
            && b - a < 100_000
        {
            return (a..=b).map(|n| format!("{prefix}{n:0digits$}")).collect();
        }
    }
    vec![name.to_string()]
}

fn host_list_flat(names: &[String]) -> String {
    fn split(name: &str) -> (&str, Option<(u64, usize)>) {
        let digits = name
            .bytes()
            .rev()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let (prefix, number) = name.split_at(name.len() - digits);
        (
            prefix,
            number
                .parse()
                .ok()
                .filter(|_| digits > 0 && digits <= 9)
                .map(|n| (n, digits)),
        )
    }
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < names.len() {
        let (prefix, num) = split(&names[i]);
        let mut j = i;
        if let Some((start, width)) = num {
            while j + 1 < names.len() {
                let (p2, n2) = split(&names[j + 1]);
                match n2 {
                    Some((n, w))
                        if p2 == prefix && w == width && n == start + (j + 1 - i) as u64 =>
                    {
                        j += 1
                    }
                    _ => break,
                }
            }
            if j >= i + 2 {
                let (_, end) = split(&names[j]);
                let end_digits = names[j].len() - end.map(|e| e.1).unwrap_or(0);
                parts.push(format!("{}–{}", names[i], &names[j][end_digits..]));
                i = j + 1;
                continue;
            }
        }
        parts.push(names[i].clone());
        i += 1;
    }
    parts.join(", ")
}

/// Whether a list of host names stands for more than one host: several names, or one class
/// label (`esxi02–04`, `a, b and 3 more`, see `crate::classes::label`).
pub fn names_plural(names: &[String]) -> bool {
    names.len() > 1
        || names
            .first()
            .is_some_and(|n| n.contains('–') || n.contains(", ") || n.contains(" and "))
}

/// How a name given by a person matches a loaded host or VM: the one rule every question and
/// front end uses (issue 19: host names were matched by four rules). Exact (case-insensitive),
/// then the short name before the first dot (`esxi01` for `esxi01.lab.local`), then the stem of
/// the input file (`esxi01` for `dumps/esxi01.txt`); the first pass with a hit decides.
/// `Err(None)`: nothing matches; `Err(Some(names))`: several match in that pass (ambiguous).
pub fn find_by_name<'a>(
    spec: &str,
    names: &[&str],
    stem_of: impl Fn(usize) -> &'a str,
) -> Result<usize, Option<Vec<String>>> {
    let spec = spec.trim();
    let short = |n: &str| n.split('.').next().unwrap_or(n).to_string();
    let passes: [&dyn Fn(usize) -> bool; 3] = [
        &|i| names[i].eq_ignore_ascii_case(spec),
        &|i| short(names[i]).eq_ignore_ascii_case(spec),
        &|i| stem_of(i).eq_ignore_ascii_case(spec),
    ];
    for pass in passes {
        let hits: Vec<usize> = (0..names.len()).filter(|&i| pass(i)).collect();
        match hits.as_slice() {
            [one] => return Ok(*one),
            [] => {}
            many => return Err(Some(many.iter().map(|&i| names[i].to_string()).collect())),
        }
    }
    Err(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_exact_then_short_then_stem() {
        let names = ["esxi01.lab.local", "esxi02.lab.local", "10.0.0.3"];
        let stems = ["a", "b", "esxi03"];
        let f = |s| find_by_name(s, &names, |i| stems[i]);
        assert_eq!(f("ESXI01.lab.local"), Ok(0));
        assert_eq!(f("esxi02"), Ok(1));
        assert_eq!(f("esxi03"), Ok(2));
        assert_eq!(f("esxi09"), Err(None));
        let dup = ["esxi01.a", "esxi01.b"];
        assert_eq!(
            find_by_name("esxi01", &dup, |_| "x"),
            Err(Some(vec!["esxi01.a".to_string(), "esxi01.b".to_string()]))
        );
    }
}
