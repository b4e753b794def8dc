//! How staffsim uses the system allocator. Running out of memory ends the
//! process with one `error:` line and exit code 1, and removes the output
//! folder being written, instead of the standard library's abort (SIGABRT,
//! exit code 134, possibly a core dump); and large blocks go back to the
//! system when freed ([`release_large_blocks`]).
//!
//! The allocator is the system's; this wrapper only looks at a failed
//! request. The message is written without allocating (a fixed text and the
//! size formatted on the stack), since memory is what just ran out.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

/// The system allocator, with an exit instead of an abort when it fails.
pub struct ExitOnOutOfMemory;

// SAFETY: every call is forwarded unchanged to `System`, which upholds the
// `GlobalAlloc` contract; a null result never returns to the caller.
unsafe impl GlobalAlloc for ExitOnOutOfMemory {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's layout is passed through (non-zero size).
        let p = unsafe { System.alloc(layout) };
        if p.is_null() {
            out_of_memory(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as `alloc`.
        let p = unsafe { System.alloc_zeroed(layout) };
        if p.is_null() {
            out_of_memory(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator, that is from `System`.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` and `layout` came from this allocator, i.e. `System`.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if p.is_null() {
            out_of_memory(new_size);
        }
        p
    }
}

/// Prints the error and exits with code 1. A second failure while cleaning
/// up (removing the temporary output folder needs a little memory) exits at
/// once.
fn out_of_memory(size: usize) -> ! {
    static FAILING: AtomicBool = AtomicBool::new(false);
    if FAILING.swap(true, Ordering::SeqCst) {
        std::process::exit(1);
    }
    let mut line = [0u8; 320];
    let mut cursor = std::io::Cursor::new(&mut line[..]);
    let _ = writeln!(
        cursor,
        "error: out of memory: the system refused a request for {size} bytes, so nothing was written. Run fewer \
         replications at once (--threads 1), a shorter horizon or a longer interval, or on a machine with more memory"
    );
    let n = cursor.position() as usize;
    let _ = std::io::stderr().write_all(&line[..n]);
    staffsim::report::remove_in_flight_unlocked();
    std::process::exit(1);
}

/// Blocks of 1 MB or more (a replication's per-interval tables: tens of MB
/// on a long run of a large desk) are always mapped on their own, so each
/// goes back to the system as soon as it is freed. By default glibc raises
/// its threshold to the size of the first such block freed, after which
/// every worker thread's heap keeps the freed tables of the replications it
/// ran: 110 against 93 MiB at the peak of a year of a 40-queue desk on two
/// threads (BENCHMARKS.md).
pub fn release_large_blocks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a tuning parameter of the allocator; it is
    // called before any thread is started.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}
