//! EVC mode names as people type them: the key (`intel-haswell`), the short name (`haswell`,
//! `Sandy Bridge`) or the vSphere label (`Intel® "Haswell" Generation`), case-insensitively.
//! Where a short name fits several modes (AMD `greyhound`: `amd-greyhound` and
//! `amd-greyhound-no3dnow`) the answer lists them instead of picking one; an unknown name gets
//! "did you mean" suggestions. The CLI and the page share this through `session::choose_mode`.

use crate::evc::{EvcMode, ModeCatalogue};

/// Why a mode name could not be resolved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModeNameError {
    /// The name fits several modes.
    #[error(
        "EVC mode `{text}` is ambiguous: did you mean {}?",
        or_list(candidates)
    )]
    Ambiguous {
        /// The name as typed (trimmed).
        text: String,
        /// The keys of the modes it fits.
        candidates: Vec<String>,
    },
    /// No mode has that key, short name or label.
    #[error(
        "unknown EVC mode `{text}`{}; expected `none` or one of: {}",
        if suggestions.is_empty() { String::new() } else { format!(" (did you mean {}?)", or_list(suggestions)) },
        keys.join(", ")
    )]
    Unknown {
        /// The name as typed (trimmed).
        text: String,
        /// Keys of modes whose name is close to it ("did you mean").
        suggestions: Vec<String>,
        /// Every mode key of the catalogue.
        keys: Vec<String>,
    },
}

fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => format!("`{one}`"),
        [init @ .., last] => {
            format!(
                "{} or `{last}`",
                init.iter()
                    .map(|i| format!("`{i}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    }
}

/// Lower-case letters and digits only: `Intel® "Sandy Bridge" Generation` → `intelsandybridgegeneration`.
fn squash(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Resolves `text` to a mode of `modes`: key, then label, then short name (the key without its
/// vendor, or its first words: `greyhound` fits `amd-greyhound` and `amd-greyhound-no3dnow`).
pub(crate) fn resolve_mode<'m>(
    text: &str,
    modes: &'m ModeCatalogue,
) -> Result<&'m EvcMode, ModeNameError> {
    let trimmed = text.trim();
    if let Some(m) = modes
        .modes
        .iter()
        .find(|m| m.key.eq_ignore_ascii_case(trimmed))
    {
        return Ok(m);
    }
    let wanted = squash(trimmed);
    let keys = || {
        modes
            .modes
            .iter()
            .map(|m| m.key.clone())
            .collect::<Vec<_>>()
    };
    if wanted.is_empty() {
        return Err(ModeNameError::Unknown {
            text: trimmed.to_string(),
            suggestions: Vec::new(),
            keys: keys(),
        });
    }
    let labelled: Vec<&EvcMode> = modes
        .modes
        .iter()
        .filter(|m| squash(&m.label) == wanted || squash(&m.key) == wanted)
        .collect();
    if let [one] = labelled.as_slice() {
        return Ok(one);
    }
    // Short names: the key's words after the vendor (or with it), first words joined.
    let fits = |m: &EvcMode| {
        let words: Vec<&str> = m.key.split('-').collect();
        let words = &words;
        let prefixes = |from: usize| {
            (from + 1..=words.len())
                .map(|end| words[from..end].concat())
                .collect::<Vec<_>>()
        };
        prefixes(1).contains(&wanted)
            || (words.len() > 1 && prefixes(0).iter().skip(1).any(|p| *p == wanted))
    };
    let short: Vec<&EvcMode> = modes.modes.iter().filter(|m| fits(m)).collect();
    match short.as_slice() {
        [one] => return Ok(one),
        [] => {}
        many => {
            return Err(ModeNameError::Ambiguous {
                text: trimmed.to_string(),
                candidates: many.iter().map(|m| m.key.clone()).collect(),
            });
        }
    }
    // Did you mean: keys or labels containing the name, or within two edits of a short name.
    let suggestions: Vec<String> = modes
        .modes
        .iter()
        .filter(|m| {
            let short = squash(m.key.split_once('-').map_or(m.key.as_str(), |(_, s)| s));
            (wanted.len() >= 3
                && (squash(&m.key).contains(&wanted) || squash(&m.label).contains(&wanted)))
                || edit_distance(&short, &wanted) <= 2
        })
        .map(|m| m.key.clone())
        .collect();
    Err(ModeNameError::Unknown {
        text: trimmed.to_string(),
        suggestions,
        keys: keys(),
    })
}

fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evc::builtin_modes;

    fn key(text: &str) -> Result<String, ModeNameError> {
        resolve_mode(text, builtin_modes()).map(|m| m.key.clone())
    }

    #[test]
    fn keys_short_names_and_labels() {
        assert_eq!(key("intel-haswell").unwrap(), "intel-haswell");
        assert_eq!(key("INTEL-HASWELL").unwrap(), "intel-haswell");
        assert_eq!(key("haswell").unwrap(), "intel-haswell");
        assert_eq!(key("Haswell").unwrap(), "intel-haswell");
        assert_eq!(key("sandy bridge").unwrap(), "intel-sandybridge");
        assert_eq!(key("zen").unwrap(), "amd-zen");
        assert_eq!(key("zen3").unwrap(), "amd-zen3");
        assert_eq!(key("greyhound-no3dnow").unwrap(), "amd-greyhound-no3dnow");
        let label = builtin_modes().get("intel-haswell").unwrap().label.clone();
        assert_eq!(key(&label).unwrap(), "intel-haswell", "{label}");
    }

    #[test]
    fn ambiguous_short_names_list_the_modes() {
        let e = key("greyhound").unwrap_err();
        assert_eq!(
            e,
            ModeNameError::Ambiguous {
                text: "greyhound".to_string(),
                candidates: vec![
                    "amd-greyhound-no3dnow".to_string(),
                    "amd-greyhound".to_string()
                ]
            }
        );
        assert!(
            e.to_string()
                .contains("did you mean `amd-greyhound-no3dnow` or `amd-greyhound`?"),
            "{e}"
        );
    }

    #[test]
    fn unknown_names_get_suggestions() {
        let e = key("haswel").unwrap_err();
        assert!(
            e.to_string().contains("did you mean `intel-haswell`?"),
            "{e}"
        );
        let e = key("pentium").unwrap_err();
        assert!(
            matches!(&e, ModeNameError::Unknown { suggestions, .. } if suggestions.is_empty()),
            "{e}"
        );
        assert!(e.to_string().contains("intel-merom"), "{e}");
    }
}
