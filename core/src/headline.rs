//! The headline: the worst finding of an analysis in one sentence, with the next step — the
//! same text for the page and the CLI.
//!
//! Order: a host that cannot be fully evacuated (blocked), else moves that cannot be verified
//! (unknown, with what to paste or run), else "every VM can move". The next step is the first
//! remedy of the worst maintenance plan, so the fix named is the one the evidence supports
//! (microcode for raw 0, re-applied EVC masks for raw 1 / masked 0, the commands when the data
//! cannot tell).

use crate::check::Evacuation;
use crate::report::Verdict;

/// One sentence and the next steps.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct Headline {
    /// The worst outcome: blocked, unknown, or compatible.
    pub verdict: Verdict,
    /// The sentence.
    pub text: String,
    /// Next steps; commands in backticks.
    pub next: Vec<String>,
}

fn commands_in_backticks(text: &str) -> String {
    // Commands evcalc's remedies quote verbatim.
    let mut out = text.to_string();
    for cmd in [
        "vim-cmd hostsvc/hostconfig | grep -i -A 2 ",
        "vsish -e cat /hardware/cpu/cpuList/0 | grep -i -A 2 microcode",
        "grep -i -e featMask.evc -e featureCompat.evc /etc/vmware/config",
    ] {
        if let Some(at) = out.find(cmd) {
            let end = out[at + cmd.len()..]
                .find([';', ')', '(', '\n'])
                .map_or(out.len(), |e| at + cmd.len() + e);
            let inner = out[at..end].trim_end().to_string();
            // A space after the closing backtick only where text follows (not before `)`/`;`).
            let space = if out[end..].starts_with([')', ';']) || end == out.len() {
                ""
            } else {
                " "
            };
            out.replace_range(at..end, &format!("`{inner}`{space}"));
        }
    }
    out.replace("  ", " ").trim().to_string()
}

/// The headline from the parts it reads: the number of hosts, the EVC mode, the cluster's
/// outcome and the engine's maintenance plans.
pub(crate) fn headline_of(
    host_count: usize,
    evc_mode: Option<&str>,
    outcome: Verdict,
    maintenance: &[Evacuation<'_>],
) -> Option<Headline> {
    let worst = maintenance
        .iter()
        .find(|m| m.outcome == Verdict::Blocked)
        .or_else(|| maintenance.iter().find(|m| m.outcome == Verdict::Unknown));
    if let Some(m) = worst {
        let mut next: Vec<String> = m
            .remedies
            .iter()
            .take(2)
            .map(|r| commands_in_backticks(&r.action))
            .collect();
        if m.outcome == Verdict::Unknown && next.is_empty() {
            next.push("paste the full `vim-cmd hostsvc/hostconfig` output of every host (raw and masked blocks)".to_string());
        }
        let others: Vec<&str> = maintenance
            .iter()
            .filter(|x| x.outcome == Verdict::Blocked && x.host != m.host)
            .map(|x| x.host.as_str())
            .collect();
        let mut text = m.verdict.clone();
        if !others.is_empty() {
            text.push_str(&format!(
                ". Also not fully evacuable: {}",
                crate::names::host_list(&others.iter().map(|s| s.to_string()).collect::<Vec<_>>())
            ));
        }
        return Some(Headline {
            verdict: m.outcome,
            text,
            next,
        });
    }
    match outcome {
        Verdict::Compatible => Some(Headline {
            verdict: Verdict::Compatible,
            text: format!(
                "Every VM can move between these {} hosts{}",
                host_count,
                evc_mode.map(|m| format!(" under {m}")).unwrap_or_default()
            ),
            next: Vec::new(),
        }),
        Verdict::Blocked => Some(Headline {
            verdict: Verdict::Blocked,
            text: "Some moves are blocked: see the matrix".to_string(),
            next: Vec::new(),
        }),
        Verdict::Unknown => Some(Headline {
            verdict: Verdict::Unknown,
            text: "No blocker visible, but not every move can be verified from the pasted data".to_string(),
            next: vec!["paste the full `vim-cmd hostsvc/hostconfig` output of every host (raw and masked blocks)".to_string()],
        }),
    }
}
