//! The manual steps left once a domain is retired, named after its actual legacy
//! sources: what bascule cannot do for the operator (accounts, shares, archives, users).

use bascule_migrate::engine::fingerprint::TableFingerprint;
use bascule_migrate::engine::plan::{Location, Plan};
use bascule_migrate::source::SourceKind;

/// The steps, in the order an operator does them.
pub fn checklist(plan: &Plan, fingerprints: &[TableFingerprint]) -> Vec<String> {
    let domain = &plan.domain;
    let mut steps = Vec::new();
    let mut files = Vec::new();
    for (name, source) in &plan.sources {
        let read = fingerprints.iter().filter(|f| f.source == *name);
        match &source.location {
            Location::Url(_) => {
                let url = source.display();
                steps.push(format!(
                    "revoke the accounts and database users of the legacy database {url} (the application's and the people's), keeping one read-only account for audits"
                ));
                steps.push(format!(
                    "remove the ODBC data sources and connection files that point at {url} from the workstations"
                ));
            }
            Location::File(_) => {
                for f in read {
                    if !files.iter().any(|(p, _, _)| *p == f.location) {
                        files.push((f.location.clone(), f.file_sha256.clone(), f.file_size));
                    }
                }
                if source.kind == SourceKind::Access {
                    steps.push(format!(
                        "remove the ODBC data sources and linked tables that open {}",
                        source.display()
                    ));
                }
            }
        }
    }
    let mut folders: Vec<String> = Vec::new();
    for (path, sha, size) in &files {
        steps.push(format!(
            "archive {path} read-only with its fingerprint (sha256 {}, {} bytes)",
            sha.as_deref().unwrap_or("unknown"),
            size.map_or_else(|| "unknown".to_owned(), |s| s.to_string()),
        ));
        let folder = std::path::Path::new(path)
            .parent()
            .map_or_else(|| path.clone(), |p| p.display().to_string());
        if !folders.contains(&folder) {
            folders.push(folder);
        }
    }
    for folder in folders {
        steps.push(format!(
            "remove the file share (or mapped drive) that serves {folder} to the users, once the files are archived"
        ));
    }
    steps.push(format!(
        "revoke the legacy application accounts of {domain} and remove its shortcuts from the workstations"
    ));
    steps.push(format!(
        "point the users of {domain} to the new service (bascule serve --domain {domain}; `bascule {domain} …` for the staff) and tell them the legacy sources are archived"
    ));
    steps
}
