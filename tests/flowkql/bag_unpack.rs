//! `evaluate bag_unpack` with the examples of bag-unpack-plugin.md.

use crate::common::*;

const PEOPLE: &str = "datatable(d:dynamic)[dynamic({'Name': 'John', 'Age':20}), dynamic({'Name': 'Dave', 'Age':40}), \
                      dynamic({'Name': 'Jasmine', 'Age':30})]";

#[test]
fn slots_become_columns_in_name_order() {
    let q = format!("{PEOPLE} | evaluate bag_unpack(d)");
    assert_eq!(columns(&q), cols(&[("Age", "long"), ("Name", "string")]));
    assert_eq!(rows(&q), r(&[&["20", "John"], &["40", "Dave"], &["30", "Jasmine"]]));
    let q = format!("{PEOPLE} | evaluate bag_unpack(d, 'Property_')");
    assert_eq!(columns(&q), cols(&[("Property_Age", "long"), ("Property_Name", "string")]));
    // A slot missing from a row is null there.
    let q = "datatable(d:dynamic)[dynamic({'Name': 'John', 'Age':20}), dynamic({'Name': 'Dave', 'Height': 170, 'Age':40})] \
             | evaluate bag_unpack(d) | project Height";
    assert_eq!(rows(q), r(&[&["null"], &["170"]]));
}

#[test]
fn conflicts_and_ignored_properties() {
    let base = "datatable(Name:string, d:dynamic)['Old_name', dynamic({'Name': 'John', 'Age':20})]";
    assert_eq!(rows(&format!("{base} | evaluate bag_unpack(d, columnsConflict='replace_source')")), r(&[&["20", "John"]]));
    assert_eq!(rows(&format!("{base} | evaluate bag_unpack(d, columnsConflict='keep_source')")), r(&[&["20", "Old_name"]]));
    let e = error(&format!("{base} | evaluate bag_unpack(d)"));
    assert!(e.message.contains("Name"), "{}", e.message);
    let q = "datatable(d:dynamic)[dynamic({'Name': 'John', 'Age':20, 'Address': 'Address-1'})] \
             | evaluate bag_unpack(d, ignoredProperties=dynamic(['Address', 'Age']))";
    assert_eq!(rows(q), r(&[&["John"]]));
}

#[test]
fn output_schema_declares_the_columns() {
    let q = "datatable(d:dynamic, Description: string)[dynamic({'Name': 'John', 'Age':20, 'height':180}), 'Student', \
             dynamic({'Name': 'Dave', 'Age':40, 'height':160}), 'Teacher'] | evaluate bag_unpack(d) : (*, Name:string, Age:long)";
    assert_eq!(columns(q), cols(&[("Description", "string"), ("Name", "string"), ("Age", "long")]));
    assert_eq!(rows(q), r(&[&["Student", "John", "20"], &["Teacher", "Dave", "40"]]));
    // Without `*` only the declared columns.
    let q = format!("{PEOPLE} | evaluate bag_unpack(d) : (Name:string)");
    assert_eq!(rows(&q), r(&[&["John"], &["Dave"], &["Jasmine"]]));
}
