//! The seed article's goroutine-lifetime programs, in Rust on weft, each with its fix:
//! a service hidden in a background thread while main waits forever (`select {}`), a pair
//! of servers where one exiting must stop the other, a request handler that leaks a thread
//! blocked on a channel, and reporters that must flush before the process exits. Networking
//! is modelled with channels: a server's listener is a channel of requests, and shutting a
//! server down closes it. Shared by the `goroutine_lifetimes` example and the tests.
#![allow(dead_code)]

use weft::sync::mpsc::{self, Receiver, Sender};
use weft::sync::{Arc, Condvar, Mutex};
use weft::thread;

/// `select {}`: block forever (on a channel whose sender is kept but never used).
fn block_forever() {
    let (keep, never) = mpsc::channel::<()>();
    let _ = never.recv();
    drop(keep);
}

/// `http.ListenAndServe` that fails at once (the address is taken).
fn listen_and_serve_fails(addr: &str) -> Result<(), String> {
    Err(format!("listen tcp {addr}: bind: address already in use"))
}

/// Case 1, the hidden background service: `server()` quietly starts a thread that panics
/// when serving fails, and main ends in `select {}`. Nobody is told; main hangs forever.
pub fn hidden_background_service() {
    fn server() {
        thread::Builder::new()
            .name("server".into())
            .spawn(|| {
                if let Err(err) = listen_and_serve_fails(":8080") {
                    panic!("http server err: {err}");
                }
            })
            .unwrap();
    }
    server();
    block_forever();
}

/// Case 1 fixed: leave concurrency to the caller. `server()` serves in the caller's thread
/// and returns its error; main, no bystander, runs it and handles the error.
pub fn service_in_the_foreground() -> Result<(), String> {
    fn server() -> Result<(), String> {
        listen_and_serve_fails(":8080")
    }
    let result = server();
    assert!(result.is_err(), "main sees the failure and can act on it");
    Ok(())
}

/// A server whose listener is a channel of requests: `serve` handles requests until the
/// listener is closed (every `Sender` gone), then reports `Server closed`.
struct Server {
    addr: &'static str,
    listener: Mutex<Option<Sender<&'static str>>>,
}

impl Server {
    fn new(addr: &'static str) -> (Arc<Server>, Receiver<&'static str>) {
        let (listener, incoming) = mpsc::channel();
        let server = Arc::new(Server {
            addr,
            listener: Mutex::new(Some(listener)),
        });
        (server, incoming)
    }

    fn serve(&self, incoming: Receiver<&'static str>) -> Result<(), String> {
        for _request in incoming {}
        Err(format!("{}: http: Server closed", self.addr))
    }

    /// `s.Shutdown`: closes the listener, so `serve` returns.
    fn shutdown(&self) {
        self.listener.lock().unwrap().take();
    }
}

/// Go's `close(stop)`: a signal every waiter sees once it is raised.
#[derive(Clone)]
struct Stop(Arc<(Mutex<bool>, Condvar)>);

impl Stop {
    fn new() -> Stop {
        Stop(Arc::new((Mutex::new(false), Condvar::new())))
    }

    fn raise(&self) {
        *self.0 .0.lock().unwrap() = true;
        self.0 .1.notify_all();
    }

    fn wait(&self) {
        let raised = self.0 .0.lock().unwrap();
        drop(self.0 .1.wait_while(raised, |raised| !*raised).unwrap());
    }
}

/// Runs a server until `stop` is raised (then shuts it down); its exit error.
fn server_until(addr: &'static str, stop: &Stop) -> Result<(), String> {
    let (server, incoming) = Server::new(addr);
    let closer = {
        let (server, stop) = (server.clone(), stop.clone());
        thread::spawn(move || {
            stop.wait();
            server.shutdown();
        })
    };
    let result = server.serve(incoming);
    closer.join().unwrap();
    result
}

/// Case 2, two servers (the app on :8080, pprof on :8081) where pprof exits: without a
/// stop signal the app server never learns of it and main waits for it forever.
pub fn server_pair_without_stop() {
    let (done, exits) = mpsc::sync_channel::<Result<(), String>>(2);
    {
        let done = done.clone();
        thread::Builder::new()
            .name("pprof".into())
            .spawn(move || done.send(Err("mock pprof exit".into())).unwrap())
            .unwrap();
    }
    thread::Builder::new()
        .name("app".into())
        .spawn(move || {
            let (server, incoming) = Server::new(":8080");
            done.send(server.serve(incoming)).unwrap();
        })
        .unwrap();
    for _ in 0..2 {
        let _ = exits.recv().unwrap();
    }
}

/// Case 2 fixed: both servers share one stop signal; main raises it as soon as either
/// exits, so the other shuts down too, and main waits for both.
pub fn server_pair_with_stop() {
    let (done, exits) = mpsc::sync_channel::<Result<(), String>>(2);
    let stop = Stop::new();
    {
        let done = done.clone();
        thread::Builder::new()
            .name("pprof".into())
            .spawn(move || done.send(Err("mock pprof exit".into())).unwrap())
            .unwrap();
    }
    {
        let stop = stop.clone();
        thread::Builder::new()
            .name("app".into())
            .spawn(move || done.send(server_until(":8080", &stop)).unwrap())
            .unwrap();
    }
    let mut errors = Vec::new();
    for _ in 0..2 {
        errors.push(exits.recv().unwrap().unwrap_err());
        stop.raise();
    }
    errors.sort();
    assert_eq!(errors, [":8080: http: Server closed", "mock pprof exit"]);
}

/// Case 3, the leaking handler: a request starts a thread that waits on a channel
/// (`<-ch`) nobody sends to; the thread also keeps a sender (to re-queue work), so the
/// channel never disconnects and the thread stays blocked after the handler returned.
pub fn handler_leaks_a_blocked_thread() -> &'static str {
    let (ch, wait) = mpsc::channel::<bool>();
    thread::Builder::new()
        .name("async task".into())
        .spawn(move || {
            let requeue = ch; // kept for retries: the channel stays open
            let _ = wait.recv(); // <-ch
            drop(requeue);
        })
        .unwrap();
    "will leak"
}

/// Case 3 fixed: the handler owns its task's lifetime: it keeps the sender, tells the task
/// to finish, and waits for it before answering.
pub fn handler_owns_its_thread() -> &'static str {
    let (ch, wait) = mpsc::channel::<bool>();
    let task = thread::spawn(move || {
        let _ = wait.recv();
    });
    ch.send(true).unwrap();
    task.join().unwrap();
    "done"
}

/// Case 4, reporting without waiting: every request reports an event from a detached
/// thread; at exit the process flushes whatever reached the sink, and events still in
/// flight are lost.
pub fn reporters_not_flushed() {
    let sink: Arc<Mutex<Vec<&'static str>>> = Arc::new(Mutex::new(Vec::new()));
    for event in ["login", "view"] {
        let sink = sink.clone();
        thread::spawn(move || sink.lock().unwrap().push(event));
    }
    let flushed = sink.lock().unwrap().len();
    assert_eq!(
        flushed, 2,
        "exit flushed {flushed} of 2 events: the rest were lost"
    );
}

/// Case 4 fixed: one tracker thread owns the sink; requests send it events, and shutdown
/// closes the channel and waits until the tracker has drained and flushed everything.
pub fn tracker_drains_before_exit() {
    let (events, queue) = mpsc::channel::<&'static str>();
    let tracker = thread::spawn(move || queue.iter().collect::<Vec<_>>());
    for event in ["login", "view"] {
        let events = events.clone();
        thread::spawn(move || events.send(event).unwrap());
    }
    drop(events); // shutdown: no more events from main
    let mut flushed = tracker.join().unwrap();
    flushed.sort();
    assert_eq!(flushed, ["login", "view"]);
}
