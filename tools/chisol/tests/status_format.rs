// SPDX-License-Identifier: GPL-2.0
//! The status format (shared with the kernel's /proc/PID/task_isolation)
//! and the names of the bits.

use chisol::names::{field, mask_names, parse_quiesce_list, Status, FEATURES, INHERIT, QUIESCE};

#[test]
fn full_status_with_oneshot() {
    let s = Status {
        configured: 1,
        quiesce_mask: 1,
        active_mask: 1,
        oneshot_mask: Some(0),
        inherit_mask: 3,
    };
    assert_eq!(
        s.format(),
        "configured: 0x1 quiesce\n\
         quiesce_mask: 0x1 vmstat_sync\n\
         active_mask: 0x1 quiesce\n\
         oneshot_mask: 0x0\n\
         inherit_mask: 0x3 conf,active\n"
    );
}

#[test]
fn status_from_prctl_leaves_the_oneshot_line_out() {
    let s = Status {
        configured: 1,
        quiesce_mask: 1,
        active_mask: 0,
        oneshot_mask: None,
        inherit_mask: 1,
    };
    assert_eq!(
        s.format(),
        "configured: 0x1 quiesce\n\
         quiesce_mask: 0x1 vmstat_sync\n\
         active_mask: 0x0\n\
         inherit_mask: 0x1 conf\n"
    );
}

#[test]
fn empty_status() {
    assert_eq!(
        Status::default().format(),
        "configured: 0x0\nquiesce_mask: 0x0\nactive_mask: 0x0\ninherit_mask: 0x0\n"
    );
}

#[test]
fn oneshot_names() {
    let s = Status {
        oneshot_mask: Some(1),
        ..Default::default()
    };
    assert!(s.format().contains("\noneshot_mask: 0x1 vmstat_sync\n"));
}

#[test]
fn unknown_bits_are_numbered() {
    assert_eq!(mask_names(0b101, FEATURES), "quiesce,bit2");
    assert_eq!(mask_names(1 << 63, QUIESCE), "bit63");
    assert_eq!(
        field("features", 0x81, FEATURES),
        "features: 0x81 quiesce,bit7"
    );
    assert_eq!(
        field("inherit_mask", 2, INHERIT),
        "inherit_mask: 0x2 active"
    );
}

#[test]
fn quiesce_list() {
    assert_eq!(parse_quiesce_list("vmstat_sync"), Ok(1));
    assert!(parse_quiesce_list("vmstat").is_err());
    assert!(parse_quiesce_list(" vmstat_sync").is_err());
}
