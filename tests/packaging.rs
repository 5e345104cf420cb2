//! The RPM (packaging/build-rpm), the Arch Linux package (packaging/build-arch) and the SELinux
//! module they carry (packaging/selinux/build): their metadata and file lists as `rpm -qp` and
//! `bsdtar` show them; the RPM installed into a scratch root with `rpm --root`, its brctl run in
//! a throwaway namespace, its scriptlets loading and removing the module, and uninstalled; the
//! module granting brctl_t exactly the netlink_route_socket permissions brctl uses; and the
//! Debian package, the RPM and the Arch package shipping one and the same brctl.
//!
//! CI builds the packages before `cargo test` (.ci/run); these tests only read them. Where one
//! is missing or older than its sources, it is built here with its script if the tools are
//! installed, else the test is skipped with a `SKIPPED` line (tests/common/skip.rs), a failure
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

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::SystemTime;

use common::scratch::Scratch;
use common::{namespace, skip};

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// What the SELinux module lets brctl_t do with its own netlink_route_socket; why each, in
/// packaging/selinux/brctl_netlink.te.
const NETLINK_PERMISSIONS: &[&str] = &["bind", "create", "nlmsg_read", "nlmsg_write", "read", "setopt", "write"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The artifacts, each with the script that makes it (the Debian package for the one-binary check).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Artifact {
    Module,
    Rpm,
    Arch,
    Deb,
}

impl Artifact {
    fn script(self) -> &'static str {
        match self {
            Artifact::Module => "packaging/selinux/build",
            Artifact::Rpm => "packaging/build-rpm",
            Artifact::Arch => "packaging/build-arch",
            Artifact::Deb => "packaging/build-deb",
        }
    }

    fn path(self) -> PathBuf {
        let target = root().join("target");
        match self {
            Artifact::Module => target.join("selinux/brctl_netlink.cil"),
            Artifact::Rpm => target.join(format!("generate-rpm/bridge-utils-rs-{VERSION}-1.x86_64.rpm")),
            Artifact::Arch => target.join(format!("arch/bridge-utils-rs-{VERSION}-1-x86_64.pkg.tar.zst")),
            Artifact::Deb => target.join(format!("debian/bridge-utils-rs_{VERSION}-1_amd64.deb")),
        }
    }

    /// The tools the script needs besides cargo and a shell (cargo-generate-rpm it would install).
    fn missing_tool(self) -> Option<String> {
        let tools: &[&str] = match self {
            Artifact::Module => &["make", "checkmodule", "semodule_package"],
            Artifact::Rpm => &["make", "checkmodule", "semodule_package", "rpm", "cargo-generate-rpm"],
            Artifact::Arch => &["makepkg", "pacman", "bsdtar", "fakeroot", "git", "zstd"],
            Artifact::Deb => &["cargo-deb"],
        };
        let missing = tools.iter().find(|tool| !on_path(tool))?;
        Some(format!("{missing} is not installed"))
    }
}

fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(tool).is_file()))
}

/// Newest modification time of the files the packages are made from.
fn newest_source() -> SystemTime {
    common::sources::newest(&[
        "src",
        "man",
        "completions",
        "packaging",
        "Cargo.toml",
        "Cargo.lock",
        "LICENSE",
        "README.md",
    ])
}

/// The artifact, built first with its script when missing or stale; Err says why there is none.
fn build(artifact: Artifact) -> Result<PathBuf, String> {
    // One build at a time: the RPM's script rebuilds the module the module's test reads.
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let path = artifact.path();
    let built = fs::metadata(&path).and_then(|meta| meta.modified()).ok();
    let problem = match built {
        Some(built) if built >= newest_source() => return Ok(path),
        Some(_) => format!("{} is older than its sources", path.display()),
        None => format!("there is no {}", path.display()),
    };
    if let Some(missing) = artifact.missing_tool() {
        return Err(format!("{problem}, and {missing} to build it (bash {})", artifact.script()));
    }
    // Straight to stderr, not captured: building takes a while.
    let _ = writeln!(std::io::stderr(), "note: {problem}: building it with {}", artifact.script());
    let out = Command::new("bash")
        .arg(root().join(artifact.script()))
        .current_dir(root())
        .output()
        .map_err(|err| format!("{problem}, and bash cannot be run: {err}"))?;
    if !out.status.success() {
        return Err(format!("{problem}, and {} failed: {}", artifact.script(), String::from_utf8_lossy(&out.stderr)));
    }
    path.is_file().then_some(path).ok_or_else(|| format!("{problem}, and {} made none", artifact.script()))
}

/// The artifact, or None after `skip::skip`. Found or built once per test process.
fn artifact_or_skip(test: &str, artifact: Artifact) -> Option<PathBuf> {
    static BUILT: [OnceLock<Result<PathBuf, String>>; 4] = [const { OnceLock::new() }; 4];
    let slot = &BUILT[artifact as usize];
    let readers: &[&str] = match artifact {
        Artifact::Module => &[],
        Artifact::Rpm => &["rpm", "bsdtar", "gzip", "unshare"],
        Artifact::Arch => &["bsdtar", "gzip", "sha256sum"],
        Artifact::Deb => &["dpkg-deb"],
    };
    if let Some(missing) = readers.iter().find(|tool| !on_path(tool)) {
        skip::skip(test, format!("{missing} is not installed to read the package with"));
        return None;
    }
    skip::or_skip(test, slot.get_or_init(|| build(artifact)).clone())
}

fn run(command: &mut Command) -> Output {
    let out = command.output().unwrap_or_else(|err| panic!("run {command:?}: {err}"));
    assert!(out.status.success(), "{command:?}: {}\n{}", out.status, String::from_utf8_lossy(&out.stderr));
    out
}

fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn rpm_query(rpm: &Path, args: &[&str]) -> String {
    text(&run(Command::new("rpm").arg("-qp").args(args).arg(rpm)))
}

fn lines(text: &str) -> Vec<&str> {
    text.lines().collect()
}

/// One file of a package.
fn member(package: &Path, name: &str) -> Vec<u8> {
    run(Command::new("bsdtar").arg("-xOf").arg(package).arg(name)).stdout
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut child = Command::new("gzip")
        .arg("-dc")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn gzip");
    child.stdin.take().unwrap().write_all(bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "gzip -dc");
    out.stdout
}

fn source(path: &str) -> Vec<u8> {
    fs::read(root().join(path)).unwrap_or_else(|err| panic!("{path}: {err}"))
}

// ---------------------------------------------------------------------------------------------
// The SELinux module

/// Compiled and rendered as CIL by checkmodule, the module requires brctl_t and allows it
/// exactly NETLINK_PERMISSIONS on its own netlink_route_socket: no other rule of any kind.
#[test]
fn selinux_module_grants_brctl_t_only_its_netlink_permissions() {
    let Some(cil) = artifact_or_skip("selinux_module_grants_brctl_t_only_its_netlink_permissions", Artifact::Module)
    else {
        return;
    };
    let cil = fs::read_to_string(&cil).unwrap();
    let mut allows = Vec::new();
    for statement in cil.lines().map(str::trim).filter(|line| !line.is_empty() && !line.starts_with(';')) {
        // Requirements declare nothing and grant nothing.
        if statement.starts_with("(typeattributeset cil_gen_require ")
            || statement.starts_with("(roleattributeset cil_gen_require ")
        {
            continue;
        }
        let rule = statement.strip_prefix("(allow ").unwrap_or_else(|| panic!("a statement that is no allow: {cil}"));
        allows.push(rule.to_string());
    }
    assert!(cil.contains("(typeattributeset cil_gen_require brctl_t)"), "requires brctl_t:\n{cil}");
    assert_eq!(allows.len(), 1, "one allow rule:\n{cil}");
    let rule = allows[0].strip_suffix(")))").unwrap_or_else(|| panic!("{cil}"));
    let (head, permissions) = rule.split_once(" (netlink_route_socket (").unwrap_or_else(|| panic!("{cil}"));
    assert_eq!(head, "brctl_t self", "brctl_t and its own sockets only:\n{cil}");
    let permissions: BTreeSet<&str> = permissions.split_whitespace().collect();
    assert_eq!(permissions, NETLINK_PERMISSIONS.iter().copied().collect(), "{cil}");

    // The policy package next to it is what the RPM ships.
    let pp = fs::read(root().join("target/selinux/brctl_netlink.pp")).unwrap();
    assert_eq!(pp.get(..4), Some(&[0x8f, 0xff, 0x7c, 0xf9][..]), "a module package (SEPOL_MODULE_PACKAGE_MAGIC)");
}

// ---------------------------------------------------------------------------------------------
// The RPM

#[test]
fn rpm_metadata() {
    let Some(rpm) = artifact_or_skip("rpm_metadata", Artifact::Rpm) else { return };
    let header = rpm_query(&rpm, &["--qf", "%{NAME}|%{VERSION}|%{RELEASE}|%{ARCH}|%{LICENSE}|%{SUMMARY}"]);
    let summary = env!("CARGO_PKG_DESCRIPTION");
    assert_eq!(header, format!("bridge-utils-rs|{VERSION}|1|x86_64|MIT|{summary}"));
    let provides = rpm_query(&rpm, &["--provides"]);
    assert!(lines(&provides).contains(&"bridge-utils = 1.7.1-100"), "Provides:\n{provides}");
    assert_eq!(rpm_query(&rpm, &["--obsoletes"]), "bridge-utils < 1.7.1-100\n");
    assert_eq!(rpm_query(&rpm, &["--conflicts"]), "bridge-utils > 1.7.1-100\n");
    // Statically linked: no shared library, only the shell of the scriptlets and rpm's own.
    let requires = rpm_query(&rpm, &["--requires"]);
    for require in lines(&requires) {
        assert!(
            require == "/bin/sh" || require.starts_with("rpmlib(") || require.starts_with("config(bridge-utils-rs)"),
            "Requires {require:?}:\n{requires}"
        );
    }
    for (tag, file) in [("POSTIN", "packaging/rpm/post-install"), ("POSTUN", "packaging/rpm/post-uninstall")] {
        let script = rpm_query(&rpm, &["--qf", &format!("%{{{tag}}}")]);
        assert_eq!(script.trim_end(), String::from_utf8(source(file)).unwrap().trim_end(), "{tag} is {file}");
    }
    for tag in ["PREIN", "PREUN", "POSTTRANS", "PRETRANS"] {
        assert_eq!(rpm_query(&rpm, &["--qf", &format!("%{{{tag}}}")]), "(none)", "no {tag} scriptlet");
    }
}

/// Every file of the RPM with its mode, owner and rpm flags (c config, n noreplace, d doc).
const RPM_FILES: &[&str] = &[
    "-rw-r--r-- root root cn /etc/bash_completion.d/bridge-utils-rs",
    "-rwxr-xr-x root root  /usr/sbin/brctl",
    "-rw-r--r-- root root d /usr/share/doc/bridge-utils-rs/README.md",
    "-rw-r--r-- root root  /usr/share/fish/vendor_completions.d/brctl.fish",
    "-rw-r--r-- root root d /usr/share/licenses/bridge-utils-rs/LICENSE",
    "-rw-r--r-- root root d /usr/share/man/man5/bridge-utils-interfaces.5.gz",
    "-rw-r--r-- root root d /usr/share/man/man8/brctl.8.gz",
    "-rw-r--r-- root root  /usr/share/selinux/devel/include/distributed/brctl_netlink.if",
    "-rw-r--r-- root root  /usr/share/selinux/packages/targeted/brctl_netlink.pp",
    "-rw-r--r-- root root  /usr/share/zsh/site-functions/_brctl",
];

/// Where each source file goes, in both packages (the RPM's paths; Arch's brctl is in /usr/bin).
const SAME_FILES: &[(&str, &str)] = &[
    ("completions/brctl.bash", "etc/bash_completion.d/bridge-utils-rs"),
    ("completions/_brctl", "usr/share/zsh/site-functions/_brctl"),
    ("completions/brctl.fish", "usr/share/fish/vendor_completions.d/brctl.fish"),
    ("LICENSE", "usr/share/licenses/bridge-utils-rs/LICENSE"),
    ("README.md", "usr/share/doc/bridge-utils-rs/README.md"),
];
const MAN_PAGES: &[(&str, &str)] = &[
    ("man/brctl.8", "usr/share/man/man8/brctl.8.gz"),
    ("man/bridge-utils-interfaces.5", "usr/share/man/man5/bridge-utils-interfaces.5.gz"),
];

#[test]
fn rpm_file_list() {
    let Some(rpm) = artifact_or_skip("rpm_file_list", Artifact::Rpm) else { return };
    let listing = rpm_query(
        &rpm,
        &["--qf", "[%{FILEMODES:perms} %{FILEUSERNAME} %{FILEGROUPNAME} %{FILEFLAGS:fflags} %{FILENAMES}\n]"],
    );
    assert_eq!(lines(&listing), RPM_FILES, "the RPM's files (left) and the expected ones (right)");
    // bash-completion's own completions/brctl stays untouched.
    assert!(!listing.contains("/usr/share/bash-completion/"));
    for (from, to) in SAME_FILES {
        assert!(member(&rpm, &format!("./{to}")) == source(from), "{to} is not {from}");
    }
    for (from, to) in MAN_PAGES {
        assert!(gunzip(&member(&rpm, &format!("./{to}"))) == source(from), "{to} is not {from}");
    }
    let pp = member(&rpm, "./usr/share/selinux/packages/targeted/brctl_netlink.pp");
    assert!(pp == fs::read(root().join("target/selinux/brctl_netlink.pp")).unwrap(), "the module built beside it");
    assert!(
        member(&rpm, "./usr/share/selinux/devel/include/distributed/brctl_netlink.if")
            == source("packaging/selinux/brctl_netlink.if")
    );
}

/// The scriptlets do nothing, and succeed, where there are no SELinux tools.
#[test]
fn rpm_scriptlets_do_nothing_without_selinux() {
    let Some(rpm) = artifact_or_skip("rpm_scriptlets_do_nothing_without_selinux", Artifact::Rpm) else { return };
    let empty = Scratch::new("no-selinux");
    for (tag, arg) in [("POSTIN", "1"), ("POSTUN", "0"), ("POSTUN", "1")] {
        let script = rpm_query(&rpm, &["--qf", &format!("%{{{tag}}}")]);
        let out = Command::new("/bin/sh")
            .args(["-c", &script, "sh", arg])
            .env_clear()
            .env("PATH", empty.path())
            .output()
            .unwrap();
        assert!(out.status.success() && out.stdout.is_empty() && out.stderr.is_empty(), "{tag} {arg}: {out:?}");
    }
}

/// A scratch root with just enough for rpm's scriptlets (dash and the C library it needs, and
/// /dev/null bound in), a stand-in `semodule` that logs its arguments, and a targeted policy
/// directory: what the scriptlets see on a Fedora with SELinux.
fn scratch_root(scratch: &Scratch) -> PathBuf {
    let root = scratch.dir("root");
    for (from, to) in [
        ("/bin/dash", "bin/sh"),
        ("/lib/x86_64-linux-gnu/libc.so.6", "lib/x86_64-linux-gnu/libc.so.6"),
        ("/lib64/ld-linux-x86-64.so.2", "lib64/ld-linux-x86-64.so.2"),
    ] {
        fs::create_dir_all(root.join(to).parent().unwrap()).unwrap();
        fs::copy(from, root.join(to)).unwrap_or_else(|err| panic!("copy {from}: {err}"));
    }
    for dir in ["dev", "etc/selinux/targeted", "usr/bin", "var/lib/rpm", "tmp"] {
        fs::create_dir_all(root.join(dir)).unwrap();
    }
    fs::write(root.join("dev/null"), b"").unwrap();
    let stub = root.join("usr/bin/semodule");
    fs::write(&stub, "#!/bin/sh\necho \"semodule $*\" >>/semodule.log\n").unwrap();
    fs::set_permissions(&stub, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    root
}

/// `rpm --root <scratch> --nodeps -i`: the files land, the post-install loads the module, the
/// installed brctl runs `-V` and `show` in a namespace; `rpm -e` removes the module and every file.
#[test]
fn rpm_installs_runs_and_uninstalls() {
    let test = "rpm_installs_runs_and_uninstalls";
    let Some(rpm) = artifact_or_skip(test, Artifact::Rpm) else { return };
    if !namespace::lab_ready(test) {
        return;
    }
    let scratch = Scratch::new("rpm-root");
    let root = scratch_root(&scratch);
    let quoted = |path: &Path| String::from_utf8(common::shell_quote(path.to_string_lossy().as_bytes())).unwrap();
    let rpm_cmd = format!("rpm --root {} --dbpath /var/lib/rpm", quoted(&root));
    // rpm chroots into the scratch root for the scriptlets: a user namespace lets a normal
    // user do that, and the mount namespace lets /dev/null be the real one.
    let in_user_namespace = |body: &str| -> String {
        let script = format!("set -e\nmount --bind /dev/null {}/dev/null\n{body}\n", quoted(&root));
        text(&run(Command::new("unshare").args(["-Urm", "sh", "-c", &script])))
    };
    in_user_namespace(&format!("{rpm_cmd} --initdb\n{rpm_cmd} --nodeps -i {}", quoted(&rpm)));
    assert_eq!(in_user_namespace(&format!("{rpm_cmd} -qa")), format!("bridge-utils-rs-{VERSION}-1.x86_64\n"));
    for line in RPM_FILES {
        let path = line.rsplit(' ').next().unwrap();
        assert!(root.join(&path[1..]).is_file(), "{path} is not installed");
    }
    let log = root.join("semodule.log");
    assert_eq!(
        fs::read_to_string(&log).unwrap_or_default(),
        "semodule -s targeted -X 200 -i /usr/share/selinux/packages/targeted/brctl_netlink.pp\n",
        "the post-install loads the module"
    );

    let brctl = root.join("usr/sbin/brctl");
    assert_eq!(text(&run(Command::new(&brctl).arg("-V"))), brctl::VERSION_LINE);
    let body = format!(
        "mount -t sysfs sysfs /sys || exit 90\nmount -t tmpfs tmpfs /run || exit 90\n\
         {b} addbr br0; echo addbr.rc=$?\n{b} show | tr '\\t\\n' ' |'\n",
        b = quoted(&brctl)
    );
    let out = run(Command::new("timeout").args(["-k", "5", "120", "unshare", "-Urnm", "sh", "-c", &body]));
    let shown = text(&out);
    assert!(shown.starts_with("addbr.rc=0\nbridge name bridge id  STP enabled interfaces|br0  8000."), "{shown:?}");

    fs::remove_file(&log).unwrap();
    in_user_namespace(&format!("{rpm_cmd} -e bridge-utils-rs"));
    assert_eq!(in_user_namespace(&format!("{rpm_cmd} -qa")), "", "nothing is installed any more");
    for line in RPM_FILES {
        let path = line.rsplit(' ').next().unwrap();
        assert!(!root.join(&path[1..]).exists(), "{path} is still there after rpm -e");
    }
    assert_eq!(
        fs::read_to_string(&log).unwrap_or_default(),
        "semodule -s targeted -X 200 -r brctl_netlink\n",
        "the post-uninstall removes the module"
    );
}

// ---------------------------------------------------------------------------------------------
// The Arch package

#[test]
fn arch_package_metadata() {
    let Some(pkg) = artifact_or_skip("arch_package_metadata", Artifact::Arch) else { return };
    let info = String::from_utf8(member(&pkg, ".PKGINFO")).unwrap();
    let mut fields: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for line in info.lines().filter(|line| !line.starts_with('#')) {
        let (key, value) = line.split_once(" = ").unwrap_or_else(|| panic!("{line:?} in\n{info}"));
        fields.entry(key).or_default().push(value);
    }
    let field = |key: &str| fields.get(key).cloned().unwrap_or_default();
    assert_eq!(field("pkgname"), ["bridge-utils-rs"]);
    assert_eq!(field("pkgver"), [format!("{VERSION}-1").as_str()]);
    assert_eq!(field("pkgdesc"), [env!("CARGO_PKG_DESCRIPTION")]);
    assert_eq!(field("arch"), ["x86_64"]);
    assert_eq!(field("license"), ["MIT"]);
    assert_eq!(field("provides"), ["bridge-utils=1.7.1"]);
    assert_eq!(field("conflict"), ["bridge-utils"]);
    assert_eq!(field("backup"), ["etc/bash_completion.d/bridge-utils-rs"]);
    assert_eq!(field("depend"), Vec::<&str>::new(), "statically linked: no glibc");
    assert_eq!(field("makedepend"), ["cargo"]);
    // makepkg built it from this PKGBUILD.
    let buildinfo = String::from_utf8(member(&pkg, ".BUILDINFO")).unwrap();
    let sha = text(&run(Command::new("sha256sum").arg(root().join("packaging/arch/PKGBUILD"))));
    let sha = sha.split_whitespace().next().unwrap();
    assert!(buildinfo.contains(&format!("\npkgbuild_sha256sum = {sha}\n")), "{buildinfo}");
    assert!(buildinfo.contains("\nbuildtool = makepkg\n"), "{buildinfo}");
}

/// Every file of the Arch package (not directories) with its mode and owner, as `bsdtar -tv` shows.
const ARCH_FILES: &[&str] = &[
    ".BUILDINFO",
    ".MTREE",
    ".PKGINFO",
    "-rw-r--r-- root root etc/bash_completion.d/bridge-utils-rs",
    "-rwxr-xr-x root root usr/bin/brctl",
    "-rw-r--r-- root root usr/share/doc/bridge-utils-rs/README.md",
    "-rw-r--r-- root root usr/share/fish/vendor_completions.d/brctl.fish",
    "-rw-r--r-- root root usr/share/licenses/bridge-utils-rs/LICENSE",
    "-rw-r--r-- root root usr/share/man/man5/bridge-utils-interfaces.5.gz",
    "-rw-r--r-- root root usr/share/man/man8/brctl.8.gz",
    "-rw-r--r-- root root usr/share/zsh/site-functions/_brctl",
];

#[test]
fn arch_package_file_list() {
    let Some(pkg) = artifact_or_skip("arch_package_file_list", Artifact::Arch) else { return };
    let names = text(&run(Command::new("bsdtar").arg("-tf").arg(&pkg)));
    let verbose = text(&run(Command::new("bsdtar").arg("-tvf").arg(&pkg)));
    let mut files = Vec::new();
    for (name, line) in names.lines().zip(verbose.lines()) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields[0].starts_with('d') {
            continue;
        }
        files.push(if name.starts_with('.') {
            name.to_string()
        } else {
            format!("{} {} {} {name}", fields[0], fields[2], fields[3])
        });
    }
    files.sort_by(|a, b| a.rsplit(' ').next().cmp(&b.rsplit(' ').next()));
    assert_eq!(files, ARCH_FILES, "the package's files (left) and the expected ones (right)");
    for (from, to) in SAME_FILES {
        assert!(member(&pkg, to) == source(from), "{to} is not {from}");
    }
    for (from, to) in MAN_PAGES {
        assert!(gunzip(&member(&pkg, to)) == source(from), "{to} is not {from}");
    }
}

// ---------------------------------------------------------------------------------------------
// One binary

/// The Debian package's brctl, the RPM's and the Arch package's are the same bytes: one static
/// build, shipped three times.
#[test]
fn all_formats_ship_the_same_brctl() {
    let test = "all_formats_ship_the_same_brctl";
    let Some(rpm) = artifact_or_skip(test, Artifact::Rpm) else { return };
    let Some(pkg) = artifact_or_skip(test, Artifact::Arch) else { return };
    let Some(deb) = artifact_or_skip(test, Artifact::Deb) else { return };
    let scratch = Scratch::new("deb");
    run(Command::new("dpkg-deb").arg("-x").arg(&deb).arg(scratch.path()));
    let binaries = [
        ("deb /usr/sbin/brctl", fs::read(scratch.join("usr/sbin/brctl")).unwrap()),
        ("rpm /usr/sbin/brctl", member(&rpm, "./usr/sbin/brctl")),
        ("arch /usr/bin/brctl", member(&pkg, "usr/bin/brctl")),
    ];
    let sha256 = |bytes: &[u8]| {
        let file = scratch.join("brctl.sha");
        fs::write(&file, bytes).unwrap();
        text(&run(Command::new("sha256sum").arg(&file))).split_whitespace().next().unwrap().to_string()
    };
    let sums: Vec<(&str, String)> = binaries.iter().map(|(name, bytes)| (*name, sha256(bytes))).collect();
    assert!(sums.iter().all(|(_, sum)| *sum == sums[0].1), "sha256 of brctl in each package: {sums:#?}");
    assert!(!has_interpreter(&binaries[0].1), "brctl is statically linked: no PT_INTERP");
}

/// Whether a 64-bit little-endian ELF file names a program interpreter (a PT_INTERP header).
fn has_interpreter(elf: &[u8]) -> bool {
    assert_eq!(elf.get(..6), Some(&b"\x7fELF\x02\x01"[..]), "a 64-bit little-endian ELF file");
    let number = |at: usize, len: usize| elf[at..at + len].iter().rev().fold(0usize, |n, b| (n << 8) | usize::from(*b));
    let (offset, size, count) = (number(0x20, 8), number(0x36, 2), number(0x38, 2));
    (0..count).any(|i| number(offset + i * size, 4) == 3)
}
