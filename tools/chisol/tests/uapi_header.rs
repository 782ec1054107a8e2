// SPDX-License-Identifier: GPL-2.0
//! src/uapi.rs against the C header it mirrors: every PR_ISOL_*, I_CFG_*
//! and ISOL_* value, and every structure's size and field offsets, parsed
//! from include/uapi/linux/task_isolation.h.

use std::collections::BTreeMap;
use std::mem::{offset_of, size_of};
use std::path::PathBuf;

use chisol::uapi::*;

fn header() -> String {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../include/uapi/linux/task_isolation.h");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A C integer literal as the header writes them: 0x1ULL, 2, (1 << 3).
fn c_value(text: &str) -> u64 {
    let t = text
        .trim()
        .trim_start_matches('(')
        .trim_end_matches(')')
        .trim();
    if let Some((a, b)) = t.split_once("<<") {
        return c_value(a) << c_value(b);
    }
    let t = t.trim_end_matches(['u', 'U', 'l', 'L']);
    match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => t.parse(),
    }
    .unwrap_or_else(|e| panic!("cannot parse C value {text:?}: {e}"))
}

/// `#define NAME VALUE` lines of the interface's prefixes.
fn defines(h: &str) -> BTreeMap<String, u64> {
    let mut map = BTreeMap::new();
    for line in h.lines() {
        let Some(rest) = line.trim_start().strip_prefix("#define") else {
            continue;
        };
        let rest = rest.split("/*").next().unwrap();
        let mut words = rest.split_whitespace();
        let (Some(name), value) = (words.next(), words.collect::<Vec<_>>().join(" ")) else {
            continue;
        };
        if ["PR_ISOL_", "I_CFG_", "ISOL_"]
            .iter()
            .any(|p| name.starts_with(p))
        {
            assert!(
                map.insert(name.to_string(), c_value(&value)).is_none(),
                "{name} twice"
            );
        }
    }
    map
}

/// A structure's fields (name, offset, size) and its size.
type Layout = (Vec<(String, usize, usize)>, usize);

/// The fields of each `struct NAME { ... };`: name, offset, size, computed
/// with the natural alignment of the __u8..__u64 types.
fn structs(h: &str) -> BTreeMap<String, Layout> {
    let mut map = BTreeMap::new();
    let mut lines = h.lines();
    while let Some(line) = lines.next() {
        let Some(name) = line
            .strip_prefix("struct ")
            .and_then(|l| l.strip_suffix(" {"))
        else {
            continue;
        };
        let (mut fields, mut off, mut align) = (Vec::new(), 0usize, 1usize);
        for line in lines.by_ref() {
            let decl = line.split("/*").next().unwrap().trim();
            if decl == "};" {
                break;
            }
            if decl.is_empty() {
                continue;
            }
            let decl = decl
                .strip_suffix(';')
                .unwrap_or_else(|| panic!("{name}: {decl:?}"));
            let (ty, field) = decl.split_once(char::is_whitespace).unwrap();
            let size = match ty {
                "__u8" => 1,
                "__u16" => 2,
                "__u32" => 4,
                "__u64" => 8,
                _ => panic!("{name}: unexpected type {ty}"),
            };
            let (field, count) = match field.trim().split_once('[') {
                Some((f, n)) => (f, n.trim_end_matches(']').parse::<usize>().unwrap()),
                None => (field.trim(), 1),
            };
            off = off.next_multiple_of(size);
            fields.push((field.to_string(), off, size * count));
            off += size * count;
            align = align.max(size);
        }
        map.insert(name.to_string(), (fields, off.next_multiple_of(align)));
    }
    map
}

#[test]
fn every_constant_matches_the_header() {
    let ours: BTreeMap<String, u64> = [
        ("PR_ISOL_FEAT_GET", PR_ISOL_FEAT_GET as u64),
        ("PR_ISOL_CFG_GET", PR_ISOL_CFG_GET as u64),
        ("PR_ISOL_CFG_SET", PR_ISOL_CFG_SET as u64),
        ("PR_ISOL_ACTIVATE_GET", PR_ISOL_ACTIVATE_GET as u64),
        ("PR_ISOL_ACTIVATE_SET", PR_ISOL_ACTIVATE_SET as u64),
        ("I_CFG_FEAT", I_CFG_FEAT),
        ("I_CFG_INHERIT", I_CFG_INHERIT),
        ("ISOL_F_QUIESCE", ISOL_F_QUIESCE),
        ("ISOL_F_NOTIFY", ISOL_F_NOTIFY),
        ("ISOL_F_QUIESCE_VMSTATS", ISOL_F_QUIESCE_VMSTATS),
        ("ISOL_F_QUIESCE_LRU", ISOL_F_QUIESCE_LRU),
        ("ISOL_INHERIT_CONF", ISOL_INHERIT_CONF as u64),
        ("ISOL_INHERIT_ACTIVE", ISOL_INHERIT_ACTIVE as u64),
        ("ISOL_NOTIFY_SYSCALL", ISOL_NOTIFY_SYSCALL),
        ("ISOL_NOTIFY_EXCEPTION", ISOL_NOTIFY_EXCEPTION),
        ("ISOL_NOTIFY_INTERRUPT", ISOL_NOTIFY_INTERRUPT),
    ]
    .into_iter()
    .map(|(n, v)| (n.to_string(), v))
    .collect();
    // Same names (a constant added to the header must be mirrored), same values.
    assert_eq!(defines(&header()), ours);
}

#[test]
fn every_structure_matches_the_header() {
    fn size_of_field<T, F>(_: fn(&T) -> &F) -> usize {
        size_of::<F>()
    }
    // A field of a Rust structure: name, offset and size.
    macro_rules! fld {
        ($t:ident, $f:ident) => {
            (
                stringify!($f).to_string(),
                offset_of!($t, $f),
                size_of_field(|s: &$t| &s.$f),
            )
        };
    }
    let ours: BTreeMap<String, Layout> = [
        (
            "task_isol_quiesce_extensions",
            (
                vec![
                    fld!(TaskIsolQuiesceExtensions, flags),
                    fld!(TaskIsolQuiesceExtensions, supported_quiesce_bits),
                    fld!(TaskIsolQuiesceExtensions, pad),
                ],
                size_of::<TaskIsolQuiesceExtensions>(),
            ),
        ),
        (
            "task_isol_quiesce_control",
            (
                vec![
                    fld!(TaskIsolQuiesceControl, flags),
                    fld!(TaskIsolQuiesceControl, quiesce_mask),
                    fld!(TaskIsolQuiesceControl, pad),
                ],
                size_of::<TaskIsolQuiesceControl>(),
            ),
        ),
        (
            "task_isol_inherit_control",
            (
                vec![
                    fld!(TaskIsolInheritControl, inherit_mask),
                    fld!(TaskIsolInheritControl, pad),
                ],
                size_of::<TaskIsolInheritControl>(),
            ),
        ),
        (
            "task_isol_activate_control",
            (
                vec![
                    fld!(TaskIsolActivateControl, flags),
                    fld!(TaskIsolActivateControl, quiesce_oneshot_mask),
                    fld!(TaskIsolActivateControl, pad),
                ],
                size_of::<TaskIsolActivateControl>(),
            ),
        ),
        (
            "task_isol_notify_extensions",
            (
                vec![
                    fld!(TaskIsolNotifyExtensions, flags),
                    fld!(TaskIsolNotifyExtensions, supported_events),
                    fld!(TaskIsolNotifyExtensions, pad),
                ],
                size_of::<TaskIsolNotifyExtensions>(),
            ),
        ),
        (
            "task_isol_notify_control",
            (
                vec![
                    fld!(TaskIsolNotifyControl, flags),
                    fld!(TaskIsolNotifyControl, event_mask),
                    fld!(TaskIsolNotifyControl, signo),
                    fld!(TaskIsolNotifyControl, pad0),
                    fld!(TaskIsolNotifyControl, pad),
                ],
                size_of::<TaskIsolNotifyControl>(),
            ),
        ),
    ]
    .into_iter()
    .map(|(n, l)| (n.to_string(), l))
    .collect();
    assert_eq!(structs(&header()), ours);
}

#[test]
fn contract_sizes() {
    assert_eq!(size_of::<TaskIsolQuiesceExtensions>(), 64);
    assert_eq!(size_of::<TaskIsolQuiesceControl>(), 64);
    assert_eq!(size_of::<TaskIsolInheritControl>(), 8);
    assert_eq!(size_of::<TaskIsolActivateControl>(), 64);
    assert_eq!(size_of::<TaskIsolNotifyExtensions>(), 64);
    assert_eq!(size_of::<TaskIsolNotifyControl>(), 64);
}

#[test]
fn c_value_parser() {
    assert_eq!(c_value("0x49534647"), 0x4953_4647);
    assert_eq!(c_value("0x1ULL"), 1);
    assert_eq!(c_value("(1ULL << 0)"), 1);
    assert_eq!(c_value("(1 << 1)"), 2);
    assert_eq!(c_value("2"), 2);
}
