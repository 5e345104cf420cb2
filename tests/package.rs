//! The Debian package built by `cargo deb` ([package.metadata.deb] in Cargo.toml; `.ci/package`
//! builds it in CI before `cargo test`): its control fields, file list, modes and conffiles;
//! its files are the sources'; and unpacked (`dpkg-deb -x`), its brctl runs and its ifupdown
//! hooks build and remove a bridge in a throwaway namespace.
//!
//! When target/debian holds no package of this version, or one older than its sources, the
//! package is built here (as .ci/package builds it) if cargo-deb is installed. Otherwise the
//! tests are skipped, each with a `SKIPPED` line saying why (tests/common/skip.rs), or fail
//! under CI=true.

// The package's clippy lints hold the program proper (Cargo.toml [lints]); tests unwrap,
// panic, index and run other programs.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable,
    clippy::indexing_slicing,
    clippy::disallowed_methods
)]

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::SystemTime;

use anyhow::{bail, Context};
use common::scratch::Scratch;
use common::{namespace, skip};

const NAME: &str = "bridge-utils-rs";
const VERSION: &str = env!("CARGO_PKG_VERSION");

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The target directory: where cargo put the brctl these tests were built with.
fn target_dir() -> PathBuf {
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_brctl"));
    exe.parent().and_then(Path::parent).map(Path::to_path_buf).unwrap_or_else(|| root().join("target"))
}

/// Newest modification time of the files the packages are made from.
fn newest_source() -> SystemTime {
    common::sources::newest(&[
        "src",
        "man",
        "completions",
        "ifupdown",
        "Cargo.toml",
        "Cargo.lock",
        "LICENSE",
        "README.md",
    ])
}

/// The newest target/debian/bridge-utils-rs_<version>-*.deb, with its modification time.
fn find_package() -> Option<(PathBuf, SystemTime)> {
    let prefix = format!("{NAME}_{VERSION}-");
    fs::read_dir(target_dir().join("debian"))
        .ok()?
        .flatten()
        .filter(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            name.starts_with(&prefix) && name.ends_with(".deb")
        })
        .filter_map(|entry| Some((entry.path(), entry.metadata().ok()?.modified().ok()?)))
        .max_by_key(|(_, modified)| *modified)
}

fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// The package to test, built first when missing or stale and cargo-deb is there; Err says
/// why there is none. Found or built once per test process.
fn package() -> Result<&'static Path, &'static str> {
    static PACKAGE: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match PACKAGE.get_or_init(|| find_or_build_package().map_err(|err| format!("{err:#}"))) {
        Ok(path) => Ok(path.as_path()),
        Err(why) => Err(why.as_str()),
    }
}

fn find_or_build_package() -> anyhow::Result<PathBuf> {
    let newest = newest_source();
    let problem = match find_package() {
        Some((path, built)) if built >= newest => return Ok(path),
        Some((path, _)) => format!("{} is older than its sources", path.display()),
        None => format!("no {NAME}_{VERSION}-*.deb in {}", target_dir().join("debian").display()),
    };
    let has_cargo_deb = Command::new(cargo()).args(["deb", "--version"]).output().is_ok_and(|out| out.status.success());
    if !has_cargo_deb {
        bail!("{problem}, and cargo-deb is not installed to build it (bash .ci/package installs it and builds the package)");
    }
    // Straight to stderr, not captured: building takes a while.
    let _ = writeln!(std::io::stderr(), "note: {problem}: building it with cargo deb");
    // Built as .ci/package builds it: statically linked on x86_64.
    let mut build = Command::new(cargo());
    build.args(["deb", "--output"]).arg(target_dir().join("debian"));
    if std::env::consts::ARCH == "x86_64" {
        build
            .args(["--target", "x86_64-unknown-linux-gnu"])
            .env("CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS", "-C target-feature=+crt-static");
    }
    let out = build
        .current_dir(root())
        .env("CARGO_TARGET_DIR", target_dir())
        .output()
        .with_context(|| format!("{problem}, and cargo deb cannot be run"))?;
    if !out.status.success() {
        bail!("{problem}, and cargo deb failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    find_package().map(|(path, _)| path).with_context(|| format!("{problem}, and cargo deb made none"))
}

/// The package, or None after `skip::skip` (a failure under CI=true).
fn package_or_skip(test: &str) -> Option<PathBuf> {
    skip::or_skip(test, package()).map(Path::to_path_buf)
}

fn run(command: &mut Command) -> Output {
    let out = command.output().unwrap_or_else(|err| panic!("run {command:?}: {err}"));
    assert!(out.status.success(), "{command:?}: {}\n{}", out.status, String::from_utf8_lossy(&out.stderr));
    out
}

fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The package unpacked into <scratch>/root, removed on drop.
struct Unpacked {
    scratch: Scratch,
}

impl Unpacked {
    fn new(label: &str, deb: &Path) -> Unpacked {
        let unpacked = Unpacked { scratch: Scratch::new(label) };
        run(Command::new("dpkg-deb").arg("-x").arg(deb).arg(unpacked.root()));
        unpacked
    }

    fn root(&self) -> PathBuf {
        self.scratch.join("root")
    }
}

fn quote(text: &str) -> String {
    String::from_utf8(common::shell_quote(text.as_bytes())).expect("quoted text is UTF-8")
}

/// Runs `body` in a fresh namespace with the unpacked usr/sbin first on PATH; returns stdout.
fn in_namespace(test: &str, unpacked: &Path, body: &str) -> Option<String> {
    if !namespace::lab_ready(test) {
        return None;
    }
    let script = format!(
        "mount -t sysfs sysfs /sys || exit 90\nmount -t tmpfs tmpfs /run || exit 90\nX={root}\nPATH=\"$X/usr/sbin:/usr/sbin:/usr/bin:/sbin:/bin\"\n\
         export PATH\n{body}\n",
        root = quote(&unpacked.to_string_lossy())
    );
    let out = Command::new("timeout")
        .args(["-k", "5", "120", "unshare", "-Urnm", "sh", "-c"])
        .arg(&script)
        .env_clear()
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .output()
        .expect("spawn unshare");
    let stdout = text(&out);
    assert!(
        out.status.success(),
        "{test}: namespace script failed ({})\nstdout:\n{stdout}\nstderr:\n{}\nscript:\n{script}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    Some(stdout)
}

/// `key=value` lines.
fn values(text: &str) -> BTreeMap<String, String> {
    text.lines().filter_map(|line| line.split_once('=')).map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[test]
fn control_fields() {
    let Some(deb) = package_or_skip("control_fields") else { return };
    let control = text(&run(Command::new("dpkg-deb").arg("-f").arg(&deb)));
    let mut fields = BTreeMap::new();
    let mut last = String::new();
    for line in control.lines() {
        if line.is_empty() || line.starts_with(' ') {
            continue; // the long description
        }
        let (key, value) = line.split_once(": ").unwrap_or_else(|| panic!("control line {line:?}"));
        fields.insert(key.to_string(), value.to_string());
        last = key.to_string();
    }
    assert_eq!(last, "Description", "the description comes last:\n{control}");
    let arch = text(&run(Command::new("dpkg").arg("--print-architecture"))).trim().to_string();
    let field = |key: &str| fields.get(key).map(String::as_str).unwrap_or_else(|| panic!("no {key}:\n{control}"));
    assert_eq!(field("Package"), NAME);
    assert_eq!(field("Version"), format!("{VERSION}-1"));
    assert_eq!(field("Architecture"), arch);
    assert_eq!(field("Provides"), "bridge-utils (= 1.7.1)");
    assert_eq!(field("Conflicts"), "bridge-utils");
    assert_eq!(field("Replaces"), "bridge-utils");
    assert_eq!(field("Section"), "net");
    assert_eq!(field("Priority"), "optional");
    assert_eq!(field("Description"), env!("CARGO_PKG_DESCRIPTION"));
    assert!(field("Maintainer").contains('<') && field("Maintainer").ends_with('>'), "Maintainer: name <address>");
    let depends: Vec<&str> = field("Depends").split(", ").collect();
    assert!(depends.contains(&"iproute2"), "the hooks call ip: Depends: {depends:?}");
    // On x86_64 .ci/package links brctl statically, so it needs no libc6; a dynamic build does.
    let static_brctl = std::env::consts::ARCH == "x86_64";
    assert_eq!(depends.iter().any(|d| d.starts_with("libc6")), !static_brctl, "Depends: {depends:?}");
    assert!(control.contains("\n ifupdown hooks") || control.contains(" ifupdown "), "long description");
}

/// Every file the package holds (not directories), with its mode as `ls` shows it.
const FILES: &[(&str, &str)] = &[
    ("usr/sbin/brctl", "-rwxr-xr-x"),
    ("usr/share/man/man8/brctl.8.gz", "-rw-r--r--"),
    ("usr/share/man/man5/bridge-utils-interfaces.5.gz", "-rw-r--r--"),
    ("etc/bash_completion.d/bridge-utils-rs", "-rw-r--r--"),
    ("usr/share/zsh/vendor-completions/_brctl", "-rw-r--r--"),
    ("usr/share/fish/vendor_completions.d/brctl.fish", "-rw-r--r--"),
    ("etc/network/if-pre-up.d/bridge", "-rwxr-xr-x"),
    ("etc/network/if-post-down.d/bridge", "-rwxr-xr-x"),
    ("usr/share/doc/bridge-utils-rs/copyright", "-rw-r--r--"),
    ("usr/share/doc/bridge-utils-rs/README.md", "-rw-r--r--"),
];

#[test]
fn file_list_and_modes() {
    let Some(deb) = package_or_skip("file_list_and_modes") else { return };
    let listing = text(&run(Command::new("dpkg-deb").arg("-c").arg(&deb)));
    let mut files = BTreeMap::new();
    for line in listing.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let (mode, owner, path) = (fields[0], fields[1], fields[fields.len() - 1]);
        assert_eq!(owner, "0/0", "{path} belongs to root");
        if !mode.starts_with('d') {
            files.insert(path.trim_start_matches("./").to_string(), mode.to_string());
        }
    }
    let expected: BTreeMap<String, String> = FILES.iter().map(|(p, m)| (p.to_string(), m.to_string())).collect();
    assert_eq!(files, expected, "files in the package (left) and expected (right)");
    // bash-completion's own file for brctl must stay untouched.
    assert!(!listing.contains("usr/share/bash-completion/completions/brctl"));

    let conffiles = text(&run(Command::new("dpkg-deb").arg("-I").arg(&deb).arg("conffiles")));
    let mut conffiles: Vec<&str> = conffiles.lines().collect();
    conffiles.sort_unstable();
    assert_eq!(
        conffiles,
        [
            "/etc/bash_completion.d/bridge-utils-rs",
            "/etc/network/if-post-down.d/bridge",
            "/etc/network/if-pre-up.d/bridge"
        ]
    );
}

#[test]
fn packaged_files_are_the_sources() {
    let Some(deb) = package_or_skip("packaged_files_are_the_sources") else { return };
    let work = Unpacked::new("files", &deb);
    let unpacked = work.root();
    let same = [
        ("completions/brctl.bash", "etc/bash_completion.d/bridge-utils-rs"),
        ("completions/_brctl", "usr/share/zsh/vendor-completions/_brctl"),
        ("completions/brctl.fish", "usr/share/fish/vendor_completions.d/brctl.fish"),
        ("ifupdown/if-pre-up.d/bridge", "etc/network/if-pre-up.d/bridge"),
        ("ifupdown/if-post-down.d/bridge", "etc/network/if-post-down.d/bridge"),
        ("README.md", "usr/share/doc/bridge-utils-rs/README.md"),
    ];
    for (source, packaged) in same {
        let want = fs::read(root().join(source)).expect("read source");
        let got = fs::read(unpacked.join(packaged)).unwrap_or_else(|err| panic!("{packaged}: {err}"));
        assert!(want == got, "{packaged} differs from {source}");
    }
    for (source, packaged) in [
        ("man/brctl.8", "usr/share/man/man8/brctl.8.gz"),
        ("man/bridge-utils-interfaces.5", "usr/share/man/man5/bridge-utils-interfaces.5.gz"),
    ] {
        let out = run(Command::new("gzip").arg("-dc").arg(unpacked.join(packaged)));
        assert!(out.stdout == fs::read(root().join(source)).expect("read man page"), "{packaged} is not {source}");
    }
    let copyright = fs::read_to_string(unpacked.join("usr/share/doc/bridge-utils-rs/copyright")).expect("copyright");
    assert!(copyright.contains("License: MIT"), "{copyright}");
    assert!(copyright.contains("Copyright: 2026 The bridge-utils-rs developers"), "{copyright}");
    assert!(copyright.contains("Permission is hereby granted, free of charge"), "{copyright}");
}

#[test]
fn unpacked_brctl_runs() {
    let Some(deb) = package_or_skip("unpacked_brctl_runs") else { return };
    let work = Unpacked::new("brctl", &deb);
    let brctl = work.root().join("usr/sbin/brctl");
    let version = run(Command::new(&brctl).arg("-V"));
    assert_eq!(text(&version), brctl::VERSION_LINE);
    let help = run(Command::new(&brctl).arg("--help"));
    assert!(text(&help).starts_with("Usage: brctl [commands]\ncommands:\n"), "{}", text(&help));

    let body = "echo \"which=$(command -v brctl)\"\n\
                ip link add v0 type veth peer name v0p\n\
                brctl addbr br0; echo addbr.rc=$?\n\
                brctl addif br0 v0; echo addif.rc=$?\n\
                brctl stp br0 on; echo stp.rc=$?\n\
                brctl show | tr '\\t\\n' ' |' | sed 's/^/show=/'; echo\n\
                brctl showstp br0 >/dev/null; echo showstp.rc=$?\n";
    let Some(out) = in_namespace("unpacked_brctl_runs", &work.root(), body) else { return };
    let found = values(&out);
    assert_eq!(found["which"], work.root().join("usr/sbin/brctl").to_string_lossy(), "{out}");
    for key in ["addbr.rc", "addif.rc", "stp.rc", "showstp.rc"] {
        assert_eq!(found[key], "0", "{key}\n{out}");
    }
    let show = &found["show"];
    assert!(show.starts_with("bridge name bridge id  STP enabled interfaces|br0  8000."), "{show:?}");
    assert!(show.contains(" yes  v0|"), "{show:?}");
}

#[test]
fn unpacked_hooks_build_a_bridge_and_remove_it() {
    let Some(deb) = package_or_skip("unpacked_hooks_build_a_bridge_and_remove_it") else { return };
    let work = Unpacked::new("hooks", &deb);
    let body = "for dev in eth0 eth1; do ip link add $dev type veth peer name p$dev; ip link set p$dev up; done\n\
        env -i PATH=\"$PATH\" IFACE=br0 MODE=start PHASE=pre-up ADDRFAM=inet METHOD=manual \
          IF_BRIDGE_PORTS='eth0 eth1' IF_BRIDGE_STP=on IF_BRIDGE_FD=5 IF_BRIDGE_MAXWAIT=0 \
          \"$X/etc/network/if-pre-up.d/bridge\"; echo up.rc=$?\n\
        echo \"ports=$(ls /sys/class/net/br0/brif | tr '\\n' ' ')\"\n\
        echo \"stp=$(cat /sys/class/net/br0/bridge/stp_state)\"\n\
        echo \"fd=$(cat /sys/class/net/br0/bridge/forward_delay)\"\n\
        echo \"showstp=$(brctl showstp br0 | grep '^ forward delay' | tr -s '\\t' ' ')\"\n\
        env -i PATH=\"$PATH\" IFACE=br0 MODE=stop PHASE=post-down ADDRFAM=inet METHOD=manual \
          IF_BRIDGE_PORTS='eth0 eth1' IF_BRIDGE_STP=on IF_BRIDGE_FD=5 IF_BRIDGE_MAXWAIT=0 \
          \"$X/etc/network/if-post-down.d/bridge\"; echo down.rc=$?\n\
        echo \"gone=$(test -e /sys/class/net/br0 && echo no || echo yes)\"\n\
        echo \"eth0.master=$(test -e /sys/class/net/eth0/master && echo yes || echo no)\"\n";
    let Some(out) = in_namespace("unpacked_hooks", &work.root(), body) else { return };
    let found = values(&out);
    let expected = [
        ("up.rc", "0"),
        ("ports", "eth0 eth1 "),
        ("stp", "1"),
        ("fd", "500"),
        ("showstp", " forward delay 5.00 bridge forward delay 5.00"),
        ("down.rc", "0"),
        ("gone", "yes"),
        ("eth0.master", "no"),
    ];
    for (key, want) in expected {
        assert_eq!(found.get(key).map(String::as_str), Some(want), "{key}\n{out}");
    }
}
