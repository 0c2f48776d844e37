//! Engine handles: opaque tokens looked up in a registry, so that a freed,
//! forged or twice-freed handle is reported instead of dereferenced.

use crate::status::*;
use once_cell::sync::Lazy;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use yibao_core::Engine;

/// An engine: an immutable loaded policy (an `Arc<yibao_core::Engine>` in a
/// registry). Created by `yibao_engine_new_*`, freed by `yibao_engine_free`.
/// Safe to share between threads.
pub struct yibao_engine {
    _private: [u8; 0],
}

static NEXT: AtomicUsize = AtomicUsize::new(1);
static LIVE: Lazy<RwLock<HashMap<usize, Arc<Engine>>>> = Lazy::new(|| RwLock::new(HashMap::new()));

/// Registers an engine and returns its handle (never NULL).
pub fn register(e: Engine) -> *mut yibao_engine {
    let id = NEXT.fetch_add(1, Ordering::Relaxed);
    LIVE.write().unwrap_or_else(|p| p.into_inner()).insert(id, Arc::new(e));
    // The handle is a token, never dereferenced: shift it so it never looks like a small integer.
    (id << 4) as *mut yibao_engine
}

/// The engine behind a handle.
pub fn lookup(h: *const yibao_engine) -> Result<Arc<Engine>, FfiError> {
    let id = (h as usize) >> 4;
    if h.is_null() {
        return Err(FfiError::new(YIBAO_STATUS_INVALID_HANDLE, Some("engine"), "the engine handle is NULL"));
    }
    LIVE.read().unwrap_or_else(|p| p.into_inner()).get(&id).cloned().filter(|_| (h as usize) & 15 == 0).ok_or_else(
        || FfiError::new(YIBAO_STATUS_INVALID_HANDLE, Some("engine"), "the engine handle was freed or never issued"),
    )
}

/// Frees a handle; false when it was not live.
pub fn release(h: *mut yibao_engine) -> bool {
    if (h as usize) & 15 != 0 {
        return false;
    }
    LIVE.write().unwrap_or_else(|p| p.into_inner()).remove(&((h as usize) >> 4)).is_some()
}
