//! On 32-bit Windows (MSVC), export the VBA surface under undecorated names
//! through a .def file, and link the C runtime statically so a locked-down
//! hospital PC needs no redistributable.

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "windows" && arch == "x86" && env == "msvc" {
        let def = std::path::Path::new(&std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("yibao.def");
        println!("cargo:rustc-cdylib-link-arg=/DEF:{}", def.display());
    }
    println!("cargo:rerun-if-changed=yibao.def");
    println!("cargo:rerun-if-changed=build.rs");
}
