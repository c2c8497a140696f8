//! Compiles every .proto under `protos/` with protox (no protoc needed) and generates
//! the prost messages and tonic clients and servers; the descriptor set is kept for
//! gRPC reflection.

use std::path::{Path, PathBuf};

fn protos(dir: &Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            protos(&path, found)?;
        } else if path.extension().is_some_and(|e| e == "proto") {
            found.push(path);
        }
    }
    Ok(())
}

/// Declares one module per `bascule.<domain>.v1` package, so that adding a service is
/// adding its .proto file.
fn write_modules(
    out: &Path,
    fds: &prost_types::FileDescriptorSet,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut domains: Vec<String> = fds
        .file
        .iter()
        .filter_map(|f| f.package.as_deref())
        .filter_map(|p| p.strip_prefix("bascule.")?.strip_suffix(".v1"))
        .map(str::to_owned)
        .collect();
    domains.sort();
    domains.dedup();
    let mut code = String::from("pub mod bascule {\n");
    for d in &domains {
        code.push_str(&format!(
            "    pub mod {d} {{\n        pub mod v1 {{\n            tonic::include_proto!(\"bascule.{d}.v1\");\n        }}\n    }}\n"
        ));
    }
    code.push_str("}\n");
    for d in &domains {
        code.push_str(&format!("pub use bascule::{d};\n"));
    }
    std::fs::write(out.join("packages.rs"), code)?;
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from("protos");
    let mut files = Vec::new();
    protos(&root.join("bascule"), &mut files)?;
    files.sort();
    println!("cargo:rerun-if-changed=protos");
    let fds = protox::compile(&files, [&root])?;
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(
        out.join("bascule_descriptor.bin"),
        prost::Message::encode_to_vec(&fds),
    )?;
    write_modules(&out, &fds)?;
    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        .compile_fds(fds)?;
    Ok(())
}
