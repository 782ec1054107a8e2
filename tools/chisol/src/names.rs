// SPDX-License-Identifier: GPL-2.0
//! Names of the interface's bits, as chisol's options take them and as
//! `--info` prints them (the same names as the kernel's
//! `/proc/PID/task_isolation`, which `--status` prints as it is).

use crate::uapi::{
    ISOL_F_NOTIFY, ISOL_F_QUIESCE, ISOL_F_QUIESCE_LRU, ISOL_F_QUIESCE_VMSTATS, ISOL_INHERIT_ACTIVE,
    ISOL_INHERIT_CONF, ISOL_NOTIFY_EXCEPTION, ISOL_NOTIFY_INTERRUPT, ISOL_NOTIFY_SYSCALL,
};

/// A named bit of a mask.
pub type Names = &'static [(u64, &'static str)];

/// Features (`PR_ISOL_FEAT_GET`, configured and active masks).
pub const FEATURES: Names = &[(ISOL_F_QUIESCE, "quiesce"), (ISOL_F_NOTIFY, "notify")];

/// Quiesce activities (`quiesce_mask`, `quiesce_oneshot_mask`).
pub const QUIESCE: Names = &[
    (ISOL_F_QUIESCE_VMSTATS, "vmstat_sync"),
    (ISOL_F_QUIESCE_LRU, "lru_drain"),
];

/// Notify events (`event_mask`, `supported_events`): the entries into the
/// kernel that count as isolation breaks.
pub const EVENTS: Names = &[
    (ISOL_NOTIFY_SYSCALL, "syscall"),
    (ISOL_NOTIFY_EXCEPTION, "exception"),
    (ISOL_NOTIFY_INTERRUPT, "interrupt"),
];

/// The word of a list that stands for every name the running kernel
/// supports.
pub const ALL: &str = "all";

/// `inherit_mask` bits.
pub const INHERIT: Names = &[
    (ISOL_INHERIT_CONF as u64, "conf"),
    (ISOL_INHERIT_ACTIVE as u64, "active"),
];

/// What the names of a list (`--quiesce`, `--oneshot`, `--notify`) name,
/// as the error messages word it.
#[derive(Debug)]
pub struct Kind {
    pub names: Names,
    /// One of them: "quiesce activity".
    pub one: &'static str,
    /// Several: "quiesce activities".
    pub many: &'static str,
}

/// The names of `--quiesce` and `--oneshot`.
pub const QUIESCE_KIND: Kind = Kind {
    names: QUIESCE,
    one: "quiesce activity",
    many: "quiesce activities",
};

/// The names of `--notify`.
pub const EVENT_KIND: Kind = Kind {
    names: EVENTS,
    one: "notify event",
    many: "notify events",
};

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

/// A list of names as given (`--quiesce`, `--oneshot`, `--notify`): named
/// bits, or `all`, which only the running kernel can turn into a mask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameList {
    /// The bits named, each once.
    Mask(u64),
    /// `all`: every bit the running kernel supports.
    All,
}

/// A `--quiesce`/`--oneshot` list.
pub type QuiesceList = NameList;
/// A `--notify` list.
pub type EventList = NameList;

impl NameList {
    /// The mask to use on a kernel that supports the bits `supported` of
    /// `kind`; `option` names the list in the error, which says which
    /// named bit the kernel lacks and what it supports.
    pub fn resolve(self, supported: u64, option: &str, kind: &Kind) -> Result<u64, String> {
        let names = |mask| match mask {
            0 => "none".to_string(),
            m => mask_names(m, kind.names),
        };
        match self {
            NameList::All if supported == 0 => Err(format!(
                "{option} {ALL}: the running kernel supports no {}",
                kind.one
            )),
            NameList::All => Ok(supported),
            NameList::Mask(mask) => {
                let missing = mask & !supported;
                if missing == 0 {
                    return Ok(mask);
                }
                let (what, is) = if missing.count_ones() == 1 {
                    (kind.one, "is")
                } else {
                    (kind.many, "are")
                };
                Err(format!(
                    "{option}: {what} '{}' {is} not supported by the running kernel \
                     (supported: {})",
                    mask_names(missing, kind.names),
                    names(supported)
                ))
            }
        }
    }
}

/// Parses a comma-separated list of the names of `kind`, or `all` alone.
/// An empty list, an empty name, an unknown one, a name given twice and
/// `all` with other names are errors.
pub fn parse_list(list: &str, kind: &Kind) -> Result<NameList, String> {
    let known = || {
        kind.names
            .iter()
            .map(|(_, n)| *n)
            .chain([ALL])
            .collect::<Vec<_>>()
            .join(", ")
    };
    if list == ALL {
        return Ok(NameList::All);
    }
    if list.is_empty() {
        return Err(format!(
            "empty list: name at least one {} (known: {})",
            kind.one,
            known()
        ));
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
        match kind.names.iter().find(|(_, n)| *n == name) {
            Some((bit, _)) if mask & bit != 0 => {
                return Err(format!("{} '{name}' listed twice", kind.one))
            }
            Some((bit, _)) => mask |= bit,
            None => {
                return Err(format!(
                    "unknown {} '{name}' (known: {})",
                    kind.one,
                    known()
                ))
            }
        }
    }
    Ok(NameList::Mask(mask))
}

/// Parses a `--quiesce`/`--oneshot` list.
pub fn parse_quiesce_list(list: &str) -> Result<QuiesceList, String> {
    parse_list(list, &QUIESCE_KIND)
}

/// Parses a `--notify` list.
pub fn parse_event_list(list: &str) -> Result<EventList, String> {
    parse_list(list, &EVENT_KIND)
}
