//! Value grammars of vSphere feature data (see `docs/evc-domain.md` §2 of the research notes).
//!
//! * capability: an unsigned number, decimal or `0x` hex, up to 64 bits (`"1"`, `"0x2d"`).
//! * mask: `Op:number` with `Op` ∈ `Val`, `Max`, `Min` (`"Val:1"`, `"Val:0x80000008"`).
//! * requirement: `[Type:]Op:number` with `Type` ∈ `Bool`, `Num` and `Op` ∈ `Min`, `Match`
//!   (`"Bool:Min:1"`, `"Num:Match:1"`, `"Min:1"`, `"Match:6"`).
//!
//! All comparisons of operators are case-insensitive; surrounding whitespace is ignored.

use std::fmt;

/// Why a value did not parse. Carries the offending text for the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    /// The value is empty.
    #[error("empty value, expected a number")]
    Empty,
    /// Not a decimal or `0x` hex number of at most 64 bits (the text as written).
    #[error("`{0}` is not a number (expected decimal or 0x-prefixed hex, at most 64 bits)")]
    NotANumber(String),
    /// Not `Val:n`, `Max:n` or `Min:n` (the text as written).
    #[error("`{0}` is not a feature mask (expected Val:n, Max:n or Min:n)")]
    BadMask(String),
    /// Not `[Bool:|Num:]Min:n` or `[Bool:|Num:]Match:n` (the text as written).
    #[error(
        "`{0}` is not a feature requirement (expected [Bool:|Num:]Min:n or [Bool:|Num:]Match:n)"
    )]
    BadRequirement(String),
}

/// Parses a capability value: decimal or `0x` hex, at most 64 bits.
pub(crate) fn parse_number(text: &str) -> Result<u64, ValueError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(ValueError::Empty);
    }
    let parsed = if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        if hex.is_empty() || hex.len() > 16 {
            None
        } else {
            u64::from_str_radix(hex, 16).ok()
        }
    } else if t.bytes().all(|b| b.is_ascii_digit()) {
        t.parse::<u64>().ok()
    } else {
        None
    };
    parsed.ok_or_else(|| ValueError::NotANumber(t.to_string()))
}

/// How a mask changes a capability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub enum MaskOp {
    /// Present the feature at this value (`Val:1`). For boolean features vSphere only exposes
    /// what the host has: the effective value is `min(capability, n)` (see `Mask::apply`).
    Val,
    /// Clamp down: `min(capability, n)`.
    Max,
    /// Raise: `max(capability, n)`; only seen in VMware's mock-up tests, not in EVC modes.
    Min,
}

/// A `HostFeatureMask` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct Mask {
    /// How the mask changes the capability.
    pub op: MaskOp,
    /// The mask's number.
    pub value: u64,
}

impl Mask {
    /// Parses `Val:1`, `Max:0`, `Min:0x2d`.
    pub fn parse(text: &str) -> Result<Mask, ValueError> {
        let t = text.trim();
        let bad = || ValueError::BadMask(t.to_string());
        let (op, num) = t.split_once(':').ok_or_else(bad)?;
        let op = match op.trim().to_ascii_lowercase().as_str() {
            "val" => MaskOp::Val,
            "max" => MaskOp::Max,
            "min" => MaskOp::Min,
            _ => return Err(bad()),
        };
        let value = parse_number(num).map_err(|_| bad())?;
        Ok(Mask { op, value })
    }

    /// Applies the mask to a boolean/numeric feature capability.
    ///
    /// `identity` features (FAMILY, MODEL, …) take the mask's value as is (\[D\] EVC masks pin them).
    /// For other features `Val:n` exposes `min(cap, n)`: a mask cannot conjure a feature the
    /// hardware lacks (\[I\]; otherwise a host without MD_CLEAR would hand MD_CLEAR to its own VMs).
    pub fn apply(self, capability: u64, identity: bool) -> u64 {
        match self.op {
            MaskOp::Val if identity => self.value,
            MaskOp::Val | MaskOp::Max => capability.min(self.value),
            MaskOp::Min => capability.max(self.value),
        }
    }
}

impl fmt::Display for Mask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = match self.op {
            MaskOp::Val => "Val",
            MaskOp::Max => "Max",
            MaskOp::Min => "Min",
        };
        if self.value > 9 {
            write!(f, "{op}:{:#x}", self.value)
        } else {
            write!(f, "{op}:{}", self.value)
        }
    }
}

/// The declared type of a requirement value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub enum ReqType {
    /// `Bool:`: a boolean feature (0 or 1).
    Bool,
    /// `Num:`: a numeric value.
    Num,
    /// No type prefix (`Min:1`), as in VMware's own tests.
    Untyped,
}

/// The comparison a requirement makes against the host's capability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub enum ReqOp {
    /// capability ≥ value
    Min,
    /// capability = value
    Match,
}

/// A `VirtualMachineFeatureRequirement` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct Requirement {
    /// The declared type (`Bool`, `Num`, or none).
    pub ty: ReqType,
    /// The comparison against the host's capability.
    pub op: ReqOp,
    /// The number compared with.
    pub value: u64,
}

impl Requirement {
    /// The requirement every boolean feature a VM saw at power-on turns into.
    pub const BOOL_MIN_1: Requirement = Requirement {
        ty: ReqType::Bool,
        op: ReqOp::Min,
        value: 1,
    };

    /// Parses `Bool:Min:1`, `Num:Match:1`, `Min:1`, `Match:0x6`.
    pub fn parse(text: &str) -> Result<Requirement, ValueError> {
        let t = text.trim();
        let bad = || ValueError::BadRequirement(t.to_string());
        let parts: Vec<&str> = t.split(':').map(str::trim).collect();
        let (ty, op, num) = match parts.as_slice() {
            [op, num] => (ReqType::Untyped, *op, *num),
            [ty, op, num] => {
                let ty = match ty.to_ascii_lowercase().as_str() {
                    "bool" => ReqType::Bool,
                    "num" => ReqType::Num,
                    _ => return Err(bad()),
                };
                (ty, *op, *num)
            }
            _ => return Err(bad()),
        };
        let op = match op.to_ascii_lowercase().as_str() {
            "min" => ReqOp::Min,
            "match" => ReqOp::Match,
            _ => return Err(bad()),
        };
        let value = parse_number(num).map_err(|_| bad())?;
        Ok(Requirement { ty, op, value })
    }

    /// Whether a host capability value (0 when the key is missing) satisfies this requirement.
    pub fn is_met_by(self, capability: u64) -> bool {
        match self.op {
            ReqOp::Min => capability >= self.value,
            ReqOp::Match => capability == self.value,
        }
    }
}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.ty {
            ReqType::Bool => f.write_str("Bool:")?,
            ReqType::Num => f.write_str("Num:")?,
            ReqType::Untyped => {}
        }
        let op = match self.op {
            ReqOp::Min => "Min",
            ReqOp::Match => "Match",
        };
        if self.value > 9 {
            write!(f, "{op}:{:#x}", self.value)
        } else {
            write!(f, "{op}:{}", self.value)
        }
    }
}

/// Reads `vmx-19`, `19`, `vmx-019`.
pub fn parse_vhw(text: &str) -> Option<u8> {
    let t = text.trim().to_ascii_lowercase();
    let digits = t
        .strip_prefix("vmx-")
        .or_else(|| t.strip_prefix("vmx"))
        .unwrap_or(&t);
    digits
        .trim()
        .parse::<u8>()
        .ok()
        .filter(|v| (3..=40).contains(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(parse_number("1"), Ok(1));
        assert_eq!(parse_number(" 0x2d "), Ok(0x2d));
        assert_eq!(parse_number("0x80000008"), Ok(0x8000_0008));
        assert_eq!(parse_number("0xda08000000000d"), Ok(0x00da_0800_0000_000d));
        assert_eq!(parse_number("18446744073709551615"), Ok(u64::MAX));
        assert!(parse_number("18446744073709551616").is_err());
        assert!(parse_number("0x").is_err());
        assert!(parse_number("-1").is_err());
        assert!(parse_number("").is_err());
        assert!(parse_number("0x11112222333344445").is_err());
    }

    #[test]
    fn masks() {
        assert_eq!(
            Mask::parse("Val:1"),
            Ok(Mask {
                op: MaskOp::Val,
                value: 1
            })
        );
        assert_eq!(Mask::parse("Max:0").unwrap().op, MaskOp::Max);
        assert_eq!(Mask::parse("val:0x2d").unwrap().value, 0x2d);
        assert!(Mask::parse("Bool:Min:1").is_err());
        assert!(Mask::parse("Val").is_err());
        assert_eq!(
            Mask::parse("Val:0x80000008").unwrap().to_string(),
            "Val:0x80000008"
        );
        let val1 = Mask::parse("Val:1").unwrap();
        assert_eq!(val1.apply(0, false), 0);
        assert_eq!(val1.apply(1, false), 1);
        assert_eq!(Mask::parse("Val:6").unwrap().apply(0x19, true), 6);
    }

    #[test]
    fn requirements() {
        let r = Requirement::parse("Bool:Min:1").unwrap();
        assert_eq!(r, Requirement::BOOL_MIN_1);
        assert!(r.is_met_by(1) && !r.is_met_by(0));
        let m = Requirement::parse("Num:Match:1").unwrap();
        assert!(m.is_met_by(1) && !m.is_met_by(2));
        assert_eq!(Requirement::parse("Min:1").unwrap().ty, ReqType::Untyped);
        assert_eq!(Requirement::parse("Match:6").unwrap().value, 6);
        assert!(Requirement::parse("Bool:Max:1").is_err());
        assert!(Requirement::parse("Val:1").is_err());
        assert!(Requirement::parse("Bool:Min:1:2").is_err());
        assert_eq!(
            Requirement::parse("Bool:Match:1").unwrap().to_string(),
            "Bool:Match:1"
        );
    }
}
