// SPDX-License-Identifier: GPL-2.0
//! Names of the interface's bits, as chisol's options take them and as
//! `--info` prints them (the same names as the kernel's
//! `/proc/PID/task_isolation`, which `--status` prints as it is).

use crate::uapi::{ISOL_F_QUIESCE, ISOL_F_QUIESCE_VMSTATS, ISOL_INHERIT_ACTIVE, ISOL_INHERIT_CONF};

/// A named bit of a mask.
pub type Names = &'static [(u64, &'static str)];

/// Features (`PR_ISOL_FEAT_GET`, configured and active masks).
pub const FEATURES: Names = &[(ISOL_F_QUIESCE, "quiesce")];

/// Quiesce activities (`quiesce_mask`, `quiesce_oneshot_mask`).
pub const QUIESCE: Names = &[(ISOL_F_QUIESCE_VMSTATS, "vmstat_sync")];

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

/// Parses a comma-separated list of quiesce activity names into a mask.
pub fn parse_quiesce_list(list: &str) -> Result<u64, String> {
    let known = || {
        QUIESCE
            .iter()
            .map(|(_, n)| *n)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut mask = 0;
    for name in list.split(',') {
        if name.is_empty() {
            return Err(format!("empty name in the list (known: {})", known()));
        }
        match QUIESCE.iter().find(|(_, n)| *n == name) {
            Some((bit, _)) => mask |= bit,
            None => {
                return Err(format!(
                    "unknown quiesce activity '{name}' (known: {})",
                    known()
                ))
            }
        }
    }
    Ok(mask)
}
