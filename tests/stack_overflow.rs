//! A model thread that overflows its stack ends the process, as a std thread's overflow
//! does, but with a message that names the thread and its stack size and says how to raise
//! it (it used to end with a bare SIGSEGV). Checked in a child process: this test runs
//! itself again with `WEFT_TEST_OVERFLOW_CHILD` set.
#![cfg(all(feature = "permute", target_os = "linux"))]

use std::hint::black_box;
use std::process::Command;

use weft::{thread, Builder};

/// Recurses until the stack overflows (each level keeps a buffer alive across the call).
fn recurse(depth: u64) -> u64 {
    let buffer = black_box([depth; 32]);
    match black_box(true) {
        true => recurse(depth + 1).wrapping_add(buffer[7]),
        false => 0,
    }
}

#[test]
fn a_model_thread_that_overflows_its_stack_is_named_before_the_process_ends() {
    const NAME: &str = "a_model_thread_that_overflows_its_stack_is_named_before_the_process_ends";
    if let Some(which) = std::env::var_os("WEFT_TEST_OVERFLOW_CHILD") {
        let builder = Builder::new().stack_size(64 << 10).progress(false);
        let _ = match which.to_str() {
            Some("main") => builder.explore(|| {
                recurse(0);
            }),
            _ => builder.explore(|| {
                let child = thread::spawn(|| recurse(0));
                child.join().unwrap();
            }),
        };
        unreachable!("the stack overflowed");
    }
    for (which, thread) in [("spawned", "thread 1"), ("main", "main")] {
        let output = Command::new(std::env::current_exe().unwrap())
            .args([NAME, "--exact", "--nocapture", "--test-threads=1"])
            .env("WEFT_TEST_OVERFLOW_CHILD", which)
            .output()
            .expect("the test binary runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{stderr}");
        let expected = format!(
            "weft: {thread} overflowed its stack of 65536 bytes (deep recursion, or large \
             values on the stack): raise it with Builder::stack_size"
        );
        assert!(stderr.contains(&expected), "{which}: {stderr}");
        assert_eq!(
            stderr.matches("overflowed its stack").count(),
            1,
            "{stderr}"
        );
    }
}
