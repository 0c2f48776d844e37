//! What the ABI fuzz targets share.

use std::ptr;
use std::sync::OnceLock;
use yibao::*;

/// The engine of built-in pack `id`, made on the first call and kept in
/// `cell` as the integer token it is (handles are registry tokens, never
/// dereferenced by the caller).
pub fn engine(cell: &OnceLock<usize>, id: &str) -> *mut yibao_engine {
    let token = cell.get_or_init(|| {
        let mut e = ptr::null_mut();
        assert_eq!(yibao_engine_new_builtin(id.as_ptr(), id.len(), &mut e), YIBAO_STATUS_OK);
        e as usize
    });
    *token as *mut yibao_engine
}
