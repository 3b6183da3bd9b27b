//! A panic is a bug in bulletin. When one happens while a record is converted, the user is
//! told which record failed, in one line, and the other records go on; Rust's default report
//! (thread name, backtrace hint) is shown only when RUST_BACKTRACE asks for it.

use std::cell::{Cell, RefCell};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::OnceLock;

thread_local! {
    /// How many [`catch`]es this thread is inside: their panics are reported by them.
    static CATCHING: Cell<usize> = const { Cell::new(0) };
    /// The message and location of the last panic, kept by the hook for [`catch`].
    static LAST: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs the one-line panic report. The command-line binary calls it first thing.
pub fn install_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = payload_text(info.payload());
        let location = info
            .location()
            .map(|l| format!(" ({}:{})", l.file(), l.line()))
            .unwrap_or_default();
        let text = format!("{message}{location}");
        if std::env::var_os("RUST_BACKTRACE").is_some() {
            default(info);
        } else if CATCHING.with(Cell::get) == 0 {
            eprintln!("error: internal error in bulletin, please report it: {text}");
        }
        LAST.with(|last| *last.borrow_mut() = Some(text));
    }));
}

/// Runs `f`; a panic inside becomes an error saying it is an internal error.
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    CATCHING.with(|c| c.set(c.get() + 1));
    let outcome = catch_unwind(AssertUnwindSafe(f));
    CATCHING.with(|c| c.set(c.get() - 1));
    outcome.map_err(|payload| {
        let detail = LAST
            .with(|last| last.borrow_mut().take())
            .unwrap_or_else(|| payload_text(payload.as_ref()));
        format!("bulletin failed on this record (an internal error; please report it): {detail}")
    })
}

fn payload_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

/// Fault injection for the tests of the paths above: converting the record whose id is
/// BULLETIN_PANIC_ON_ID panics, as a bug would.
pub fn injected_fault(id: &str) {
    static ID: OnceLock<Option<String>> = OnceLock::new();
    let target = ID.get_or_init(|| std::env::var("BULLETIN_PANIC_ON_ID").ok());
    if target.as_deref() == Some(id) {
        panic!("injected fault (BULLETIN_PANIC_ON_ID={id})");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error_naming_its_message() {
        let result: Result<(), String> = catch(|| panic!("layout lost its way"));
        let error = result.expect_err("the panic is caught");
        assert!(error.contains("internal error"), "{error}");
        assert!(error.contains("layout lost its way"), "{error}");
        assert_eq!(catch(|| 7), Ok(7));
    }
}
