//! The seed's three data races — the counter, the loop variable, the shared `err` — found by
//! weft's race detector, each followed by its fix passing every interleaving.
//!
//! `cargo run --example data_races --features permute`

#[path = "seed/races.rs"]
mod races;

type Model = fn();

const CASES: [(&str, Model, &str, Model); 3] = [
    (
        "case 1: counter on a plain variable",
        races::counter_on_a_plain_variable,
        "fixed with a Mutex",
        races::counter_under_a_mutex,
    ),
    (
        "case 2: loop variable read by the threads it starts",
        races::loop_variable_shared,
        "fixed by moving a copy into each thread",
        races::loop_variable_copied,
    ),
    (
        "case 3: ParallelWrite sharing one err",
        races::parallel_write_shared_err,
        "fixed with one error per writer, handed back to main",
        races::parallel_write_own_err,
    ),
];

fn main() {
    let Some(case) = std::env::args().nth(1) else {
        // Each case runs as `data_races <n>`, so the replay line of its report names it.
        let mut ok = true;
        for n in 1..=CASES.len() {
            let program = std::env::current_exe().expect("the example's own path");
            let status = std::process::Command::new(program)
                .arg(n.to_string())
                .status()
                .expect("run one case");
            ok &= status.success();
        }
        std::process::exit(if ok { 0 } else { 1 });
    };
    let Some(&(title, buggy, fix, fixed)) = case
        .parse::<usize>()
        .ok()
        .and_then(|n| CASES.get(n.wrapping_sub(1)))
    else {
        eprintln!("usage: data_races [1-{}]", CASES.len());
        std::process::exit(2);
    };
    if std::env::var_os("WEFT_REPLAY").is_some() {
        println!("== replaying WEFT_REPLAY on {title} ==");
        weft::model(buggy);
        return;
    }
    println!("== {title} ==");
    let mut ok = true;
    match weft::Builder::new().explore(buggy) {
        Ok(stats) => {
            println!(
                "no race found in {} executions (unexpected)",
                stats.executions
            );
            ok = false;
        }
        Err(failure) => println!("{failure}"),
    }
    println!("== {title}, {fix} ==");
    match weft::Builder::new().explore(fixed) {
        Ok(stats) => println!(
            "passed: {} execution(s), every interleaving explored: {}\n",
            stats.executions, stats.complete
        ),
        Err(failure) => {
            println!("{failure}");
            ok = false;
        }
    }
    if !ok {
        std::process::exit(1);
    }
}
