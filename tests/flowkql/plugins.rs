//! The plugins whose columns come from the data: `evaluate bag_unpack` and `evaluate pivot`,
//! with the examples of bag-unpack-plugin.md and pivot-plugin.md.

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

#[test]
fn pivot_turns_values_into_columns() {
    // pivot-plugin.md: one column per distinct value (in order of first appearance), the
    // aggregation (default count()) per group of the other columns; worked by hand.
    let t = "datatable(State:string, EventType:string, Deaths:long)['ALABAMA', 'Wind', 1, 'ALASKA', 'Snow', 2, \
             'ALABAMA', 'Wind', 3, 'ALASKA', 'Wind', 4]";
    let q = format!("{t} | project State, EventType | evaluate pivot(State)");
    assert_eq!(columns(&q), cols(&[("EventType", "string"), ("ALABAMA", "long"), ("ALASKA", "long")]));
    assert_eq!(rows(&q), r(&[&["Wind", "2", "1"], &["Snow", "0", "1"]]));
    let q = format!("{t} | evaluate pivot(State, sum(Deaths), EventType)");
    assert_eq!(rows(&q), r(&[&["Wind", "4", "4"], &["Snow", "0", "2"]]));
    // A declared output schema names the value columns without reading the data.
    let q = format!("{t} | project State, EventType | evaluate pivot(State) : (EventType:string, ALASKA:long)");
    assert_eq!(rows(&q), r(&[&["Wind", "1"], &["Snow", "1"]]));
    let e = error(&format!("{t} | evaluate pivot(State, percentile(Deaths, 50))"));
    assert!(e.message.contains("percentile"), "{}", e.message);
}
