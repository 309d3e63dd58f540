//! A model thread that overflows its stack: the process still ends (the overflowed stack
//! holds frames of the model, of weft and perhaps of the allocator, which can neither go on
//! nor be unwound), but it first says which model thread overflowed a stack of how many
//! bytes and how to raise it, where it used to end with a bare SIGSEGV.
//!
//! How (Linux): a SIGSEGV and SIGBUS handler, installed once per process when the first
//! exploration prepares its OS thread (`prepare_thread`), runs on an alternate signal stack
//! that every exploring OS thread has (the stack that overflowed cannot hold the handler's
//! frame; std gives its own threads one, and this module gives one to any other). A fault at
//! an address inside the stack of the model thread running on this OS thread (`RUNNING`;
//! inside it, only the guard page can fault) is an overflow: the handler writes the message
//! with `write(2)`. Then every fault goes on to the handler installed before (std's,
//! libFuzzer's or AddressSanitizer's, which report it in their own way) or, where there was
//! none, to the default action, restored so that the fault repeats and ends the process.
//!
//! Invariant: the handler touches only `RUNNING` (a thread-local of plain words with a const
//! initializer: nothing is initialized lazily in the handler), `PREVIOUS` (set before the
//! handler is installed) and its own frame: it allocates nothing and takes no lock.

use corosensei::trap::CoroutineTrapHandler;

use super::op::ThreadId;

/// The model thread running on this OS thread, with what the message needs.
#[derive(Clone, Copy)]
pub(crate) struct Running {
    pub stack: CoroutineTrapHandler<()>,
    pub thread: ThreadId,
    pub stack_size: usize,
}

#[cfg(target_os = "linux")]
pub(crate) use linux::{prepare_thread, set_running};

/// Elsewhere a stack overflow ends the process with the platform's signal, unexplained.
#[cfg(not(target_os = "linux"))]
pub(crate) fn prepare_thread() {}

#[cfg(not(target_os = "linux"))]
pub(crate) fn set_running(_running: Option<Running>) {}

#[cfg(target_os = "linux")]
mod linux {
    use std::cell::Cell;
    use std::ffi::{c_int, c_void};
    use std::sync::{Once, OnceLock};

    use super::Running;

    const SIGNALS: [c_int; 2] = [libc::SIGSEGV, libc::SIGBUS];

    /// Bytes of the alternate signal stack this module gives an OS thread without one: room
    /// for a handler installed before this one (libFuzzer's writes its crash report there).
    const ALTERNATE_STACK: usize = 256 << 10;

    std::thread_local! {
        static RUNNING: Cell<Option<Running>> = const { Cell::new(None) };
        static ALTERNATE: AlternateStack = AlternateStack::ensure();
    }

    /// The actions for `SIGNALS` before this module's handler.
    static PREVIOUS: OnceLock<[libc::sigaction; 2]> = OnceLock::new();
    static INSTALL: Once = Once::new();

    /// Makes sure that a model thread overflowing its stack on this OS thread is reported:
    /// the handler is installed and this thread has an alternate signal stack.
    pub(crate) fn prepare_thread() {
        INSTALL.call_once(install);
        ALTERNATE.with(|_| {});
    }

    /// The model thread that runs on this OS thread from now on (`None`: none).
    #[inline]
    pub(crate) fn set_running(running: Option<Running>) {
        RUNNING.with(|cell| cell.set(running));
    }

    fn install() {
        let mut previous = [empty_action(); 2];
        for (signal, old) in SIGNALS.iter().zip(&mut previous) {
            // SAFETY: reads the current action into a valid `sigaction`.
            unsafe { libc::sigaction(*signal, std::ptr::null(), old) };
        }
        if PREVIOUS.set(previous).is_err() {
            return;
        }
        let mut action = empty_action();
        let handler: extern "C" fn(c_int, *mut libc::siginfo_t, *mut c_void) = on_fault;
        action.sa_sigaction = handler as usize;
        action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
        for signal in SIGNALS {
            // SAFETY: `on_fault` is an `SA_SIGINFO` handler that keeps to what is
            // async-signal-safe (module docs); `PREVIOUS` is set before it can run.
            unsafe { libc::sigaction(signal, &action, std::ptr::null_mut()) };
        }
    }

    fn empty_action() -> libc::sigaction {
        // SAFETY: `sigaction` is plain data, for which all zeroes is the default action
        // with an empty mask.
        unsafe { std::mem::zeroed() }
    }

    extern "C" fn on_fault(signal: c_int, info: *mut libc::siginfo_t, context: *mut c_void) {
        // SAFETY: the kernel passes a valid `siginfo_t` to an `SA_SIGINFO` handler, and for
        // SIGSEGV and SIGBUS it holds the faulting address.
        let address = unsafe { (*info).si_addr() } as usize;
        let running = RUNNING.try_with(Cell::get).ok().flatten();
        if let Some(running) = running.filter(|r| r.stack.stack_ptr_in_bounds(address)) {
            explain(running);
        }
        hand_on(signal, info, context);
    }

    /// Passes the fault to the action that was there before this module's.
    fn hand_on(signal: c_int, info: *mut libc::siginfo_t, context: *mut c_void) {
        let index = SIGNALS.iter().position(|&s| s == signal);
        let previous = PREVIOUS.get().zip(index).map(|(actions, i)| actions[i]);
        match previous {
            Some(action) if ![libc::SIG_DFL, libc::SIG_IGN].contains(&action.sa_sigaction) => {
                if action.sa_flags & libc::SA_SIGINFO != 0 {
                    // SAFETY: the previous action was installed as an `SA_SIGINFO` handler,
                    // so its address is a function of this type.
                    let handler: extern "C" fn(c_int, *mut libc::siginfo_t, *mut c_void) =
                        unsafe { std::mem::transmute(action.sa_sigaction) };
                    handler(signal, info, context);
                } else {
                    // SAFETY: a plain handler's address is a function of this type.
                    let handler: extern "C" fn(c_int) =
                        unsafe { std::mem::transmute(action.sa_sigaction) };
                    handler(signal);
                }
            }
            _ => {
                // The default action (a fault cannot be ignored: it would repeat forever).
                // Returning repeats the fault, which now ends the process.
                let default = empty_action();
                // SAFETY: `sigaction` is async-signal-safe; `default` is a valid action.
                unsafe { libc::sigaction(signal, &default, std::ptr::null_mut()) };
            }
        }
    }

    /// Writes the message to stderr without allocating.
    fn explain(running: Running) {
        let mut message = Message::default();
        message.push(b"\nweft: ");
        match running.thread {
            0 => message.push(b"main"),
            thread => {
                message.push(b"thread ");
                message.push_number(thread as u64);
            }
        }
        message.push(b" overflowed its stack of ");
        message.push_number(running.stack_size as u64);
        message.push(
            b" bytes (deep recursion, or large values on the stack): raise it with \
              Builder::stack_size (default 1 MiB). The process ends here: a thread whose \
              stack overflowed can neither go on nor be unwound, so no report follows.\n",
        );
        let mut bytes = &message.bytes[..message.len];
        while !bytes.is_empty() {
            // SAFETY: writes initialized bytes to stderr; `write` is async-signal-safe.
            let written = unsafe { libc::write(2, bytes.as_ptr().cast(), bytes.len()) };
            if written <= 0 {
                break;
            }
            bytes = &bytes[written as usize..];
        }
    }

    /// A message built on the handler's stack.
    struct Message {
        bytes: [u8; 512],
        len: usize,
    }

    impl Default for Message {
        fn default() -> Message {
            Message {
                bytes: [0; 512],
                len: 0,
            }
        }
    }

    impl Message {
        fn push(&mut self, text: &[u8]) {
            let room = self.bytes.len() - self.len;
            let taken = text.len().min(room);
            self.bytes[self.len..self.len + taken].copy_from_slice(&text[..taken]);
            self.len += taken;
        }

        fn push_number(&mut self, mut n: u64) {
            let mut digits = [0u8; 20];
            let mut start = digits.len();
            loop {
                start -= 1;
                digits[start] = b'0' + (n % 10) as u8;
                n /= 10;
                if n == 0 {
                    break;
                }
            }
            self.push(&digits[start..]);
        }
    }

    /// This OS thread's alternate signal stack, when this module had to give it one.
    struct AlternateStack {
        mapped: Option<*mut c_void>,
    }

    impl AlternateStack {
        fn ensure() -> AlternateStack {
            // SAFETY: `stack_t` is plain data, for which all zeroes is a valid value.
            let mut current: libc::stack_t = unsafe { std::mem::zeroed() };
            // SAFETY: reads the current alternate stack into a valid `stack_t`.
            unsafe { libc::sigaltstack(std::ptr::null(), &mut current) };
            if current.ss_flags & libc::SS_DISABLE == 0 {
                return AlternateStack { mapped: None };
            }
            // SAFETY: a fresh anonymous mapping, owned by this value until it drops.
            let mapped = unsafe {
                libc::mmap(
                    std::ptr::null_mut(),
                    ALTERNATE_STACK,
                    libc::PROT_READ | libc::PROT_WRITE,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                    -1,
                    0,
                )
            };
            if mapped == libc::MAP_FAILED {
                return AlternateStack { mapped: None };
            }
            let stack = libc::stack_t {
                ss_sp: mapped,
                ss_flags: 0,
                ss_size: ALTERNATE_STACK,
            };
            // SAFETY: `stack` describes the mapping above, which lives until `drop`.
            unsafe { libc::sigaltstack(&stack, std::ptr::null_mut()) };
            AlternateStack {
                mapped: Some(mapped),
            }
        }
    }

    impl Drop for AlternateStack {
        fn drop(&mut self) {
            if let Some(mapped) = self.mapped {
                let disable = libc::stack_t {
                    ss_sp: std::ptr::null_mut(),
                    ss_flags: libc::SS_DISABLE,
                    ss_size: 0,
                };
                // SAFETY: the thread stops using the mapping before it is unmapped.
                unsafe {
                    libc::sigaltstack(&disable, std::ptr::null_mut());
                    libc::munmap(mapped, ALTERNATE_STACK);
                }
            }
        }
    }
}
