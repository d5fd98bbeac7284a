//! `scan`, with the examples of scan-operator.md (its matching-logic walkthrough included).

use crate::common::*;

#[test]
fn cumulative_sum() {
    let q = "range x from 1 to 5 step 1
             | scan declare (cumulative_x:long=0) with (step s1: true => cumulative_x = x + s1.cumulative_x;)";
    assert_eq!(columns(q), cols(&[("x", "long"), ("cumulative_x", "long")]));
    assert_eq!(rows(q), r(&[&["1", "1"], &["2", "3"], &["3", "6"], &["4", "10"], &["5", "15"]]));
}

#[test]
fn cumulative_sums_with_reset() {
    let q = "range x from 1 to 5 step 1
             | extend y = 2 * x
             | scan declare (cumulative_x:long=0, cumulative_y:long=0) with (
                 step s1: true => cumulative_x = iff(s1.cumulative_x >= 10, x, x + s1.cumulative_x),
                                  cumulative_y = iff(s1.cumulative_y >= 10, y, y + s1.cumulative_y);)";
    assert_eq!(
        rows(q),
        r(&[&["1", "2", "1", "2"], &["2", "4", "3", "6"], &["3", "6", "6", "12"], &["4", "8", "10", "8"], &["5", "10", "5", "18"]])
    );
}

#[test]
fn fill_forward() {
    let q = r#"let Events = datatable (Ts: timespan, Event: string) [0m, "A", 1m, "", 2m, "B", 3m, "", 4m, "", 6m, "C", 8m, "", 11m, "D", 12m, ""];
        Events | sort by Ts asc
        | scan declare (Event_filled: string="") with (step s1: true => Event_filled = iff(isempty(Event), s1.Event_filled, Event);)
        | project Event_filled"#;
    let filled: Vec<String> = rows(q).into_iter().map(|r| r[0].clone()).collect();
    assert_eq!(filled, ["A", "A", "B", "B", "B", "C", "C", "D", "D"]);
}

#[test]
fn sessions_with_match_ids() {
    let q = r#"let Events = datatable (Ts: timespan, Event: string) [0m, "A", 1m, "A", 2m, "B", 3m, "D", 32m, "B", 36m, "C", 38m, "D", 41m, "E", 75m, "A"];
        Events | sort by Ts asc
        | scan with_match_id=session_id declare (sessionStart: timespan) with (
            step inSession: true => sessionStart = iff(isnull(inSession.sessionStart), Ts, inSession.sessionStart);
            step endSession output=none: Ts - inSession.sessionStart > 30m;)"#;
    assert_eq!(columns(q), cols(&[("Ts", "timespan"), ("Event", "string"), ("sessionStart", "timespan"), ("session_id", "long")]));
    let got: Vec<(String, String)> = rows(q).into_iter().map(|r| (r[2].clone(), r[3].clone())).collect();
    let expected: Vec<(String, String)> = [
        ("00:00:00", "0"),
        ("00:00:00", "0"),
        ("00:00:00", "0"),
        ("00:00:00", "0"),
        ("00:32:00", "1"),
        ("00:32:00", "1"),
        ("00:32:00", "1"),
        ("00:32:00", "1"),
        ("01:15:00", "2"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(got, expected);
}

#[test]
fn events_between_start_and_stop() {
    // The walkthrough: "A" and "C" match no step; two sequences, ids 0 and 1.
    let q = r#"let Events = datatable (Ts: timespan, Event: string) [0m, "A", 1m, "Start", 2m, "B", 3m, "D", 4m, "Stop", 6m, "C", 8m, "Start", 11m, "E", 12m, "Stop"];
        Events | sort by Ts asc
        | scan with_match_id=m_id with (
            step s1: Event == "Start";
            step s2: Event != "Start" and Event != "Stop" and Ts - s1.Ts <= 5m;
            step s3: Event == "Stop" and Ts - s1.Ts <= 5m;)"#;
    assert_eq!(
        rows(q),
        r(&[
            &["00:01:00", "Start", "0"],
            &["00:02:00", "B", "0"],
            &["00:03:00", "D", "0"],
            &["00:04:00", "Stop", "0"],
            &["00:08:00", "Start", "1"],
            &["00:11:00", "E", "1"],
            &["00:12:00", "Stop", "1"]
        ])
    );
}

#[test]
fn session_length_per_user_in_partitions() {
    let q = r#"let LogsEvents = datatable(Timestamp:datetime, userID:int, EventType:string)[
            datetime(2024-05-28 08:15:23), 1, "login", datetime(2024-05-28 08:30:15), 2, "login",
            datetime(2024-05-28 09:10:27), 3, "login", datetime(2024-05-28 12:30:45), 1, "logout",
            datetime(2024-05-28 11:45:32), 2, "logout", datetime(2024-05-28 13:25:19), 3, "logout"];
        LogsEvents
        | sort by userID, Timestamp
        | partition hint.strategy=native by userID (
            sort by Timestamp asc
            | scan declare (start: datetime, end: datetime, sessionDuration: timespan) with (
                step s1 output=none: EventType == "login" => start = Timestamp;
                step s2 output=all: EventType == "logout" => start = s1.start, end = Timestamp, sessionDuration = Timestamp - s1.start;))
        | project start, end, userID, sessionDuration
        | order by userID asc"#;
    assert_eq!(
        rows(q),
        r(&[
            &["2024-05-28T08:15:23Z", "2024-05-28T12:30:45Z", "1", "04:15:22"],
            &["2024-05-28T08:30:15Z", "2024-05-28T11:45:32Z", "2", "03:15:17"],
            &["2024-05-28T09:10:27Z", "2024-05-28T13:25:19Z", "3", "04:14:52"]
        ])
    );
}

#[test]
fn output_last_and_diagnostics() {
    // s1 matches 1, 2, 3 (only the last is output); 5 moves the sequence on to s2.
    let q = "range x from 1 to 5 step 1 | scan with (step s1 output=last: x < 4; step s2: x == 5;)";
    assert_eq!(rows(q), r(&[&["3"], &["5"]]));
    let e = error("range x from 1 to 3 step 1 | scan declare (y:long) with (step s1: x > 1 => w = 1;)");
    assert!(e.message.contains("not a declared column"), "{}", e.message);
    let e = error("range x from 1 to 3 step 1 | scan with (step s1: x > 1; step s1: true;)");
    assert!(e.message.contains("already declared"), "{}", e.message);
    let q = "range x from 1 to 3 step 1 | scan with (step s1: x > 1)";
    let span = error(q).span.expect("a span");
    assert_eq!(&q[span.start..span.end], ")");
}
