//! `find`, with the EventsTable1/EventsTable2 examples of find-operator.md.

use crate::common::*;

const TABLES: &str = r#"
let EventsTable1 = datatable(Session_Id:string, Level:string, EventText:string, Version:string)[
    "acbd207d-51aa-4df7-bfa7-be70eb68f04e", "Information", "Some Text1", "v1.0.0",
    "acbd207d-51aa-4df7-bfa7-be70eb68f04e", "Error", "Some Text2", "v1.0.0",
    "28b8e46e-3c31-43cf-83cb-48921c3986fc", "Error", "Some Text3", "v1.0.1",
    "8f057b11-3281-45c3-a856-05ebb18a3c59", "Information", "Some Text4", "v1.1.0"];
let EventsTable2 = datatable(Session_Id:string, Level:string, EventText:string, EventName:string)[
    "f7d5f95f-f580-4ea6-830b-5776c8d64fdd", "Information", "Some Other Text1", "Event1",
    "acbd207d-51aa-4df7-bfa7-be70eb68f04e", "Information", "Some Other Text2", "Event2",
    "acbd207d-51aa-4df7-bfa7-be70eb68f04e", "Error", "Some Other Text3", "Event3",
    "15eaeab5-8576-4b58-8fc6-478f75d8fee4", "Error", "Some Other Text4", "Event4"];
"#;

const ID: &str = "acbd207d-51aa-4df7-bfa7-be70eb68f04e";

#[test]
fn project_common_uncommon_and_pack_the_rest() {
    let q = format!(
        "{TABLES} find in (EventsTable1, EventsTable2) where Session_Id == '{ID}' and Level == 'Error'
           project EventText, Version, EventName, pack_all()
         | extend Session = tostring(pack_.Session_Id), Lvl = tostring(pack_.Level), keys = array_length(bag_keys(pack_))
         | project-away pack_"
    );
    assert_eq!(
        rows(&q),
        r(&[
            &["EventsTable1", "Some Text2", "v1.0.0", "", ID, "Error", "2"],
            &["EventsTable2", "Some Other Text3", "", "Event3", ID, "Error", "2"]
        ])
    );
}

#[test]
fn common_and_uncommon_columns() {
    let q = format!("{TABLES} find in (EventsTable*) where Version == 'v1.0.0' or EventName == 'Event1' project Session_Id, EventText, Version, EventName");
    assert_eq!(
        columns(&q),
        cols(&[("source_", "string"), ("Session_Id", "string"), ("EventText", "string"), ("Version", "string"), ("EventName", "string")])
    );
    assert_eq!(
        rows(&q),
        r(&[
            &["EventsTable1", ID, "Some Text1", "v1.0.0", ""],
            &["EventsTable1", ID, "Some Text2", "v1.0.0", ""],
            &["EventsTable2", "f7d5f95f-f580-4ea6-830b-5776c8d64fdd", "Some Other Text1", "", "Event1"]
        ])
    );
}

#[test]
fn project_smart_by_default() {
    let q = format!("{TABLES} find in (EventsTable1, EventsTable2) where Session_Id == '{ID}'");
    assert_eq!(
        columns(&q),
        cols(&[("source_", "string"), ("Session_Id", "string"), ("Level", "string"), ("EventText", "string"), ("pack_", "dynamic")])
    );
    assert_eq!(
        rows(&q),
        r(&[
            &["EventsTable1", ID, "Information", "Some Text1", r#"{"Version":"v1.0.0"}"#],
            &["EventsTable1", ID, "Error", "Some Text2", r#"{"Version":"v1.0.0"}"#],
            &["EventsTable2", ID, "Information", "Some Other Text2", r#"{"EventName":"Event2"}"#],
            &["EventsTable2", ID, "Error", "Some Other Text3", r#"{"EventName":"Event3"}"#]
        ])
    );
    // A predicate column only one table has joins the output; the other table still counts.
    let q = format!("{TABLES} find in (EventsTable1, EventsTable2) where EventText == 'Some Text1' and Version == 'v1.0.0'");
    assert_eq!(
        columns(&q),
        cols(&[
            ("source_", "string"),
            ("Session_Id", "string"),
            ("Level", "string"),
            ("EventText", "string"),
            ("Version", "string"),
            ("pack_", "dynamic")
        ])
    );
}

#[test]
fn terms_withsource_and_only_pack() {
    let q = format!("{TABLES} find withsource=T in (EventsTable*) 'Text4' | project T, EventText");
    assert_eq!(rows(&q), r(&[&["EventsTable1", "Some Text4"], &["EventsTable2", "Some Other Text4"]]));
    let q = format!("{TABLES} find in (EventsTable1, EventsTable2) where Session_Id == '{ID}' project pack_all() | extend n = array_length(bag_keys(pack_))");
    assert_eq!(columns(&q), cols(&[("source_", "string"), ("pack_", "dynamic"), ("n", "long")]));
    assert_eq!(rows(&q).iter().map(|r| r[2].clone()).collect::<Vec<_>>(), ["4", "4", "4", "4"]);
    let e = error(&format!("{TABLES} find in (EventsTable1) where Level == 'x' project Nope"));
    assert!(e.message.contains("unknown column `Nope`"), "{}", e.message);
}

#[test]
fn packing_an_empty_table() {
    // A table whose rows all fail the predicate packs nothing (and does not fail).
    assert_eq!(rows("datatable(x:long)[] | extend b = bag_pack('a', x) | count"), r(&[&["0"]]));
}
