//! TEMPORARY until the catalogue is generated from VMware's table: first vHW per key.
use crate::catalogue::{Catalogue, FeatureId, FeatureSet};

fn first(key: &str) -> Option<u8> {
    let k = key.trim_start_matches("cpuid.").to_ascii_uppercase();
    Some(match k.as_str() {
        "IBRS" | "IBPB" | "STIBP" | "SSBD" | "MDCLEAR" | "FCMD" => 9,
        "AVX2" | "BMI2" | "ADX" | "RDSEED" | "SMAP" | "INVPCID" | "XSAVEOPT" => 11,
        _ => 4,
    })
}

impl Catalogue {
    pub fn first_vhw(&self, id: FeatureId) -> Option<u8> {
        first(&self.def(id).key)
    }
    pub fn exposable_at(&self, vhw: u8) -> FeatureSet {
        self.iter()
            .filter(|(id, _)| self.first_vhw(*id).is_some_and(|f| f <= vhw))
            .map(|(id, _)| id)
            .collect()
    }
    pub fn requirable_at(&self, vhw: u8) -> FeatureSet {
        self.requirable().intersection(self.exposable_at(vhw))
    }
    pub fn unproven(&self) -> FeatureSet {
        FeatureSet::default()
    }
}
