//! The `modes` question on contract v2: the EVC mode catalogue (built-in or a real
//! `SupportedEVCMode` export), every mode with what it exposes and what a host must have to
//! join, kept apart, each with its evidence.

use super::{OptionError, Question, SCHEMA, option_error};
use crate::evc::ModeCatalogue;
use crate::report::ModeReport;
use serde::Serialize;

/// The answer to "which EVC modes are there, and what does each expose and require?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct ModesAnswer {
    /// Always 2.
    pub schema: u32,
    /// `modes`.
    pub question: Question,
    /// Problems with the request's options (`mode`: an unknown mode name).
    pub option_errors: Vec<OptionError>,
    /// What a person should know about the catalogue read.
    pub warnings: Vec<String>,
    /// `built-in` or the SupportedEVCMode export used.
    pub modes_source: String,
    /// The modes asked for: one (`mode` given), else all, in the catalogue's order.
    pub modes: Vec<ModeReport>,
}

/// Answers the `modes` question over a catalogue: every mode, or the one `mode` names (a key,
/// short name or vSphere label; an unknown name is an option error `mode` and no mode is listed).
pub fn answer(modes: &ModeCatalogue, mode: Option<&str>, warnings: Vec<String>) -> ModesAnswer {
    let mut option_errors = Vec::new();
    let selected: Vec<&crate::evc::EvcMode> = match mode {
        Some(name) => match crate::modename::resolve_mode(name, modes) {
            Ok(m) => vec![m],
            Err(e) => {
                option_errors.push(option_error(super::Opt::Mode, e.to_string()));
                Vec::new()
            }
        },
        None => modes.modes.iter().collect(),
    };
    ModesAnswer {
        schema: SCHEMA,
        question: Question::Modes,
        option_errors,
        warnings,
        modes_source: modes.source.clone(),
        modes: selected
            .iter()
            .map(|m| ModeReport::new(m, &modes.source))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mode_or_one_by_any_name() {
        let modes = crate::evc::builtin_modes();
        let all = answer(modes, None, Vec::new());
        assert_eq!(all.modes.len(), modes.modes.len());
        assert_eq!(all.schema, 2);
        let one = answer(modes, Some("haswell"), Vec::new());
        assert_eq!(one.modes.len(), 1);
        assert_eq!(one.modes[0].key, "intel-haswell");
        let bad = answer(modes, Some("intel-haswel"), Vec::new());
        assert!(bad.modes.is_empty());
        assert_eq!(bad.option_errors[0].option, crate::app::Opt::Mode);
    }
}
