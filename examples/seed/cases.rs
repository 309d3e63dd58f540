//! Runs a list of (buggy program, fixed program) cases: each case in its own process
//! (`<example> <n>`), so the replay line of its report names the case; the buggy version
//! must fail and the fixed one pass. Shared by the seed examples.
#![allow(dead_code)]

/// A seed program and its fix.
pub struct Case {
    pub title: &'static str,
    pub buggy: fn(),
    pub fix: &'static str,
    pub fixed: fn(),
}

/// Runs every case as a child process (no argument), or case `n` (1-based argument),
/// replaying `WEFT_REPLAY` on its buggy version when set. Exits non-zero when a buggy
/// version passes or a fixed one fails.
pub fn main(cases: &[Case]) {
    let Some(arg) = std::env::args().nth(1) else {
        let program = std::env::current_exe().expect("the example's own path");
        let mut ok = true;
        for n in 1..=cases.len() {
            let status = std::process::Command::new(&program)
                .arg(n.to_string())
                .status()
                .expect("run one case");
            ok &= status.success();
        }
        std::process::exit(if ok { 0 } else { 1 });
    };
    let Some(case) = arg
        .parse::<usize>()
        .ok()
        .and_then(|n| cases.get(n.wrapping_sub(1)))
    else {
        eprintln!("usage: {} [1-{}]", program_name(), cases.len());
        std::process::exit(2);
    };
    if std::env::var_os("WEFT_REPLAY").is_some() {
        println!("== replaying WEFT_REPLAY on {} ==", case.title);
        weft::model(case.buggy);
        return;
    }
    println!("== {} ==", case.title);
    let mut ok = true;
    match weft::Builder::new().explore(case.buggy) {
        Ok(stats) => {
            println!(
                "no failure found in {} executions (unexpected)",
                stats.executions
            );
            ok = false;
        }
        Err(failure) => println!("{failure}"),
    }
    println!("== {}, {} ==", case.title, case.fix);
    match weft::Builder::new().explore(case.fixed) {
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

fn program_name() -> String {
    std::env::args().next().unwrap_or_default()
}
