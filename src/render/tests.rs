//! Tests of the render stage: the chart spec of each article query, errors in the
//! `render` clause, and the structure of the drawn SVG and PNG files.

use super::data::{self, XKind};
use super::palette;
use super::scene::Shape;
use super::*;
use crate::span::Span;
use crate::syntax::ast::{Ident, Literal, Render, RenderProperty, RenderValue};
use crate::types::{KqlType, Schema};
use polars::prelude::{Column, DataFrame, DataType, TimeUnit};
use std::path::PathBuf;

// ---- building renders and results by hand -------------------------------------------

fn ident(name: &str, start: usize) -> Ident {
    Ident { name: name.to_string(), span: Span::new(start, start + name.len()) }
}

fn text(v: &str) -> RenderValue {
    RenderValue::Literal(Literal::String(v.to_string()))
}

fn word(v: &str) -> RenderValue {
    RenderValue::Names(vec![ident(v, 0)])
}

fn words(v: &[&str]) -> RenderValue {
    RenderValue::Names(v.iter().map(|n| ident(n, 0)).collect())
}

/// `render <viz> with (<props>)`; property `i` spans `100*(i+1) .. 100*(i+1)+50`.
fn render(viz: &str, props: Vec<(&str, RenderValue)>) -> Render {
    let properties = props
        .into_iter()
        .enumerate()
        .map(|(i, (name, value))| {
            let start = 100 * (i + 1);
            RenderProperty { name: ident(name, start), value, span: Span::new(start, start + 50) }
        })
        .collect();
    Render { visualization: ident(viz, 7), properties, span: Span::new(0, 90) }
}

fn prop_span(i: usize) -> Option<Span> {
    Some(Span::new(100 * (i + 1), 100 * (i + 1) + 50))
}

fn name_span(i: usize, name: &str) -> Option<Span> {
    Some(Span::new(100 * (i + 1), 100 * (i + 1) + name.len()))
}

enum Values {
    Str(Vec<&'static str>),
    Owned(Vec<String>),
    Long(Vec<i64>),
    Real(Vec<Option<f64>>),
    Time(Vec<i64>),
    /// Dynamic values as JSON text.
    Dyn(Vec<&'static str>),
}

fn table(cols: Vec<(&str, Values)>) -> ResultTable {
    let mut schema = Vec::new();
    let mut columns = Vec::new();
    for (name, values) in cols {
        let (ty, col) = match values {
            Values::Str(v) => (KqlType::String, Column::new(name.into(), v)),
            Values::Owned(v) => (KqlType::String, Column::new(name.into(), v)),
            Values::Long(v) => (KqlType::Long, Column::new(name.into(), v)),
            Values::Dyn(v) => (KqlType::Dynamic, Column::new(name.into(), v)),
            Values::Real(v) => (KqlType::Real, Column::new(name.into(), v)),
            Values::Time(v) => {
                let c = Column::new(name.into(), v);
                let c = c.cast(&DataType::Datetime(TimeUnit::Nanoseconds, None)).expect("i64 casts to datetime");
                (KqlType::DateTime, c)
            }
        };
        schema.push((name.to_string(), ty));
        columns.push(col);
    }
    let frame = DataFrame::new_infer_height(columns).expect("columns of one length");
    ResultTable { schema: Schema::new(schema), frame }
}

const HOUR_NS: i64 = 3_600_000_000_000;
/// 2026-11-21 06:00:00 UTC.
const T0_NS: i64 = 1_795_240_800 * 1_000_000_000;

// ---- the five charts of the article (seed 000, sections 5.3.1 to 5.3.5) -------------

fn flow_action() -> (Render, ResultTable) {
    let r = render("piechart", vec![("title", text("NSG Flow Log Action \"Allow/Deny\""))]);
    let t = table(vec![("FlowAction", Values::Str(vec!["Allow", "Deny"])), ("count_", Values::Long(vec![1523, 87]))]);
    (r, t)
}

fn flow_type() -> (Render, ResultTable) {
    let r = render("piechart", vec![("title", text("NSG Flow Log FlowType"))]);
    let t = table(vec![
        (
            "FlowType_s",
            Values::Str(vec![
                "IntraVNet",
                "ExternalPublic",
                "AzurePublic",
                "InterVNet",
                "MaliciousFlow",
                "S2S",
                "UnknownPrivate",
                "Unknown",
            ]),
        ),
        ("count_", Values::Long(vec![820, 412, 210, 120, 35, 8, 3, 1])),
    ]);
    (r, t)
}

fn l7_protocol() -> (Render, ResultTable) {
    let r = render("piechart", vec![("title", text("NSG Flow Log Target Protocols"))]);
    let t = table(vec![
        (
            "L7Protocol_s",
            Values::Str(vec!["https", "http", "ssh", "dns", "rdp", "smb", "ntp", "ldap", "kerberos", "smtp", "snmp", "unknown"]),
        ),
        ("count_", Values::Long(vec![950, 210, 120, 80, 45, 30, 12, 8, 5, 3, 2, 1])),
    ]);
    (r, t)
}

/// Hours 0..24 after `T0_NS` except 7 and 8 (no allowed flows then), in the order
/// `summarize` might leave them: not sorted.
fn session_counts() -> (Render, ResultTable) {
    let r = render("columnchart", vec![("title", text("NSG Flow Log Traffic")), ("ytitle", text("Flow(session) Counts"))]);
    let hours: Vec<i64> = (0..24).rev().filter(|h| *h != 7 && *h != 8).collect();
    let times = hours.iter().map(|h| T0_NS + h * HOUR_NS).collect();
    let counts = hours.iter().map(|h| Some(1000.0 + 450.0 * ((*h as f64) / 3.0).sin() + 37.0 * *h as f64)).collect();
    let t = table(vec![("TimeGenerated", Values::Time(times)), ("TotalFlowCounts", Values::Real(counts))]);
    (r, t)
}

/// Seven days of hourly bins, with hours 50 to 53 missing (the collector was down).
fn transfer_mbytes() -> (Render, ResultTable) {
    let r = render("areachart", vec![("title", text("NSG Flow Log Traffic (許可) ")), ("ytitle", text("Mbytes"))]);
    let hours: Vec<i64> = (0..168).filter(|h| !(50..54).contains(h)).collect();
    let times = hours.iter().map(|h| T0_NS + h * HOUR_NS).collect();
    let daily = |h: i64| ((h % 24) as f64 / 24.0 * std::f64::consts::TAU).sin();
    let inbound = hours.iter().map(|h| Some(220.0 + 140.0 * daily(*h))).collect();
    let outbound = hours.iter().map(|h| Some(90.0 + 60.0 * daily(*h + 3))).collect();
    let t = table(vec![
        ("TimeGenerated", Values::Time(times)),
        ("TotalInboundMByte", Values::Real(inbound)),
        ("TotalOutboundMByte", Values::Real(outbound)),
    ]);
    (r, t)
}

fn spec_of((r, t): &(Render, ResultTable)) -> ChartSpec {
    match chart_spec(r, &t.schema) {
        Ok(s) => s,
        Err(e) => panic!("chart_spec failed: {}", e.message),
    }
}

fn svg_of(spec: &ChartSpec, t: &ResultTable) -> String {
    let bytes = chart_bytes(spec, t, ChartFormat::Svg, DEFAULT_WIDTH, DEFAULT_HEIGHT).expect("svg draws");
    String::from_utf8(bytes).expect("svg is utf-8")
}

/// Elements `<tag ...>` of the SVG whose fill is `color`.
fn count(svg: &str, tag: &str, color: palette::Rgb) -> usize {
    let fill = format!("fill=\"{}\"", color.hex());
    svg.split('<').filter(|e| e.starts_with(&format!("{tag} ")) && e.contains(&fill)).count()
}

/// The texts of the SVG's `<text>` elements.
fn texts(svg: &str) -> Vec<String> {
    svg.split("<text ")
        .skip(1)
        .filter_map(|e| e.split_once('>').and_then(|(_, rest)| rest.split_once("</text>")).map(|(t, _)| t.trim().to_string()))
        .collect()
}

/// Where test charts go: `FLOWKQL_CHART_DIR` to keep them for a look, else a temp dir.
fn out_dir() -> PathBuf {
    let dir = match std::env::var_os("FLOWKQL_CHART_DIR") {
        Some(d) => PathBuf::from(d),
        None => std::env::temp_dir().join(format!("flowkql-render-tests-{}", std::process::id())),
    };
    std::fs::create_dir_all(&dir).expect("test output dir");
    dir
}

// ---- specs ---------------------------------------------------------------------------

#[test]
fn article_specs() {
    insta::assert_debug_snapshot!("flow_action_pie", spec_of(&flow_action()));
    insta::assert_debug_snapshot!("flow_type_pie", spec_of(&flow_type()));
    insta::assert_debug_snapshot!("l7_protocol_pie", spec_of(&l7_protocol()));
    insta::assert_debug_snapshot!("session_count_columns", spec_of(&session_counts()));
    insta::assert_debug_snapshot!("transfer_mbytes_areas", spec_of(&transfer_mbytes()));
}

#[test]
fn a_string_column_splits_series_and_numbers_are_the_values() {
    let schema = Schema::new(vec![
        ("TimeGenerated".into(), KqlType::DateTime),
        ("L4Protocol_s".into(), KqlType::String),
        ("FlowCount".into(), KqlType::Long),
        ("Bytes".into(), KqlType::Real),
        ("Note".into(), KqlType::String),
    ]);
    let spec = chart_spec(&render("timechart", vec![]), &schema).expect("spec");
    assert_eq!(spec.x.as_ref().map(|c| c.name.as_str()), Some("TimeGenerated"));
    // "One string column values are used to group the numeric columns ... Other string
    // columns are ignored."
    let series: Vec<&str> = spec.series.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(series, ["L4Protocol_s"]);
    let y: Vec<&str> = spec.y.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(y, ["FlowCount", "Bytes"]);
    assert_eq!(spec.y_title, None, "two y columns share no title");
    assert_eq!(spec.x_title.as_deref(), Some("TimeGenerated"));
}

#[test]
fn timechart_finds_its_datetime_column_when_it_is_not_first() {
    let schema =
        Schema::new(vec![("Proto".into(), KqlType::String), ("TimeGenerated".into(), KqlType::DateTime), ("n".into(), KqlType::Long)]);
    let spec = chart_spec(&render("timechart", vec![]), &schema).expect("spec");
    assert_eq!(spec.x.map(|c| c.name), Some("TimeGenerated".to_string()));
    assert_eq!(spec.series.len(), 1);
}

#[test]
fn properties_set_columns_scales_and_stacking() {
    let schema = Schema::new(vec![
        ("Dest".into(), KqlType::String),
        ("Src".into(), KqlType::String),
        ("In".into(), KqlType::Real),
        ("Out".into(), KqlType::Real),
    ]);
    let r = render(
        "columnchart",
        vec![
            ("kind", word("stacked100")),
            ("xcolumn", word("Src")),
            ("ycolumns", words(&["Out"])),
            ("series", words(&["Dest"])),
            ("legend", word("hidden")),
            ("xtitle", text("source")),
            ("ymin", RenderValue::Literal(Literal::Long(0))),
            ("ymax", RenderValue::Literal(Literal::Real(100.0))),
            ("accumulate", RenderValue::Literal(Literal::Bool(true))),
        ],
    );
    let spec = chart_spec(&r, &schema).expect("spec");
    assert_eq!(spec.stacking, Stacking::Stacked100);
    assert_eq!(spec.x.map(|c| c.name), Some("Src".to_string()));
    assert_eq!(spec.y.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["Out"]);
    assert_eq!(spec.series.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["Dest"]);
    assert!(!spec.legend);
    assert!(spec.accumulate);
    assert_eq!((spec.y_min, spec.y_max), (Some(0.0), Some(100.0)));
    assert_eq!(spec.x_title.as_deref(), Some("source"));
    assert_eq!(spec.y_title.as_deref(), Some("Out"));

    let stacked_area = chart_spec(&render("stackedareachart", vec![]), &schema).expect("spec");
    assert_eq!(stacked_area.stacking, Stacking::Stacked);
    let table = chart_spec(&render("table", vec![("title", text("x"))]), &schema).expect("spec");
    assert_eq!(table.kind, ChartKind::Table);
    assert_eq!(table.x, None);
}

// ---- errors in the render clause ----------------------------------------------------

fn schema2() -> Schema {
    Schema::new(vec![("FlowType_s".into(), KqlType::String), ("count_".into(), KqlType::Long)])
}

fn spec_err(r: Render, schema: &Schema) -> crate::Error {
    match chart_spec(&r, schema) {
        Ok(s) => panic!("expected an error, got {s:?}"),
        Err(e) => e,
    }
}

#[test]
fn an_unknown_property_points_at_its_name_and_suggests_one() {
    let e = spec_err(render("piechart", vec![("title", text("t")), ("titel", text("x"))]), &schema2());
    assert_eq!(e.kind, crate::ErrorKind::Semantic);
    assert_eq!(e.span, name_span(1, "titel"));
    assert!(e.help.as_deref().unwrap_or("").contains("did you mean `title`?"), "{:?}", e.help);
}

#[test]
fn a_property_of_another_visualization_is_named_as_such() {
    let e = spec_err(render("piechart", vec![("ymax", RenderValue::Literal(Literal::Long(5)))]), &schema2());
    assert_eq!(e.span, name_span(0, "ymax"));
    assert!(e.message.contains("piechart has no `ymax`"), "{}", e.message);
}

#[test]
fn bad_values_point_at_the_property_and_list_the_choices() {
    let e = spec_err(render("columnchart", vec![("kind", word("stacked200"))]), &schema2());
    assert_eq!(e.span, prop_span(0));
    assert!(e.help.as_deref().unwrap_or("").contains("default, unstacked, stacked, stacked100"));

    let e = spec_err(render("columnchart", vec![("legend", word("off"))]), &schema2());
    assert!(e.help.as_deref().unwrap_or("").contains("visible, hidden"));

    let e = spec_err(render("columnchart", vec![("title", word("Flows"))]), &schema2());
    assert!(e.message.contains("takes a string"), "{}", e.message);

    let e = spec_err(render("columnchart", vec![("ymin", text("zero"))]), &schema2());
    assert!(e.message.contains("takes a number"), "{}", e.message);

    let e = spec_err(render("linechart", vec![("kind", word("stacked"))]), &schema2());
    assert!(e.message.contains("linechart has no `kind`"), "{}", e.message);

    let e = spec_err(
        render("columnchart", vec![("ymin", RenderValue::Literal(Literal::Long(10))), ("ymax", RenderValue::Literal(Literal::Long(5)))]),
        &schema2(),
    );
    assert_eq!(e.span, prop_span(1));
}

#[test]
fn unknown_columns_and_non_numeric_ycolumns_are_caught() {
    let e = spec_err(render("columnchart", vec![("ycolumns", words(&["Count_"]))]), &schema2());
    assert!(e.help.as_deref().unwrap_or("").contains("did you mean `count_`?"), "{:?}", e.help);
    let e = spec_err(render("columnchart", vec![("ycolumns", words(&["FlowType_s"]))]), &schema2());
    assert!(e.message.contains("not a number"), "{}", e.message);
}

#[test]
fn a_result_without_numbers_cannot_be_drawn() {
    let schema = Schema::new(vec![("SrcIP_s".into(), KqlType::String), ("DestIP_s".into(), KqlType::String)]);
    let e = spec_err(render("piechart", vec![]), &schema);
    assert_eq!(e.kind, crate::ErrorKind::Semantic);
    assert_eq!(e.span, Some(Span::new(7, 15)), "points at the visualization");
    assert!(e.message.contains("numeric column"), "{}", e.message);

    let one = Schema::new(vec![("count_".into(), KqlType::Long)]);
    assert!(spec_err(render("columnchart", vec![]), &one).message.contains("at least two columns"));

    let e = spec_err(render("timechart", vec![]), &schema2());
    assert!(e.message.contains("datetime"), "{}", e.message);
}

#[test]
fn unknown_and_undrawn_visualizations() {
    let e = spec_err(render("piechrt", vec![]), &schema2());
    assert_eq!(e.kind, crate::ErrorKind::Semantic);
    assert!(e.help.as_deref().unwrap_or("").contains("did you mean `piechart`?"));
    let e = spec_err(render("card", vec![]), &schema2());
    assert_eq!(e.kind, crate::ErrorKind::Unsupported);
    let e = spec_err(render("piechart", vec![("kind", word("map"))]), &schema2());
    assert_eq!(e.kind, crate::ErrorKind::Unsupported);
}

// ---- data ----------------------------------------------------------------------------

#[test]
fn series_split_by_key_in_order_of_first_appearance_and_accumulate() {
    let t = table(vec![
        ("TimeGenerated", Values::Time(vec![T0_NS, T0_NS, T0_NS + HOUR_NS, T0_NS + HOUR_NS])),
        ("Proto", Values::Str(vec!["UDP", "TCP", "TCP", "UDP"])),
        ("n", Values::Long(vec![1, 10, 20, 2])),
    ]);
    let r = render("timechart", vec![("accumulate", RenderValue::Literal(Literal::Bool(true)))]);
    let spec = chart_spec(&r, &t.schema).expect("spec");
    let d = data::xy_data(&spec, &t).expect("data");
    assert_eq!(d.x_kind, XKind::Time);
    assert_eq!(d.step, Some(3600.0));
    let names: Vec<&str> = d.series.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["UDP", "TCP"]);
    let udp: Vec<Option<f64>> = d.series[0].points.iter().map(|p| p.y).collect();
    let tcp: Vec<Option<f64>> = d.series[1].points.iter().map(|p| p.y).collect();
    assert_eq!(udp, [Some(1.0), Some(3.0)]);
    assert_eq!(tcp, [Some(10.0), Some(30.0)]);
}

#[test]
fn categories_keep_result_order_and_repeated_ones_add_up() {
    let t = table(vec![("Port", Values::Str(vec!["443", "80", "22", "80"])), ("n", Values::Long(vec![5, 3, 2, 4]))]);
    let spec = chart_spec(&render("columnchart", vec![]), &t.schema).expect("spec");
    let d = data::xy_data(&spec, &t).expect("data");
    assert_eq!(d.categories, ["443", "80", "22"]);
    let ys: Vec<Option<f64>> = d.series[0].points.iter().map(|p| p.y).collect();
    assert_eq!(ys, [Some(5.0), Some(7.0), Some(2.0)]);
}

// ---- drawing ------------------------------------------------------------------------

#[test]
fn pie_svg_has_the_title_a_slice_per_category_and_percent_labels() {
    let case = flow_action();
    let svg = svg_of(&spec_of(&case), &case.1);
    let texts = texts(&svg);
    assert!(texts.iter().any(|t| t == "NSG Flow Log Action &quot;Allow/Deny&quot;"), "{texts:?}");
    assert_eq!(svg.matches("<polygon").count(), 2);
    assert_eq!(count(&svg, "polygon", palette::series(0)), 1);
    // 1523 / (1523 + 87) = 94.60 %, 87 / 1610 = 5.40 %.
    assert!(texts.iter().any(|t| t == "Allow 94.6%"), "{texts:?}");
    assert!(texts.iter().any(|t| t == "Deny 5.4%"), "{texts:?}");
    assert!(texts.iter().any(|t| t == "Allow (1,523)"), "legend: {texts:?}");
}

#[test]
fn pie_with_twelve_protocols_draws_eight_and_other() {
    let case = l7_protocol();
    let svg = svg_of(&spec_of(&case), &case.1);
    assert_eq!(svg.matches("<polygon").count(), 9);
    assert_eq!(count(&svg, "polygon", palette::OTHER), 1);
    // kerberos 5 + smtp 3 + snmp 2 + unknown 1 = 11 of 1466 = 0.75 %.
    let texts = texts(&svg);
    assert!(texts.iter().any(|t| t == "Other 0.8%"), "{texts:?}");
    assert!(texts.iter().any(|t| t == "Other (11)"), "legend: {texts:?}");
    assert!(texts.iter().any(|t| t == "https 64.8%"), "{texts:?}");
}

#[test]
fn column_chart_over_time_draws_a_bar_per_bin_and_leaves_missing_bins_empty() {
    let case = session_counts();
    let spec = spec_of(&case);
    let svg = svg_of(&spec, &case.1);
    assert_eq!(count(&svg, "rect", palette::series(0)), 22);
    let texts = texts(&svg);
    assert!(texts.iter().any(|t| t == "NSG Flow Log Traffic"));
    assert!(texts.iter().any(|t| t == "Flow(session) Counts"));
    assert!(texts.iter().any(|t| t == "TimeGenerated"));
    // The first time tick names the date; bins are hourly so ticks fall on whole hours.
    assert!(texts.iter().any(|t| t.starts_with("2026-11-21 ") && t.ends_with(":00")), "{texts:?}");
    // Thousands read with a separator.
    assert!(texts.iter().any(|t| t.contains(",")), "{texts:?}");

    // Bars stand in time order whatever the row order: hour 6 left of hour 9, and the
    // space of hours 7 and 8 holds no bar.
    let scene = build_scene(&spec, &case.1, 1280.0, 720.0).expect("scene");
    let mut lefts: Vec<f64> = scene
        .shapes
        .iter()
        .filter_map(|s| match s {
            Shape::Rect { x0, fill, .. } if *fill == palette::series(0) => Some(*x0),
            _ => None,
        })
        .collect();
    lefts.sort_by(f64::total_cmp);
    let gaps: Vec<f64> = lefts.windows(2).map(|w| w[1] - w[0]).collect();
    let one = gaps.iter().copied().fold(f64::INFINITY, f64::min);
    let wide: Vec<f64> = gaps.iter().copied().filter(|g| *g > one * 1.5).collect();
    assert_eq!(wide.len(), 1, "one gap");
    assert!((wide[0] / one - 3.0).abs() < 0.1, "the gap spans three bin widths: {}", wide[0] / one);
}

#[test]
fn area_chart_keeps_the_cjk_title_and_breaks_areas_at_the_gap() {
    let case = transfer_mbytes();
    let svg = svg_of(&spec_of(&case), &case.1);
    let texts = texts(&svg);
    assert!(texts.iter().any(|t| t == "NSG Flow Log Traffic (許可)"), "{texts:?}");
    assert!(texts.iter().any(|t| t == "Mbytes"));
    // Two series, each broken into two areas by the missing hours.
    assert_eq!(count(&svg, "polygon", palette::series(0)), 2);
    assert_eq!(count(&svg, "polygon", palette::series(1)), 2);
    assert!(texts.iter().any(|t| t == "TotalInboundMByte"), "legend: {texts:?}");
    assert!(texts.iter().any(|t| t == "TotalOutboundMByte"), "legend: {texts:?}");
    assert!(svg.contains("font-family=\"Noto Sans CJK JP"), "SVG names the font it was laid out with");
}

#[test]
fn timechart_draws_one_line_per_series() {
    let times: Vec<i64> = (0..6).flat_map(|h| [T0_NS + h * HOUR_NS; 3]).collect();
    let protos: Vec<&'static str> = (0..6).flat_map(|_| ["TCP", "UDP", "ICMP"]).collect();
    let n: Vec<i64> = (0..18).map(|i| 10 + i).collect();
    let t = table(vec![("TimeGenerated", Values::Time(times)), ("L4Protocol", Values::Str(protos)), ("n", Values::Long(n))]);
    let spec = chart_spec(&render("timechart", vec![("title", text("Flows by protocol"))]), &t.schema).expect("spec");
    let svg = svg_of(&spec, &t);
    // Series lines are the polylines thicker than the 1 px grid and axis lines.
    let lines: Vec<&str> = svg.split('<').filter(|e| e.starts_with("polyline ") && !e.contains("stroke-width=\"1\"")).collect();
    assert_eq!(lines.len(), 3, "one line per protocol");
    for (i, name) in ["TCP", "UDP", "ICMP"].iter().enumerate() {
        assert!(texts(&svg).iter().any(|t| t == name));
        assert!(lines.iter().any(|l| l.contains(&format!("stroke=\"{}\"", palette::series(i).hex()))));
    }
}

#[test]
fn bar_chart_lists_bars_top_down_in_result_order_and_stacks_when_asked() {
    let t = table(vec![
        ("Dest", Values::Str(vec!["10.0.0.4", "10.0.0.5", "10.0.0.4", "10.0.0.6"])),
        ("Dir", Values::Str(vec!["in", "in", "out", "out"])),
        ("n", Values::Long(vec![30, 20, 10, 5])),
    ]);
    let spec = chart_spec(&render("barchart", vec![("kind", word("stacked"))]), &t.schema).expect("spec");
    let scene = build_scene(&spec, &t, 1280.0, 720.0).expect("scene");
    let label_y = |label: &str| {
        scene.shapes.iter().find_map(|s| match s {
            Shape::Text { text, y, .. } if text == label => Some(*y),
            _ => None,
        })
    };
    let (a, b, c) = (label_y("10.0.0.4"), label_y("10.0.0.5"), label_y("10.0.0.6"));
    assert!(a < b && b < c, "{a:?} {b:?} {c:?}");
    let bars: Vec<(f64, f64, palette::Rgb)> = scene
        .shapes
        .iter()
        .filter_map(|s| match s {
            // Legend swatches are small squares; bars here are far wider.
            Shape::Rect { x0, x1, fill, .. } if *x1 - *x0 > 40.0 => Some((*x0, *x1, *fill)),
            _ => None,
        })
        .collect();
    // Two series ("in", "out") but only the bars of 10.0.0.4 share a row: "out" starts
    // where "in" ends.
    let in_first = bars.iter().find(|b| b.2 == palette::series(0)).map(|b| b.1);
    let out_first = bars.iter().find(|b| b.2 == palette::series(1)).map(|b| b.0);
    assert!(matches!((in_first, out_first), (Some(a), Some(b)) if (a - b).abs() < 1.0), "{bars:?}");
}

#[test]
fn png_decodes_to_the_requested_size_and_is_not_blank() {
    let case = session_counts();
    let bytes = chart_bytes(&spec_of(&case), &case.1, ChartFormat::Png, 800, 450).expect("png");
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("png header");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("png frame");
    assert_eq!((info.width, info.height), (800, 450));
    let pixels = &buf[..info.buffer_size()];
    let bar = palette::series(0);
    let bar_pixels = pixels.chunks(3).filter(|p| p == &[bar.0, bar.1, bar.2]).count();
    assert!(bar_pixels > 800 * 450 / 20, "bars cover a good part: {bar_pixels}");
    let dark = pixels.chunks(3).filter(|p| p.iter().all(|c| *c < 80)).count();
    assert!(dark > 200, "there is text: {dark}");
}

#[test]
fn the_same_chart_gives_the_same_png_bytes() {
    let case = transfer_mbytes();
    let spec = spec_of(&case);
    let a = chart_bytes(&spec, &case.1, ChartFormat::Png, 640, 360).expect("png");
    let b = chart_bytes(&spec, &case.1, ChartFormat::Png, 640, 360).expect("png");
    assert!(a == b);
}

#[test]
fn empty_results_draw_a_note_instead_of_failing() {
    let t = table(vec![("FlowType_s", Values::Str(vec![])), ("count_", Values::Long(vec![]))]);
    for viz in ["piechart", "columnchart"] {
        let spec = chart_spec(&render(viz, vec![]), &t.schema).expect("spec");
        let svg = svg_of(&spec, &t);
        assert!(texts(&svg).iter().any(|t| t == "No data to draw"), "{viz}");
    }
}

// ---- files ---------------------------------------------------------------------------

#[test]
fn the_format_comes_from_the_extension() {
    assert_eq!(chart_format_from_path(Path::new("out/chart.png")).ok(), Some(ChartFormat::Png));
    assert_eq!(chart_format_from_path(Path::new("Chart.SVG")).ok(), Some(ChartFormat::Svg));
    for bad in ["chart.jpg", "chart", "chart.png.txt"] {
        let e = chart_format_from_path(Path::new(bad)).err().map(|e| e.kind);
        assert_eq!(e, Some(crate::ErrorKind::Usage), "{bad}");
    }
}

#[test]
fn the_article_charts_are_written_as_png_and_svg() {
    let dir = out_dir();
    let cases = [
        ("5.3.1-flow-action", flow_action()),
        ("5.3.2-flow-type", flow_type()),
        ("5.3.3-l7-protocol", l7_protocol()),
        ("5.3.4-session-counts", session_counts()),
        ("5.3.5-transfer-mbytes", transfer_mbytes()),
    ];
    for (name, case) in cases {
        let spec = spec_of(&case);
        for ext in ["png", "svg"] {
            let path = dir.join(format!("{name}.{ext}"));
            draw_chart(&spec, &case.1, &path, DEFAULT_WIDTH, DEFAULT_HEIGHT).expect("draws");
            let meta = std::fs::metadata(&path).expect("file written");
            assert!(meta.len() > 1000, "{name}.{ext} has content");
        }
    }
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .expect("dir")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary files stay behind");
}

#[test]
fn a_failed_draw_leaves_no_file() {
    let dir = out_dir();
    let case = flow_action();
    let table_spec = chart_spec(&render("table", vec![]), &case.1.schema).expect("spec");
    let path = dir.join("table.png");
    let e = draw_chart(&table_spec, &case.1, &path, DEFAULT_WIDTH, DEFAULT_HEIGHT).err().map(|e| e.kind);
    assert_eq!(e, Some(crate::ErrorKind::Usage));
    assert!(!path.exists());

    let spec = spec_of(&case);
    let path = dir.join("tiny.png");
    assert!(draw_chart(&spec, &case.1, &path, 10, 10).is_err());
    assert!(!path.exists());

    let path = dir.join("no-such-dir").join("chart.svg");
    let e = draw_chart(&spec, &case.1, &path, DEFAULT_WIDTH, DEFAULT_HEIGHT).err().map(|e| e.kind);
    assert_eq!(e, Some(crate::ErrorKind::Runtime));
    assert!(!path.exists());
}

/// The other visualizations and options, drawn to files (kept with `FLOWKQL_CHART_DIR`).
#[test]
fn every_visualization_draws() {
    let dir = out_dir();
    let hosts =
        vec!["vm-web-frontend-01.contoso.internal", "vm-db-02", "10.0.0.4", "10.0.0.5", "gateway", "vm-web-frontend-01.contoso.internal"];
    let dirs = vec!["in", "in", "in", "out", "out", "out"];
    let by_host = table(vec![
        ("Host", Values::Str(hosts)),
        ("Direction", Values::Str(dirs)),
        ("Bytes", Values::Long(vec![12_500_000, 8_300_000, 950_000, 4_100_000, 22_000_000, 3_000_000])),
    ]);
    let times: Vec<i64> = (0..48).flat_map(|h| [T0_NS + h * 15 * 60_000_000_000; 3]).collect();
    let protos: Vec<&'static str> = (0..48).flat_map(|_| ["TCP", "UDP", "ICMP"]).collect();
    let n: Vec<Option<f64>> = (0..144)
        .map(|i| if (60..66).contains(&i) { None } else { Some(50.0 + (i % 3) as f64 * 40.0 + (i as f64 / 9.0).sin() * 20.0) })
        .collect();
    let by_time = table(vec![("TimeGenerated", Values::Time(times)), ("L4Protocol", Values::Str(protos)), ("Flows", Values::Real(n))]);
    let ports = table(vec![
        ("DestPort", Values::Long(vec![1, 10, 100, 1000, 10_000, 60_000])),
        ("Flows", Values::Real(vec![Some(3.0), Some(40.0), Some(500.0), Some(7000.0), Some(20_000.0), Some(90_000.0)])),
    ]);
    let subnets = table(vec![
        ("Subnet", Values::Owned((0..30).map(|i| format!("10.{i}.0.0/16 (vnet-{i})")).collect())),
        ("Flows", Values::Long((0..30).map(|i| 100 + (i * 37) % 90).collect())),
    ]);
    let cases: Vec<(&str, Render, &ResultTable)> = vec![
        ("column-rotated", render("columnchart", vec![("title", text("Flows by subnet"))]), &subnets),
        ("bar", render("barchart", vec![("title", text("Bytes by host")), ("ytitle", text("bytes"))]), &by_host),
        ("column-stacked", render("columnchart", vec![("kind", word("stacked")), ("title", text("Stacked"))]), &by_host),
        ("column-stacked100", render("columnchart", vec![("kind", word("stacked100"))]), &by_host),
        ("timechart", render("timechart", vec![("title", text("Flows by protocol (15 min)"))]), &by_time),
        ("stackedarea", render("stackedareachart", vec![("title", text("積み上げ"))]), &by_time),
        ("line-log", render("linechart", vec![("xaxis", word("log")), ("yaxis", word("log"))]), &ports),
        ("scatter", render("scatterchart", vec![("legend", word("hidden"))]), &ports),
        (
            "column-ymax",
            render(
                "columnchart",
                vec![("ymin", RenderValue::Literal(Literal::Long(0))), ("ymax", RenderValue::Literal(Literal::Long(10_000_000)))],
            ),
            &by_host,
        ),
    ];
    for (name, r, t) in cases {
        let spec = match chart_spec(&r, &t.schema) {
            Ok(s) => s,
            Err(e) => panic!("{name}: {}", e.message),
        };
        for (w, h, ext) in [(DEFAULT_WIDTH, DEFAULT_HEIGHT, "png"), (640, 360, "png"), (640, 360, "svg")] {
            let path = dir.join(format!("{name}-{w}.{ext}"));
            if let Err(e) = draw_chart(&spec, t, &path, w, h) {
                panic!("{name}: {}", e.message);
            }
            assert!(path.exists(), "{name}");
        }
    }
}

#[test]
fn extreme_values_and_many_categories_still_draw() {
    let extreme = table(vec![
        ("x", Values::Real(vec![Some(f64::INFINITY), Some(1.0), Some(f64::NAN), Some(-1e308), Some(1e308)])),
        ("y", Values::Real(vec![Some(1e308), Some(-1e308), Some(f64::NEG_INFINITY), None, Some(f64::NAN)])),
    ]);
    for viz in ["linechart", "scatterchart", "columnchart", "areachart", "piechart"] {
        let spec = chart_spec(&render(viz, vec![]), &extreme.schema).expect("spec");
        if let Err(e) = chart_bytes(&spec, &extreme, ChartFormat::Svg, 640, 360) {
            panic!("{viz}: {}", e.message);
        }
    }
    let names: Vec<&'static str> = (0..3000).map(|i| &*Box::leak(format!("10.1.{}.{}", i / 256, i % 256).into_boxed_str())).collect();
    let many = table(vec![("DestIP_s", Values::Str(names)), ("n", Values::Long((0..3000).collect()))]);
    for viz in ["columnchart", "barchart", "piechart"] {
        let spec = chart_spec(&render(viz, vec![]), &many.schema).expect("spec");
        let svg = svg_of(&spec, &many);
        assert!(svg.len() > 1000, "{viz}");
    }
}

// ---- series (make-series results) ---------------------------------------------------

/// make-series-operator.md: one row per series, x and y as arrays. The chart draws each
/// row as a series over the x array, as Kusto's timechart does.
#[test]
fn make_series_rows_are_drawn_as_series() {
    let t = table(vec![
        ("FlowType_s", Values::Str(vec!["IntraVNet", "S2S"])),
        ("Flows", Values::Dyn(vec!["[3,5,8]", "[1,0,null]"])),
        (
            "TimeGenerated",
            Values::Dyn(vec![
                r#"["2026-11-21T06:00:00.0000000Z","2026-11-21T07:00:00.0000000Z","2026-11-21T08:00:00.0000000Z"]"#,
                r#"["2026-11-21T06:00:00.0000000Z","2026-11-21T07:00:00.0000000Z","2026-11-21T08:00:00.0000000Z"]"#,
            ]),
        ),
        ("Extra", Values::Dyn(vec![r#"{"a":1}"#, r#"{"a":2}"#])),
    ]);
    let r = render("timechart", vec![]);
    let (spec, rows) = match chart_input(&r, &t) {
        Ok(x) => x,
        Err(e) => panic!("chart_input failed: {}", e.message),
    };
    assert_eq!(spec.x.as_ref().map(|c| (c.name.as_str(), c.ty)), Some(("TimeGenerated", KqlType::DateTime)));
    assert_eq!(spec.y.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), vec!["Flows"]);
    assert_eq!(spec.series.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), vec!["FlowType_s"]);
    // Three points a series (a null is a gap, not a zero).
    assert_eq!(rows.frame.height(), 6);
    let flows: Vec<Option<f64>> = rows.frame.column("Flows").expect("Flows").f64().expect("real").iter().collect();
    assert_eq!(flows, vec![Some(3.0), Some(5.0), Some(8.0), Some(1.0), Some(0.0), None]);
    let times: Vec<Option<i64>> = rows.frame.column("TimeGenerated").expect("x").datetime().expect("datetime").physical().iter().collect();
    assert_eq!(times[..3], [Some(T0_NS), Some(T0_NS + HOUR_NS), Some(T0_NS + 2 * HOUR_NS)]);
    // A dynamic column of property bags is not a series: repeated as it is.
    assert_eq!(rows.schema.get("Extra"), Some(KqlType::Dynamic));
    let svg = svg_of(&spec, &rows);
    let labels = texts(&svg);
    assert!(labels.iter().any(|l| l == "IntraVNet") && labels.iter().any(|l| l == "S2S"), "{labels:?}");
    // A result without arrays is charted as it is.
    let (plain_render, plain) = session_counts();
    let (_, same) = chart_input(&plain_render, &plain).expect("charts");
    assert!(matches!(same, std::borrow::Cow::Borrowed(_)));
    // A lone array column (a make_set) is a value, not a series: nothing is laid out.
    let sets =
        table(vec![("Src", Values::Str(vec!["a", "b"])), ("n", Values::Long(vec![1, 2])), ("Ports", Values::Dyn(vec!["[1,2]", "[3]"]))]);
    let (_, same) = chart_input(&render("columnchart", vec![]), &sets).expect("charts");
    assert!(matches!(same, std::borrow::Cow::Borrowed(_)));
}
