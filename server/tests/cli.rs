//! The `telepath` command as a user runs it.

use std::io::BufRead;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

fn telepath(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_telepath"))
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .expect("the telepath binary runs")
}

#[test]
fn help_lists_the_subcommands() {
    let output = telepath(&["--help"]);
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for subcommand in ["serve", "check", "index", "staff"] {
        assert!(help.contains(subcommand), "{help}");
    }
}

#[test]
fn a_port_in_use_is_one_clear_line_and_a_failure_exit() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let data = tempfile::tempdir().unwrap();
    let output = telepath(&["serve", "--listen", &address, "--data", data.path().to_str().unwrap()]);
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        stderr.trim(),
        format!(
            "error: {address} is already in use; choose another port with --listen 127.0.0.1:PORT or TELEPATH_LISTEN"
        )
    );
}

#[test]
fn a_bad_setting_names_the_key_and_the_expected_form() {
    let output = Command::new(env!("CARGO_BIN_EXE_telepath"))
        .args(["serve"])
        .env("TELEPATH_LISTEN", "port 80")
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert_eq!(
        String::from_utf8(output.stderr).unwrap().trim(),
        "error: TELEPATH_LISTEN = \"port 80\" is not valid: expected an IP address and port, e.g. 127.0.0.1:3000"
    );
}

#[test]
fn check_prints_every_problem_and_fails_on_errors() {
    let content = tempfile::tempdir().unwrap();
    let category = content.path().join("articles/billing");
    std::fs::create_dir_all(&category).unwrap();
    std::fs::write(category.join("_index.md"), "+++\ntitle = \"Billing\"\ndescription = \"Bills.\"\n+++\n")
        .unwrap();
    std::fs::write(category.join("a.md"), "+++\ntittle = \"A\"\n+++\n").unwrap();
    std::fs::write(category.join("b.md"), "no front matter\n").unwrap();
    let root = content.path().to_str().unwrap();

    let output = telepath(&["check", "--content", root]);
    assert!(!output.status.success());
    let stdout = String::from_utf8(output.stdout).unwrap();
    let name = content.path().file_name().unwrap().to_str().unwrap();
    assert!(
        stdout.contains(&format!(
            "{name}/articles/billing/a.md:2:1: error[front-matter]: unknown field `tittle`"
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "(help: did you mean `title`?)
  |
2 | tittle = \"A\"
  | ^
"
        ),
        "{stdout}"
    );
    assert!(stdout.contains(&format!("{name}/articles/billing/b.md:1:1: error[front-matter]")), "{stdout}");
    assert!(
        stdout.trim_end().ends_with(
            "checked 0 articles in 1 category, 0 welcome kits, 0 tasks, 0 notices, 0 saved replies: 2 errors, 0 warnings"
        ),
        "{stdout}"
    );

    let json = telepath(&["check", "--content", root, "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["errors"], 2);
    assert_eq!(report["diagnostics"][0]["line"], 2);
    assert_eq!(report["diagnostics"][0]["source_line"], "tittle = \"A\"");
}

#[test]
fn the_bundled_content_checks_clean() {
    let content = concat!(env!("CARGO_MANIFEST_DIR"), "/../content");
    let output = telepath(&["check", "--content", content]);
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.trim_end().ends_with("0 errors, 0 warnings"), "{stdout}");
}

/// A content folder with one category and two articles.
fn small_tree() -> tempfile::TempDir {
    let content = tempfile::tempdir().unwrap();
    let category = content.path().join("articles/billing");
    std::fs::create_dir_all(&category).unwrap();
    std::fs::write(category.join("_index.md"), "+++\ntitle = \"Billing\"\ndescription = \"Bills.\"\n+++\n")
        .unwrap();
    for slug in ["refunds", "payouts"] {
        std::fs::write(
            category.join(format!("{slug}.md")),
            format!(
                "+++\ntitle = \"About {slug}\"\nsummary = \"All about {slug}.\"\nlevel = \"all\"\nkind = \"guide\"\nupdated = 2026-10-01\n+++\nText about {slug}.\n"
            ),
        )
        .unwrap();
    }
    content
}

/// Starts `telepath serve` on port 0, waits for its search index log line, stops it,
/// and returns that line without colours.
fn search_index_line_of_a_serve_start(content: &str, data: &str) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_telepath"))
        .args(["serve", "--listen", "127.0.0.1:0", "--content", content, "--data", data])
        .args(["--site", "/nonexistent-site"])
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the telepath binary runs");
    let stderr = child.stderr.take().unwrap();
    let (lines, received) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let found = loop {
        match received.recv_timeout(Duration::from_secs(60)) {
            Ok(line) if line.contains("search index synced") => break Some(line),
            Ok(_) => continue,
            Err(_) => break None,
        }
    };
    child.kill().unwrap();
    child.wait().unwrap();
    found.expect("serve logs how the search index was synced")
}

#[test]
fn index_rebuilds_and_prints_throughput_and_serve_then_adds_nothing() {
    let content = small_tree();
    let data = tempfile::tempdir().unwrap();
    let (content, data) = (content.path().to_str().unwrap(), data.path().to_str().unwrap());

    let output = telepath(&["index", "--content", content, "--data", data]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let summary = stdout.lines().next().unwrap_or_default();
    let rest = summary.strip_prefix("indexed 2 articles in ").unwrap_or_else(|| panic!("{summary}"));
    let (seconds, rate) = rest.split_once(" s (").unwrap_or_else(|| panic!("{summary}"));
    assert!(seconds.parse::<f64>().is_ok(), "{summary}");
    assert!(rate.strip_suffix(" articles/s)").is_some_and(|n| n.parse::<u64>().is_ok()), "{summary}");

    for start in ["after `index`", "on a restart"] {
        let line = search_index_line_of_a_serve_start(content, data);
        assert!(line.contains("added=0") && line.contains("unchanged=2"), "{start}: {line}");
    }
}

#[test]
fn index_makes_every_webp_rendition_once_and_names_a_broken_picture() {
    let content = small_tree();
    let media = content.path().join("media/screens");
    std::fs::create_dir_all(&media).unwrap();
    let picture =
        image::RgbImage::from_fn(800, 500, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 60]));
    picture.save(media.join("dashboard.png")).unwrap();
    let data = tempfile::tempdir().unwrap();
    let (content_arg, data_arg) = (content.path().to_str().unwrap(), data.path().to_str().unwrap());
    let made_line = |output: &Output| {
        let stdout = String::from_utf8(output.stdout.clone()).unwrap();
        stdout.lines().find(|line| line.starts_with("made ")).unwrap_or_else(|| panic!("{stdout}")).to_owned()
    };

    let first = telepath(&["index", "--content", content_arg, "--data", data_arg]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let line = made_line(&first);
    assert!(
        line.starts_with("made 4 WebP renditions of 1 picture in "),
        "360, 540, 720 and 800 wide: {line}"
    );
    let kept = std::fs::read_dir(data.path().join("renditions")).unwrap().count();
    assert_eq!(kept, 4, "{line}");

    std::fs::write(media.join("broken.png"), b"\x89PNG not really").unwrap();
    let second = telepath(&["index", "--content", content_arg, "--data", data_arg]);
    assert!(!second.status.success(), "a picture that cannot be made fails the command");
    assert!(made_line(&second).starts_with("made 0 WebP renditions of 2 pictures"), "{}", made_line(&second));
    let stderr = String::from_utf8(second.stderr).unwrap();
    assert!(stderr.contains("broken.png is not a picture that can be read"), "{stderr}");
}

/// Runs `telepath check` on another thread, so a check that blocks fails the test
/// instead of hanging it.
fn check_without_hanging(content: &std::path::Path) -> Output {
    let content = content.to_str().unwrap().to_owned();
    let (sender, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || sender.send(telepath(&["check", "--content", &content])));
    finished
        .recv_timeout(Duration::from_secs(60))
        .expect("`telepath check` finishes instead of waiting on a file")
}

#[cfg(unix)]
#[test]
fn check_reports_a_named_pipe_instead_of_waiting_on_it() {
    let content = small_tree();
    let pipe = content.path().join("articles/billing/pipe.md");
    assert!(Command::new("mkfifo").arg(&pipe).status().unwrap().success());

    let output = check_without_hanging(content.path());
    assert!(!output.status.success());
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("/articles/billing/pipe.md:1:1: error[file]: this is a named pipe (FIFO), not a regular file, so it is left out"),
        "{stdout}"
    );
    assert!(
        stdout.trim_end().ends_with(
            "checked 2 articles in 1 category, 0 welcome kits, 0 tasks, 0 notices, 0 saved replies: 1 error, 0 warnings"
        ),
        "{stdout}"
    );
}

#[cfg(unix)]
#[test]
fn check_reports_a_link_out_of_the_media_folder() {
    let content = small_tree();
    std::fs::create_dir(content.path().join("media")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", content.path().join("media/passwd.png")).unwrap();

    let output = check_without_hanging(content.path());
    assert!(!output.status.success());
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("/media/passwd.png:1:1: error[media]: this link points outside content/media, so it is not served (help: copy the file into content/media instead of linking to it)"),
        "{stdout}"
    );
}

/// Runs `telepath staff …` with `stdin` piped in as the password.
fn staff(data: &str, args: &[&str], stdin: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_telepath"))
        .arg("staff")
        .args(args)
        .args(["--data", data])
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the telepath binary runs");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

/// `telepath serve` on port 0: its address, its first-run hint and its log lines.
struct Served {
    child: std::process::Child,
    base: String,
    stdout: Vec<String>,
    log: std::sync::mpsc::Receiver<String>,
}

impl Served {
    fn start(content: &str, data: &str) -> Served {
        let mut child = Command::new(env!("CARGO_BIN_EXE_telepath"))
            .args(["serve", "--listen", "127.0.0.1:0", "--content", content, "--data", data])
            .args(["--site", "/nonexistent-site"])
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the telepath binary runs");
        let (lines, log) = std::sync::mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let first = stdout.next().expect("serve prints its address").unwrap();
        let base = first.strip_prefix("Telepath is running at ").unwrap().trim_end_matches('/').to_owned();
        let rest: Vec<String> = stdout.take(2).map_while(Result::ok).collect();
        Served { child, base, stdout: rest, log }
    }

    /// Stops the server and returns everything it logged.
    fn stop(mut self) -> Vec<String> {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        self.log.try_iter().collect()
    }
}

fn cookie_pair(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with(&format!("{name}=")))
        .and_then(|value| value.split(';').next())
        .unwrap_or_else(|| panic!("no {name} cookie in {:?}", response.headers()))
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_added_on_the_command_line_sign_in_over_http_and_disabling_ends_the_session() {
    let content = small_tree();
    let data = tempfile::tempdir().unwrap();
    let (content, data) = (content.path().to_str().unwrap(), data.path().to_str().unwrap());
    let password = "copper kettle morning";

    let short =
        staff(data, &["add", "ana@example.com", "--name", "Ana Lima", "--role", "editor"], "too short\n");
    assert!(!short.status.success());
    let said = String::from_utf8(short.stderr).unwrap();
    assert!(said.contains("the password has 9 characters; use at least 12"), "{said}");
    let common =
        staff(data, &["add", "ana@example.com", "--name", "Ana Lima", "--role", "editor"], "Password1234\n");
    assert!(String::from_utf8(common.stderr).unwrap().contains("one of the most common"));
    let bad_role = staff(data, &["add", "ana@example.com", "--name", "Ana Lima", "--role", "boss"], "x\n");
    assert!(String::from_utf8(bad_role.stderr).unwrap().contains("expected agent, editor or admin"));

    let added = staff(
        data,
        &["add", "Ana@Example.com", "--name", "Ana Lima", "--role", "editor"],
        &format!("{password}\n"),
    );
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    let again = staff(
        data,
        &["add", "ana@example.com", "--name", "Ana", "--role", "agent"],
        &format!("{password}\n"),
    );
    assert!(String::from_utf8(again.stderr).unwrap().contains("ana@example.com already has a staff account"));
    let list = String::from_utf8(staff(data, &["list"], "").stdout).unwrap();
    assert!(list.contains("editor") && list.contains("active") && list.contains("ana@example.com"), "{list}");

    let served = Served::start(content, data);
    assert!(
        served.stdout.iter().any(|line| line.contains("telepath staff add")),
        "no admin yet: {:?}",
        served.stdout
    );
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let page = client.get(format!("{}/staff/sign-in", served.base)).send().await.unwrap();
    let visitor = cookie_pair(&page, "telepath_visitor");
    let html = page.text().await.unwrap();
    let token = html.split(r#"name="_csrf" value=""#).nth(1).unwrap().split('"').next().unwrap().to_owned();
    let sign_in = |email: &'static str, typed: &'static str| {
        let form = [("email", email), ("password", typed), ("return_to", "/editors"), ("_csrf", &token)];
        client
            .post(format!("{}/staff/sign-in", served.base))
            .header("cookie", &visitor)
            .header("sec-fetch-site", "same-origin")
            .form(&form)
            .send()
    };
    assert_eq!(sign_in("ana@example.com", "copper kettle evening").await.unwrap().status(), 422);
    assert_eq!(sign_in("nobody@example.com", "copper kettle morning").await.unwrap().status(), 422);
    let signed_in = sign_in("ana@example.com", "copper kettle morning").await.unwrap();
    assert_eq!(signed_in.status(), 303);
    let session = cookie_pair(&signed_in, "telepath_staff");
    let cookies = format!("{visitor}; {session}");
    let editors =
        client.get(format!("{}/editors", served.base)).header("cookie", &cookies).send().await.unwrap();
    assert_eq!(editors.status(), 200);
    assert!(editors.text().await.unwrap().contains("Ana Lima"));

    let disabled = staff(data, &["disable", "ana@example.com"], "");
    assert!(disabled.status.success(), "{}", String::from_utf8_lossy(&disabled.stderr));
    let after =
        client.get(format!("{}/editors", served.base)).header("cookie", &cookies).send().await.unwrap();
    assert_eq!(after.status(), 303, "the disabled account's session died at once");
    assert!(String::from_utf8(staff(data, &["list"], "").stdout).unwrap().contains("disabled"));

    let log = served.stop().join("\n");
    for expected in ["staff sign-in failed", "staff signed in"] {
        assert!(log.contains(expected), "{expected}: {log}");
    }
    let token_value = session.split('=').nth(1).unwrap();
    for personal in ["ana@example.com", "nobody@example.com", "copper kettle", token_value, "127.0.0.1"] {
        assert!(!log.contains(personal), "{personal} in the log: {log}");
    }
}
