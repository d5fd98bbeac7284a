use flowkql::Session;

fn run(q: &str) -> String {
    let s = Session::new(0);
    match s.run(q) {
        Ok(o) => {
            let mut out = format!("{:?}\n", o.result.schema.columns);
            for r in 0..o.result.frame.height() {
                let row: Vec<String> = o.result.frame.columns().iter().zip(&o.result.schema.columns)
                    .map(|(c, (_, t))| c.get(r).ok().and_then(|v| flowkql::exec::format_value_text(&v, *t)).unwrap_or("null".into()))
                    .collect();
                out.push_str(&row.join(" | "));
                out.push('\n');
            }
            out
        }
        Err(e) => e.render_plain("q", q),
    }
}

#[test]
fn smoke() {
    for q in [
        "print 1, x = 2 + 3, y = 7 / 2, z = -7 / 2, w = -7 % 3, s = strcat('a', 1, 2.5)",
        "datatable(a:long, b:string)[1, 'x', 2, 'y', 3, 'x'] | summarize count(), sum(a), make_set(a) by b | sort by b asc",
        "datatable(a:long, b:string)[1, 'x', 2, 'y', 3, 'x'] | summarize count(), s = sum(a) * 2",
        "datatable(ip:string)['10.1.1.5', '10.1.2.5', 'bad'] | extend m = ipv4_is_match(ip, '10.1.1.0/24'), p = parse_ipv4(ip)",
        "datatable(s:string)['a|b|c', ''] | extend x = tostring(split(s, '|', 0)[0]), y = split(s, '|')[1], z = split(s, '|')",
        "range x from 1 to 5 step 2 | extend t = bin(datetime(2022-11-13 05:30:00), 1h), h = 'Hello World' has 'world'",
        "print d = datetime(2022-11-13 05:30:00) - 1d, ts = 1h / 1m, b = bin(7, 5)",
    ] {
        println!("{q}\n{}\n", run(q));
    }
}
