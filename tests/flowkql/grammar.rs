//! grammar/kql.ebnf stays in step with the parser: its examples parse, and it lists
//! every operator keyword the parser accepts.

const GRAMMAR: &str = include_str!("../../grammar/kql.ebnf");

fn examples() -> Vec<&'static str> {
    GRAMMAR.lines().filter_map(|l| l.trim().strip_prefix("(* example: ")).filter_map(|l| l.strip_suffix(" *)")).collect()
}

#[test]
fn every_example_parses() {
    let ex = examples();
    assert!(ex.len() >= 10, "the grammar should carry its examples");
    for q in ex {
        if let Err(e) = flowkql::syntax::parse_query(q, false) {
            panic!("grammar example does not parse:\n{}", e.render_plain("kql.ebnf", q));
        }
    }
}

#[test]
fn every_operator_keyword_is_in_the_grammar() {
    for (syntax, _) in flowkql::syntax::OPERATORS {
        let keyword = syntax.split([' ', '(']).next().unwrap_or_default();
        assert!(GRAMMAR.contains(&format!("\"{keyword}\"")), "operator `{keyword}` is missing from grammar/kql.ebnf");
    }
}
