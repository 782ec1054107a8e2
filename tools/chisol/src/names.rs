// SPDX-License-Identifier: GPL-2.0
//! Names of the interface's bits, as chisol's options take them and as
//! `--info` prints them (the same names as the kernel's
//! `/proc/PID/task_isolation`, which `--status` prints as it is).

use crate::uapi::{
    ISOL_F_QUIESCE, ISOL_F_QUIESCE_LRU, ISOL_F_QUIESCE_VMSTATS, ISOL_INHERIT_ACTIVE,
    ISOL_INHERIT_CONF,
};

/// A named bit of a mask.
pub type Names = &'static [(u64, &'static str)];

/// Features (`PR_ISOL_FEAT_GET`, configured and active masks).
pub const FEATURES: Names = &[(ISOL_F_QUIESCE, "quiesce")];

/// Quiesce activities (`quiesce_mask`, `quiesce_oneshot_mask`).
pub const QUIESCE: Names = &[
    (ISOL_F_QUIESCE_VMSTATS, "vmstat_sync"),
    (ISOL_F_QUIESCE_LRU, "lru_drain"),
];

/// The word of a quiesce list that stands for every activity the running
/// kernel supports.
pub const ALL: &str = "all";

/// `inherit_mask` bits.
pub const INHERIT: Names = &[
    (ISOL_INHERIT_CONF as u64, "conf"),
    (ISOL_INHERIT_ACTIVE as u64, "active"),
];

/// The comma-separated names of the bits set in `mask`; a bit without a
/// name (from a newer kernel) reads `bitN`.
pub fn mask_names(mask: u64, names: Names) -> String {
    (0..64)
        .map(|bit| 1u64 << bit)
        .filter(|b| mask & b != 0)
        .map(|b| match names.iter().find(|(v, _)| *v == b) {
            Some((_, name)) => (*name).to_string(),
            None => format!("bit{}", b.trailing_zeros()),
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// One line of the status format: `key: 0xHEX names`, without the names
/// when the value is 0.
pub fn field(key: &str, value: u64, names: Names) -> String {
    if value == 0 {
        format!("{key}: 0x0")
    } else {
        format!("{key}: {value:#x} {}", mask_names(value, names))
    }
}

/// A `--quiesce`/`--oneshot` list as given: named activities, or `all`,
/// which only the running kernel can turn into a mask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuiesceList {
    /// The activities named, each once.
    Mask(u64),
    /// `all`: every activity the running kernel supports.
    All,
}

impl QuiesceList {
    /// The mask to use on a kernel that supports the quiesce activities
    /// `supported`; `option` names the list in the error, which says which
    /// named activity the kernel lacks and what it supports.
    pub fn resolve(self, supported: u64, option: &str) -> Result<u64, String> {
        let names = |mask| match mask {
            0 => "none".to_string(),
            m => mask_names(m, QUIESCE),
        };
        match self {
            QuiesceList::All if supported == 0 => Err(format!(
                "{option} {ALL}: the running kernel supports no quiesce activity"
            )),
            QuiesceList::All => Ok(supported),
            QuiesceList::Mask(mask) => {
                let missing = mask & !supported;
                if missing == 0 {
                    return Ok(mask);
                }
                let (what, is) = if missing.count_ones() == 1 {
                    ("quiesce activity", "is")
                } else {
                    ("quiesce activities", "are")
                };
                Err(format!(
                    "{option}: {what} '{}' {is} not supported by the running kernel \
                     (supported: {})",
                    mask_names(missing, QUIESCE),
                    names(supported)
                ))
            }
        }
    }
}

/// Parses a comma-separated list of quiesce activity names, or `all`
/// alone. An empty name, an unknown one, a name given twice and `all` with
/// other names are errors.
pub fn parse_quiesce_list(list: &str) -> Result<QuiesceList, String> {
    let known = || {
        QUIESCE
            .iter()
            .map(|(_, n)| *n)
            .chain([ALL])
            .collect::<Vec<_>>()
            .join(", ")
    };
    if list == ALL {
        return Ok(QuiesceList::All);
    }
    let mut mask = 0;
    for name in list.split(',') {
        if name.is_empty() {
            return Err(format!("empty name in the list (known: {})", known()));
        }
        if name == ALL {
            return Err(format!(
                "'{ALL}' stands alone: it cannot be listed with other names"
            ));
        }
        match QUIESCE.iter().find(|(_, n)| *n == name) {
            Some((bit, _)) if mask & bit != 0 => {
                return Err(format!("quiesce activity '{name}' listed twice"))
            }
            Some((bit, _)) => mask |= bit,
            None => {
                return Err(format!(
                    "unknown quiesce activity '{name}' (known: {})",
                    known()
                ))
            }
        }
    }
    Ok(QuiesceList::Mask(mask))
}
