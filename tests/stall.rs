//! A model thread blocked on a std primitive (here a std `Mutex` the main model thread
//! holds) hangs the exploration, since weft switches threads only at weft operations; weft
//! cannot end that, but it says so on stderr (`WEFT_STALL`, default 10 s) instead of
//! hanging silently. Checked in a child process, killed once it has said so: this test runs
//! itself again with `WEFT_TEST_STALL_CHILD` set.
#![cfg(feature = "permute")]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc::channel;
use std::time::Duration;

use weft::{thread, Builder};

#[test]
fn a_model_thread_blocked_on_a_std_mutex_is_reported() {
    const NAME: &str = "a_model_thread_blocked_on_a_std_mutex_is_reported";
    if std::env::var_os("WEFT_TEST_STALL_CHILD").is_some() {
        let lock = std::sync::Arc::new(std::sync::Mutex::new(()));
        let _ = Builder::new().progress(false).explore(move || {
            let held = lock.lock().unwrap();
            let lock = lock.clone();
            let child = thread::spawn(move || drop(lock.lock().unwrap()));
            child.join().unwrap();
            drop(held);
        });
        unreachable!("the child blocks the exploration for good");
    }
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([NAME, "--exact", "--nocapture", "--test-threads=1"])
        .env("WEFT_TEST_STALL_CHILD", "1")
        .env("WEFT_STALL", "1s")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("the test binary runs");
    let stderr = child.stderr.take().unwrap();
    let (lines, received) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = lines.send(line);
        }
    });
    let mut said = None;
    while let Ok(line) = received.recv_timeout(Duration::from_secs(60)) {
        if line.contains("without reaching a weft operation") {
            said = Some(line);
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let said = said.expect("the stall was reported within a minute");
    assert!(said.starts_with("weft: thread 1 of the model"), "{said}");
    assert!(
        said.contains("has run for 1 s without reaching a weft operation"),
        "{said}"
    );
    assert!(said.contains("blocked on a std primitive"), "{said}");
}
