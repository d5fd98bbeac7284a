//! From the `render` clause to a [`ChartSpec`]: the visualization, its properties and
//! which result columns play the x, y and series roles.
//!
//! This runs before the query's result exists (only its schema), so every mistake in the
//! clause is reported as a semantic error pointing into the query text. The column roles
//! follow the Kusto documentation: the first column is the x axis (or the pie's labels),
//! numeric columns are the y values, and a string column splits the rows into series.

use crate::error::{nearest, Error, Result};
use crate::span::Span;
use crate::syntax::ast::{Ident, Literal, Render, RenderProperty, RenderValue};
use crate::types::{KqlType, Schema};

/// What `render` asks for, resolved against the result schema.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartSpec {
    pub kind: ChartKind,
    /// The effective `kind=` of area, bar and column charts.
    pub stacking: Stacking,
    pub title: Option<String>,
    /// The x-axis title: `xtitle`, else the x column's name. `None` for pies and tables.
    pub x_title: Option<String>,
    /// The y-axis title: `ytitle`, else the y column's name when there is only one.
    pub y_title: Option<String>,
    /// `legend=visible` (the default) or `hidden`.
    pub legend: bool,
    /// The x axis (a pie's slice labels). `None` only for tables.
    pub x: Option<ChartColumn>,
    /// The numeric columns drawn as values.
    pub y: Vec<ChartColumn>,
    /// Columns whose combined values split the rows into series.
    pub series: Vec<ChartColumn>,
    pub y_min: Option<f64>,
    pub y_max: Option<f64>,
    pub x_scale: AxisScale,
    pub y_scale: AxisScale,
    /// `accumulate=true`: each value is added to all its predecessors in the series.
    pub accumulate: bool,
    /// The `render` clause, for errors found only once the data is seen.
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChartColumn {
    pub name: String,
    pub ty: KqlType,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    Pie,
    Column,
    Bar,
    Area,
    StackedArea,
    Line,
    Time,
    Scatter,
    Table,
}

impl ChartKind {
    /// The visualization name as written after `render`.
    pub fn name(self) -> &'static str {
        match self {
            ChartKind::Pie => "piechart",
            ChartKind::Column => "columnchart",
            ChartKind::Bar => "barchart",
            ChartKind::Area => "areachart",
            ChartKind::StackedArea => "stackedareachart",
            ChartKind::Line => "linechart",
            ChartKind::Time => "timechart",
            ChartKind::Scatter => "scatterchart",
            ChartKind::Table => "table",
        }
    }

    const ALL: [ChartKind; 9] = [
        ChartKind::Pie,
        ChartKind::Column,
        ChartKind::Bar,
        ChartKind::Area,
        ChartKind::StackedArea,
        ChartKind::Line,
        ChartKind::Time,
        ChartKind::Scatter,
        ChartKind::Table,
    ];

    fn from_name(name: &str) -> Option<ChartKind> {
        ChartKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The properties Kusto documents for this visualization (`table` accepts them all
    /// and ignores them).
    fn properties(self) -> &'static [&'static str] {
        const CARTESIAN: &[&str] = &[
            "accumulate",
            "kind",
            "legend",
            "series",
            "title",
            "xaxis",
            "xcolumn",
            "xtitle",
            "yaxis",
            "ycolumns",
            "ymax",
            "ymin",
            "ysplit",
            "ytitle",
        ];
        match self {
            ChartKind::Pie => {
                &["accumulate", "kind", "legend", "series", "title", "xaxis", "xcolumn", "xtitle", "yaxis", "ycolumns", "ytitle"]
            }
            ChartKind::Line | ChartKind::Time | ChartKind::StackedArea => &[
                "accumulate",
                "legend",
                "series",
                "title",
                "xaxis",
                "xcolumn",
                "xtitle",
                "yaxis",
                "ycolumns",
                "ymax",
                "ymin",
                "ysplit",
                "ytitle",
            ],
            ChartKind::Scatter => &[
                "accumulate",
                "kind",
                "legend",
                "series",
                "title",
                "xaxis",
                "xcolumn",
                "xtitle",
                "yaxis",
                "ycolumns",
                "ymax",
                "ymin",
                "ytitle",
            ],
            ChartKind::Column | ChartKind::Bar | ChartKind::Area | ChartKind::Table => CARTESIAN,
        }
    }

    /// The `kind=` values this visualization takes, as the Kusto documentation lists them.
    fn kinds(self) -> &'static [&'static str] {
        match self {
            ChartKind::Area | ChartKind::Bar | ChartKind::Column => &["default", "unstacked", "stacked", "stacked100"],
            ChartKind::Pie | ChartKind::Scatter => &["map"],
            _ => &[],
        }
    }
}

/// Visualizations Kusto has that flowkql does not draw.
const UNDRAWN: &[&str] = &["anomalychart", "card", "ladderchart", "pivotchart", "timepivot", "treemap", "3Dchart", "list"];

/// All the property names Kusto knows, for "did you mean".
const ALL_PROPERTIES: &[&str] = &[
    "accumulate",
    "kind",
    "legend",
    "series",
    "title",
    "xaxis",
    "xcolumn",
    "xtitle",
    "yaxis",
    "ycolumns",
    "ymax",
    "ymin",
    "ysplit",
    "ytitle",
    "anomalycolumns",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stacking {
    /// Kusto's `default` and `unstacked`: each series stands on its own.
    Unstacked,
    Stacked,
    /// Stacked, and each x value stretched to 100%.
    Stacked100,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AxisScale {
    Linear,
    Log,
}

/// Checks the `render` clause against the result schema and settles the column roles.
pub fn chart_spec(render: &Render, schema: &Schema) -> Result<ChartSpec> {
    let kind = visualization(&render.visualization)?;
    let props = Properties::read(kind, render)?;

    let mut spec = ChartSpec {
        kind,
        stacking: match kind {
            ChartKind::StackedArea => Stacking::Stacked,
            _ => props.stacking,
        },
        title: props.title.clone(),
        x_title: None,
        y_title: None,
        legend: props.legend,
        x: None,
        y: Vec::new(),
        series: Vec::new(),
        y_min: props.y_min,
        y_max: props.y_max,
        x_scale: props.x_scale,
        y_scale: props.y_scale,
        accumulate: props.accumulate,
        span: render.span,
    };
    if kind == ChartKind::Table {
        return Ok(spec);
    }
    if let (Some(lo), Some(hi)) = (props.y_min, props.y_max) {
        if lo >= hi {
            let span = props.y_max_span.unwrap_or(render.span);
            return Err(Error::semantic(span, format!("ymax ({hi}) must be greater than ymin ({lo})")).with_label("not above ymin"));
        }
    }

    let roles = Roles::resolve(kind, &props, schema, render)?;
    spec.x_title = match kind {
        ChartKind::Pie => None,
        _ => Some(props.x_title.clone().unwrap_or_else(|| roles.x.name.clone())),
    };
    spec.y_title = match (kind, &props.y_title) {
        (ChartKind::Pie, _) => None,
        (_, Some(t)) => Some(t.clone()),
        (_, None) if roles.y.len() == 1 => Some(roles.y[0].name.clone()),
        _ => None,
    };
    if spec.y_scale == AxisScale::Log && spec.stacking == Stacking::Stacked100 {
        let span = props.y_scale_span.unwrap_or(render.span);
        return Err(Error::semantic(span, "a stacked100 chart is drawn in percent and cannot use a log y axis")
            .with_help("use yaxis=linear, or kind=stacked"));
    }
    if spec.x_scale == AxisScale::Log && !(roles.x.ty.is_numeric() && x_is_continuous(kind)) {
        let span = props.x_scale_span.unwrap_or(render.span);
        return Err(Error::semantic(
            span,
            format!(
                "xaxis=log needs numbers along the x axis; {} places `{}` ({}) as {}",
                kind.name(),
                roles.x.name,
                roles.x.ty,
                if roles.x.ty.is_numeric() { "categories" } else { "non-numbers" }
            ),
        )
        .with_label("log scale on a non-numeric axis")
        .with_help("use xaxis=log with a numeric first column in linechart, areachart or scatterchart"));
    }
    spec.x = Some(roles.x);
    spec.y = roles.y;
    spec.series = roles.series;
    Ok(spec)
}

/// Whether numbers on the x axis are placed by value (not as categories).
fn x_is_continuous(kind: ChartKind) -> bool {
    matches!(kind, ChartKind::Area | ChartKind::StackedArea | ChartKind::Line | ChartKind::Scatter)
}

fn visualization(name: &Ident) -> Result<ChartKind> {
    if let Some(kind) = ChartKind::from_name(&name.name) {
        return Ok(kind);
    }
    let names: Vec<&str> = ChartKind::ALL.iter().map(|k| k.name()).collect();
    if UNDRAWN.contains(&name.name.as_str()) {
        return Err(
            Error::unsupported(name.span, format_args!("`render {}`", name.name)).with_help(format!("flowkql draws {}", names.join(", ")))
        );
    }
    let mut err = Error::semantic(name.span, format!("`{}` is not a visualization", name.name)).with_label("unknown visualization");
    err = match nearest(&name.name, names.iter().copied()) {
        Some(n) => err.with_help(format!("did you mean `{n}`? The visualizations are {}", names.join(", "))),
        None => err.with_help(format!("the visualizations are {}", names.join(", "))),
    };
    Err(err)
}

/// The `with(...)` properties, each checked for its type and allowed values.
struct Properties {
    title: Option<String>,
    x_title: Option<String>,
    y_title: Option<String>,
    legend: bool,
    stacking: Stacking,
    x_column: Option<Ident>,
    y_columns: Option<Vec<Ident>>,
    series: Option<Vec<Ident>>,
    y_min: Option<f64>,
    y_max: Option<f64>,
    y_max_span: Option<Span>,
    x_scale: AxisScale,
    x_scale_span: Option<Span>,
    y_scale: AxisScale,
    y_scale_span: Option<Span>,
    accumulate: bool,
}

impl Properties {
    fn read(kind: ChartKind, render: &Render) -> Result<Properties> {
        let mut p = Properties {
            title: None,
            x_title: None,
            y_title: None,
            legend: true,
            stacking: Stacking::Unstacked,
            x_column: None,
            y_columns: None,
            series: None,
            y_min: None,
            y_max: None,
            y_max_span: None,
            x_scale: AxisScale::Linear,
            x_scale_span: None,
            y_scale: AxisScale::Linear,
            y_scale_span: None,
            accumulate: false,
        };
        let mut seen: Vec<&str> = Vec::new();
        for prop in &render.properties {
            let name = prop.name.name.as_str();
            if !ALL_PROPERTIES.contains(&name) {
                let mut err = Error::semantic(prop.name.span, format!("`{name}` is not a render property")).with_label("unknown property");
                let allowed = kind.properties();
                err = match nearest(name, allowed.iter().copied()) {
                    Some(n) => err.with_help(format!("did you mean `{n}`? {} takes {}", kind.name(), allowed.join(", "))),
                    None => err.with_help(format!("{} takes {}", kind.name(), allowed.join(", "))),
                };
                return Err(err);
            }
            if !kind.properties().contains(&name) {
                return Err(Error::semantic(prop.name.span, format!("{} has no `{name}` property", kind.name()))
                    .with_label("not a property of this visualization")
                    .with_help(format!("{} takes {}", kind.name(), kind.properties().join(", "))));
            }
            if seen.contains(&name) {
                return Err(Error::semantic(prop.span, format!("`{name}` is given twice")).with_label("repeated"));
            }
            seen.push(name);
            match name {
                "title" => p.title = Some(text(prop)?),
                "xtitle" => p.x_title = Some(text(prop)?),
                "ytitle" => p.y_title = Some(text(prop)?),
                "legend" => p.legend = choice(prop, &["visible", "hidden"])? == "visible",
                "kind" => {
                    let value = choice(prop, kind.kinds())?;
                    p.stacking = match value.as_str() {
                        "stacked" => Stacking::Stacked,
                        "stacked100" => Stacking::Stacked100,
                        "map" => {
                            return Err(Error::unsupported(prop.span, "`kind=map` (a map of geographic points)")
                                .with_help("draw the points with render scatterchart, without kind"))
                        }
                        _ => Stacking::Unstacked,
                    };
                }
                "xcolumn" => {
                    let mut names = names(prop)?;
                    if names.len() != 1 {
                        return Err(Error::semantic(prop.span, "xcolumn takes one column").with_label("more than one"));
                    }
                    p.x_column = names.pop();
                }
                "ycolumns" => p.y_columns = Some(names(prop)?),
                "series" => p.series = Some(names(prop)?),
                "ymin" => p.y_min = Some(number(prop)?),
                "ymax" => {
                    p.y_max = Some(number(prop)?);
                    p.y_max_span = Some(prop.span);
                }
                "xaxis" => {
                    p.x_scale = scale(prop)?;
                    p.x_scale_span = Some(prop.span);
                }
                "yaxis" => {
                    p.y_scale = scale(prop)?;
                    p.y_scale_span = Some(prop.span);
                }
                "accumulate" => p.accumulate = boolean(prop)?,
                "ysplit" => {
                    let value = choice(prop, &["none", "axes", "panels"])?;
                    if value != "none" {
                        return Err(Error::unsupported(prop.span, format_args!("`ysplit={value}`"))
                            .with_help("draw one chart per column with separate queries, or leave ysplit out"));
                    }
                }
                _ => {
                    return Err(Error::unsupported(prop.name.span, format_args!("the `{name}` property")).with_help(format!(
                        "{} takes {}",
                        kind.name(),
                        kind.properties().join(", ")
                    )));
                }
            }
        }
        Ok(p)
    }
}

fn text(prop: &RenderProperty) -> Result<String> {
    match &prop.value {
        RenderValue::Literal(Literal::String(s)) => Ok(s.clone()),
        _ => Err(value_error(prop, "a string").with_help(format!("quote the text: {}=\"...\"", prop.name.name))),
    }
}

/// One of a fixed set of words; a quoted word is taken too.
fn choice(prop: &RenderProperty, allowed: &[&str]) -> Result<String> {
    let word = match &prop.value {
        RenderValue::Names(n) if n.len() == 1 => Some(n[0].name.clone()),
        RenderValue::Literal(Literal::String(s)) => Some(s.clone()),
        _ => None,
    };
    match word {
        Some(w) if allowed.contains(&w.as_str()) => Ok(w),
        _ => Err(value_error(prop, &format!("one of {}", allowed.join(", "))).with_help(format!(
            "{} takes {}",
            prop.name.name,
            allowed.join(", ")
        ))),
    }
}

fn names(prop: &RenderProperty) -> Result<Vec<Ident>> {
    match &prop.value {
        RenderValue::Names(n) => Ok(n.clone()),
        _ => {
            Err(value_error(prop, "column names")
                .with_help(format!("name the columns without quotes: {}=Column1, Column2", prop.name.name)))
        }
    }
}

fn number(prop: &RenderProperty) -> Result<f64> {
    match &prop.value {
        RenderValue::Literal(Literal::Int(n)) => Ok(f64::from(*n)),
        RenderValue::Literal(Literal::Long(n)) => Ok(*n as f64),
        RenderValue::Literal(Literal::Real(f)) if f.is_finite() => Ok(*f),
        _ => Err(value_error(prop, "a number").with_help(format!("for example {}=0", prop.name.name))),
    }
}

fn scale(prop: &RenderProperty) -> Result<AxisScale> {
    Ok(if choice(prop, &["linear", "log"])? == "log" { AxisScale::Log } else { AxisScale::Linear })
}

fn boolean(prop: &RenderProperty) -> Result<bool> {
    match &prop.value {
        RenderValue::Literal(Literal::Bool(b)) => Ok(*b),
        _ => Err(value_error(prop, "true or false").with_help(format!("{}=true", prop.name.name))),
    }
}

fn value_error(prop: &RenderProperty, wanted: &str) -> Error {
    Error::semantic(prop.span, format!("`{}` takes {wanted}", prop.name.name)).with_label(format!("expected {wanted}"))
}

/// Which result column plays which part.
struct Roles {
    x: ChartColumn,
    y: Vec<ChartColumn>,
    series: Vec<ChartColumn>,
}

impl Roles {
    fn resolve(kind: ChartKind, props: &Properties, schema: &Schema, render: &Render) -> Result<Roles> {
        let chart = kind.name();
        if schema.len() < 2 {
            return Err(Error::semantic(
                render.visualization.span,
                format!("{chart} needs at least two columns; the result has {}", describe(schema)),
            )
            .with_label("not enough columns")
            .with_help("summarize a value by a key, e.g. `summarize count() by Key`"));
        }

        let x = match &props.x_column {
            Some(ident) => {
                let col = column(schema, ident)?;
                if kind == ChartKind::Time && col.ty != KqlType::DateTime {
                    return Err(Error::semantic(
                        ident.span,
                        format!("timechart's x axis must be a datetime; `{}` is {}", col.name, col.ty),
                    )
                    .with_label("not a datetime")
                    .with_help("use linechart or columnchart for other x values"));
                }
                col
            }
            None => default_x(kind, schema, render)?,
        };

        let series = match &props.series {
            Some(idents) => {
                let mut cols = Vec::new();
                for ident in idents {
                    let col = column(schema, ident)?;
                    if col.name == x.name {
                        return Err(
                            Error::semantic(ident.span, format!("`{}` is already the x column", col.name)).with_label("also the x column")
                        );
                    }
                    cols.push(col);
                }
                cols
            }
            // A pie's slices come from its first column; other charts split their rows by the
            // first string column, as Kusto does ("one string column values are used to group").
            None if kind == ChartKind::Pie => Vec::new(),
            None => schema
                .columns
                .iter()
                .find(|(n, t)| *n != x.name && *t == KqlType::String)
                .map(|(n, t)| ChartColumn { name: n.clone(), ty: *t })
                .into_iter()
                .collect(),
        };

        let y = match &props.y_columns {
            Some(idents) => {
                let mut cols = Vec::new();
                for ident in idents {
                    let col = column(schema, ident)?;
                    if !col.ty.is_numeric() {
                        return Err(Error::semantic(
                            ident.span,
                            format!("`{}` is {}, not a number; {chart} draws numeric columns", col.name, col.ty),
                        )
                        .with_label("not numeric")
                        .with_help(format!("numeric columns here: {}", numeric_names(schema))));
                    }
                    cols.push(col);
                }
                if kind == ChartKind::Pie && cols.len() > 1 {
                    return Err(Error::semantic(idents[1].span, "a piechart sizes its slices by one column")
                        .with_label("second value column")
                        .with_help("keep one column in ycolumns"));
                }
                cols
            }
            None => {
                let taken = |n: &str| n == x.name || series.iter().any(|s| s.name == n);
                let mut cols: Vec<ChartColumn> = schema
                    .columns
                    .iter()
                    .filter(|(n, t)| t.is_numeric() && !taken(n))
                    .map(|(n, t)| ChartColumn { name: n.clone(), ty: *t })
                    .collect();
                if kind == ChartKind::Pie {
                    cols.truncate(1);
                }
                cols
            }
        };
        if y.is_empty() {
            return Err(Error::semantic(
                render.visualization.span,
                format!("{chart} needs a numeric column besides `{}`; the result has {}", x.name, describe(schema)),
            )
            .with_label("nothing to measure")
            .with_help("add a count or a sum, e.g. `summarize count() by ...`, or render table"));
        }
        Ok(Roles { x, y, series })
    }
}

fn default_x(kind: ChartKind, schema: &Schema, render: &Render) -> Result<ChartColumn> {
    let (name, ty) = &schema.columns[0];
    if kind != ChartKind::Time || *ty == KqlType::DateTime {
        return Ok(ChartColumn { name: name.clone(), ty: *ty });
    }
    // `summarize ... by Key, bin(TimeGenerated, 1h)` puts the time second; take it from there.
    match schema.columns.iter().find(|(_, t)| *t == KqlType::DateTime) {
        Some((n, t)) => Ok(ChartColumn { name: n.clone(), ty: *t }),
        None => Err(Error::semantic(
            render.visualization.span,
            format!("timechart needs a datetime column for its x axis; the result has {}", describe(schema)),
        )
        .with_label("no datetime column")
        .with_help("summarize by bin(TimeGenerated, 1h), or use columnchart or linechart")),
    }
}

fn column(schema: &Schema, ident: &Ident) -> Result<ChartColumn> {
    if let Some(ty) = schema.get(&ident.name) {
        return Ok(ChartColumn { name: ident.name.clone(), ty });
    }
    let mut err = Error::semantic(ident.span, format!("the result has no column `{}`", ident.name)).with_label("unknown column");
    let names: Vec<&str> = schema.names().collect();
    err = match nearest(&ident.name, names.iter().copied()) {
        Some(n) => err.with_help(format!("did you mean `{n}`? The columns are {}", names.join(", "))),
        None => err.with_help(format!("the columns are {}", names.join(", "))),
    };
    Err(err)
}

fn describe(schema: &Schema) -> String {
    let cols: Vec<String> = schema.columns.iter().map(|(n, t)| format!("{n}:{t}")).collect();
    format!("({})", cols.join(", "))
}

fn numeric_names(schema: &Schema) -> String {
    let cols: Vec<&str> = schema.columns.iter().filter(|(_, t)| t.is_numeric()).map(|(n, _)| n.as_str()).collect();
    if cols.is_empty() {
        "none".to_string()
    } else {
        cols.join(", ")
    }
}
