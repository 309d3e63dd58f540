//! `std::thread` at loom's paths: spawn, `Builder`, `JoinHandle`, `yield_now`, `current`,
//! `scope` (scoped threads, `thread/scoped.rs`), `sleep` (a yield, `thread/sleep.rs`) and
//! `LocalKey` with the `thread_local!` macro (one value per model thread, `thread/local.rs`).
//! With `permute`, threads are model threads of the current execution; `join` returns the
//! thread's panic as `Err`, like std.

#[cfg(not(feature = "permute"))]
pub use std::thread::{
    current, park, park_timeout, spawn, yield_now, Builder, JoinHandle, Thread, ThreadId,
};

pub use std::thread::{panicking, Result};

#[cfg(feature = "permute")]
pub use modelled::{
    current, park, park_timeout, spawn, yield_now, Builder, JoinHandle, Thread, ThreadId,
};

#[cfg(feature = "permute")]
mod modelled {
    use std::any::{Any, TypeId};
    use std::sync::{Arc, Mutex as StdMutex};

    use weft_harness::rt::{self, ThreadHandle};

    /// Identifies a model thread within its execution (0 is main).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub struct ThreadId(usize);

    impl ThreadId {
        /// The thread's number in the execution, as reports print it.
        pub fn as_index(&self) -> usize {
            self.0
        }
    }

    /// A handle to a model thread.
    #[derive(Clone, Debug)]
    pub struct Thread {
        handle: ThreadHandle,
        name: Option<Arc<str>>,
    }

    impl Thread {
        pub fn id(&self) -> ThreadId {
            ThreadId(self.handle.index())
        }

        /// Makes this thread's park token available (waking it if it is parked).
        #[track_caller]
        pub fn unpark(&self) {
            rt::unpark(self.handle);
        }

        /// A handle for the model thread `handle` (scoped threads).
        pub(crate) fn from_handle(handle: ThreadHandle, name: Option<Arc<str>>) -> Thread {
            Thread { handle, name }
        }

        /// The engine's handle of the thread.
        pub(crate) fn handle(&self) -> ThreadHandle {
            self.handle
        }

        pub fn name(&self) -> Option<&str> {
            match (&self.name, self.handle.index()) {
                (Some(name), _) => Some(name),
                (None, 0) => Some("main"),
                (None, _) => None,
            }
        }
    }

    /// Where a thread's result waits for `join`: none for a thread that returns `()`, whose
    /// value `join` makes anew, so that spawning the threads most models spawn allocates
    /// once (the closure) instead of twice.
    type Slot<T> = Option<Arc<StdMutex<Option<T>>>>;

    /// `()` as a `T`, when `T` is `()`.
    fn unit<T: 'static>() -> Option<T> {
        let unit: Box<dyn Any> = Box::new(());
        unit.downcast::<T>().ok().map(|value| *value)
    }

    /// Owns the permission to join a model thread.
    #[derive(Debug)]
    pub struct JoinHandle<T> {
        thread: Thread,
        result: Slot<T>,
    }

    impl<T: 'static> JoinHandle<T> {
        /// Waits for the thread; `Err` carries its panic payload, like std.
        #[track_caller]
        pub fn join(self) -> std::thread::Result<T> {
            rt::join(self.thread.handle)?;
            let value = match self.result {
                Some(result) => result.lock().unwrap_or_else(|e| e.into_inner()).take(),
                None => unit(),
            };
            Ok(value.expect("a thread that finished without panicking stored its result"))
        }

        pub fn thread(&self) -> &Thread {
            &self.thread
        }
    }

    /// Thread factory, to name threads.
    #[derive(Debug, Default)]
    pub struct Builder {
        name: Option<String>,
    }

    impl Builder {
        pub fn new() -> Builder {
            Builder::default()
        }

        pub fn name(mut self, name: String) -> Builder {
            self.name = Some(name);
            self
        }

        /// Accepted for std compatibility; model threads all get `Builder::stack_size` of
        /// the weft `Builder` that runs the model.
        pub fn stack_size(self, _size: usize) -> Builder {
            self
        }

        #[track_caller]
        pub fn spawn<F, T>(self, f: F) -> std::io::Result<JoinHandle<T>>
        where
            F: FnOnce() -> T + Send + 'static,
            T: Send + 'static,
        {
            let unit = TypeId::of::<T>() == TypeId::of::<()>();
            let result: Slot<T> = (!unit).then(|| Arc::new(StdMutex::new(None)));
            let slot = result.clone();
            let body = Box::new(move || {
                let value = f();
                if let Some(slot) = slot {
                    *slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(value);
                }
            });
            let name: Option<Arc<str>> = self.name.as_deref().map(Arc::from);
            let handle = rt::spawn(body, self.name);
            Ok(JoinHandle {
                thread: Thread { handle, name },
                result,
            })
        }

        /// Spawns a named scoped model thread in `scope` (see `weft::thread::scope`).
        #[track_caller]
        pub fn spawn_scoped<'scope, 'env, F, T>(
            self,
            scope: &'scope super::Scope<'scope, 'env>,
            f: F,
        ) -> std::io::Result<super::ScopedJoinHandle<'scope, T>>
        where
            F: FnOnce() -> T + Send + 'scope,
            T: Send + 'scope,
        {
            Ok(scope.spawn_named(f, self.name))
        }
    }

    /// Spawns a model thread running `f`.
    #[track_caller]
    pub fn spawn<F, T>(f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        Builder::new()
            .spawn(f)
            .expect("spawning a model thread cannot fail")
    }

    /// Lets other threads run: under the model, this thread runs again only after every
    /// other runnable thread has had a turn or something it may wait for changed.
    #[track_caller]
    pub fn yield_now() {
        rt::yield_now();
    }

    /// Blocks until this thread's token is available (an `unpark`), then takes it. With
    /// `Builder::spurious_wakeups(true)` it may also return without one, as std allows.
    #[track_caller]
    pub fn park() {
        rt::park(false);
    }

    /// Like `park`, but it may also time out; weft explores both (no real time passes).
    #[track_caller]
    pub fn park_timeout(_timeout: std::time::Duration) {
        rt::park(true);
    }

    /// The calling model thread.
    #[track_caller]
    pub fn current() -> Thread {
        let (handle, name) = rt::current_thread();
        Thread {
            handle,
            name: name.as_deref().map(Arc::from),
        }
    }
}

// Scoped threads, `sleep` and thread-locals (modelled in their own files with `permute`).
pub use crate::thread_local;
#[cfg(not(feature = "permute"))]
pub use std::thread::{scope, sleep, AccessError, LocalKey, Scope, ScopedJoinHandle};
#[cfg(feature = "permute")]
mod local;
#[cfg(feature = "permute")]
mod scoped;
#[cfg(feature = "permute")]
mod sleep;
#[cfg(feature = "permute")]
pub use local::{AccessError, LocalKey};
#[cfg(feature = "permute")]
pub use scoped::{scope, Scope, ScopedJoinHandle};
#[cfg(feature = "permute")]
pub use sleep::sleep;
