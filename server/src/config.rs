//! Settings, read in one place: defaults, then an optional telepath.toml, then
//! TELEPATH_* environment variables, then command-line flags.

use crate::store::{Database, redacted};
use serde::Deserialize;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Address the portal listens on.
    pub listen: SocketAddr,
    /// The bundled help centre: markdown and media.
    pub content_dir: PathBuf,
    /// The data folder: the CSRF key, the search index and, unless `database`
    /// names another, the SQLite database.
    pub data_dir: PathBuf,
    /// Where the store lives. `None`: the SQLite file in the data folder (see
    /// [`Config::database`]).
    pub database: Option<Database>,
    /// The built browser bundle (`pkg/` with the wasm, JS and CSS).
    pub site_dir: PathBuf,
    /// How long a shutdown waits for open requests before giving up on them.
    pub shutdown_timeout: Duration,
    /// For editors previewing locally: pages show their file's diagnostics in an overlay.
    pub development: bool,
    /// How long idle and slow clients may hold a connection, and how many may be open.
    pub connections: ConnectionLimits,
    /// The address customers reach the portal at (e.g. `https://help.example.com`
    /// behind a proxy). `None`: the address each request was sent to, over HTTP.
    pub public_url: Option<PublicUrl>,
    /// Proxies whose `X-Forwarded-For` names the client (its last entry, the one
    /// the proxy added): behind one, every client would otherwise share the
    /// proxy's address and so one rate limit. Empty: the connection's own address.
    pub trusted_proxies: Vec<IpAddr>,
    /// How the next-question model keeps up and how long events are kept.
    pub journeys: JourneySettings,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JourneySettings {
    /// How often the model learns the events recorded since it last looked.
    pub refresh: Duration,
    /// Events older than this are removed (and never learned from).
    pub retention_days: u32,
}

impl Default for JourneySettings {
    fn default() -> Self {
        JourneySettings { refresh: Duration::from_secs(60), retention_days: 180 }
    }
}

/// A scheme and host (and port), with no path: the portal's origin as browsers see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicUrl(String);

impl PublicUrl {
    /// `https://help.example.com`, without a trailing slash.
    pub fn origin(&self) -> &str {
        &self.0
    }

    pub fn is_https(&self) -> bool {
        self.0.starts_with("https://")
    }

    /// A public URL from a literal, for tests in this and other crates.
    #[cfg(any(test, feature = "testing"))]
    pub fn parse_for_tests(url: &str) -> PublicUrl {
        parse_public_url("a test's public URL", url).expect("a valid public URL")
    }
}

/// What keeps idle, slow or too many connections from exhausting the server: 500
/// slowloris sockets stayed open a minute, and 19,980 idle ones used up the process's
/// file descriptors so that new customers timed out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// A request's headers must arrive in full within this long, counted from when
    /// the server starts waiting for them (so it also bounds a kept-alive connection).
    pub header_read_timeout: Duration,
    /// A connection with no request being answered and no bytes moving for this
    /// long is closed: unused and kept-alive connections alike.
    pub idle_timeout: Duration,
    /// A request's body must arrive in full within this long after its headers.
    pub request_body_timeout: Duration,
    /// Connections open at once; at the limit new ones wait in the listen backlog
    /// until one closes. Keep it below the process's open-file limit (`ulimit -n`).
    pub max_connections: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(5),
            request_body_timeout: Duration::from_secs(15),
            max_connections: 10_000,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 3000)),
            content_dir: PathBuf::from("content"),
            data_dir: PathBuf::from("data"),
            database: None,
            site_dir: PathBuf::from("target/site"),
            shutdown_timeout: Duration::from_secs(10),
            development: false,
            connections: ConnectionLimits::default(),
            public_url: None,
            trusted_proxies: Vec::new(),
            journeys: JourneySettings::default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    InvalidFile { path: PathBuf, message: String },
    #[error("{key} = {value:?} is not valid: expected {expected}")]
    InvalidValue { key: String, value: String, expected: &'static str },
}

/// The keys telepath.toml may hold; any other key is an error, so typos surface.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    listen: Option<String>,
    content: Option<PathBuf>,
    data: Option<PathBuf>,
    database: Option<String>,
    site: Option<PathBuf>,
    shutdown_timeout_secs: Option<u64>,
    development: Option<bool>,
    header_read_timeout_secs: Option<u64>,
    idle_timeout_secs: Option<u64>,
    request_body_timeout_secs: Option<u64>,
    max_connections: Option<u64>,
    public_url: Option<String>,
    trusted_proxies: Option<Vec<String>>,
    journeys_refresh_secs: Option<u64>,
    event_retention_days: Option<u64>,
}

/// Values given on the command line; they win over everything else.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub listen: Option<String>,
    pub content_dir: Option<PathBuf>,
    pub data_dir: Option<PathBuf>,
    pub database: Option<String>,
    pub site_dir: Option<PathBuf>,
    pub development: bool,
    pub public_url: Option<String>,
}

impl Config {
    /// Builds the configuration from `file` (if it exists), then `env`, then `overrides`.
    pub fn load(
        file: &Path,
        env: impl IntoIterator<Item = (String, String)>,
        overrides: Overrides,
    ) -> Result<Config, ConfigError> {
        let mut config = Config::default();
        config.apply_file(file)?;
        for (key, value) in env {
            config.apply_variable(&key, &value)?;
        }
        config.apply_overrides(overrides)?;
        Ok(config)
    }

    /// Settings from `telepath.toml`, when there is one.
    fn apply_file(&mut self, file: &Path) -> Result<(), ConfigError> {
        let config = self;
        match std::fs::read_to_string(file) {
            Ok(text) => {
                let parsed: ConfigFile = toml::from_str(&text).map_err(|error| ConfigError::InvalidFile {
                    path: file.to_owned(),
                    message: error.message().trim().replace('\n', " "),
                })?;
                if let Some(listen) = parsed.listen {
                    config.listen = parse_listen("listen (telepath.toml)", &listen)?;
                }
                if let Some(value) = parsed.content {
                    config.content_dir = value;
                }
                if let Some(value) = parsed.data {
                    config.data_dir = value;
                }
                if let Some(value) = parsed.database {
                    config.database = Some(parse_database("database (telepath.toml)", &value)?);
                }
                if let Some(value) = parsed.site {
                    config.site_dir = value;
                }
                if let Some(value) = parsed.development {
                    config.development = value;
                }
                if let Some(seconds) = parsed.shutdown_timeout_secs {
                    config.shutdown_timeout = Duration::from_secs(seconds);
                }
                let limits = &mut config.connections;
                for (key, value, setting) in [
                    (
                        "header_read_timeout_secs",
                        parsed.header_read_timeout_secs,
                        &mut limits.header_read_timeout,
                    ),
                    ("idle_timeout_secs", parsed.idle_timeout_secs, &mut limits.idle_timeout),
                    (
                        "request_body_timeout_secs",
                        parsed.request_body_timeout_secs,
                        &mut limits.request_body_timeout,
                    ),
                ] {
                    if let Some(seconds) = value {
                        *setting = Duration::from_secs(positive(
                            &format!("{key} (telepath.toml)"),
                            seconds,
                            SECONDS,
                        )?);
                    }
                }
                if let Some(proxies) = parsed.trusted_proxies {
                    config.trusted_proxies = parse_addresses(
                        "trusted_proxies (telepath.toml)",
                        proxies.iter().map(String::as_str),
                    )?;
                }
                if let Some(url) = parsed.public_url {
                    config.public_url = Some(parse_public_url("public_url (telepath.toml)", &url)?);
                }
                if let Some(seconds) = parsed.journeys_refresh_secs {
                    config.journeys.refresh = Duration::from_secs(positive(
                        "journeys_refresh_secs (telepath.toml)",
                        seconds,
                        SECONDS,
                    )?);
                }
                if let Some(days) = parsed.event_retention_days {
                    config.journeys.retention_days =
                        retention_days("event_retention_days (telepath.toml)", days)?;
                }
                if let Some(count) = parsed.max_connections {
                    limits.max_connections = connection_count("max_connections (telepath.toml)", count)?;
                }
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(ConfigError::Unreadable { path: file.to_owned(), source });
            }
        }
        Ok(())
    }

    /// One `TELEPATH_*` variable; others are not ours and are left alone.
    fn apply_variable(&mut self, key: &str, value: &str) -> Result<(), ConfigError> {
        let config = self;
        match key {
            "TELEPATH_LISTEN" => config.listen = parse_listen(key, value)?,
            "TELEPATH_CONTENT" => config.content_dir = PathBuf::from(value),
            "TELEPATH_DATA" => config.data_dir = PathBuf::from(value),
            "TELEPATH_DATABASE" => config.database = Some(parse_database(key, value)?),
            "TELEPATH_SITE" => config.site_dir = PathBuf::from(value),
            "TELEPATH_PUBLIC_URL" => config.public_url = Some(parse_public_url(key, value)?),
            "TELEPATH_TRUSTED_PROXIES" => {
                config.trusted_proxies =
                    parse_addresses(key, value.split(',').map(str::trim).filter(|one| !one.is_empty()))?;
            }
            "TELEPATH_DEVELOPMENT" => {
                config.development = match value {
                    "1" | "true" | "yes" => true,
                    "0" | "false" | "no" => false,
                    _ => {
                        return Err(ConfigError::InvalidValue {
                            key: key.to_owned(),
                            value: value.to_owned(),
                            expected: "true or false",
                        });
                    }
                }
            }
            "TELEPATH_HEADER_READ_TIMEOUT_SECS" => {
                config.connections.header_read_timeout = parse_seconds(key, value)?;
            }
            "TELEPATH_IDLE_TIMEOUT_SECS" => config.connections.idle_timeout = parse_seconds(key, value)?,
            "TELEPATH_REQUEST_BODY_TIMEOUT_SECS" => {
                config.connections.request_body_timeout = parse_seconds(key, value)?;
            }
            "TELEPATH_JOURNEYS_REFRESH_SECS" => config.journeys.refresh = parse_seconds(key, value)?,
            "TELEPATH_EVENT_RETENTION_DAYS" => {
                let days = value.parse().map_err(|_| invalid(key, value, RETENTION))?;
                config.journeys.retention_days = retention_days(key, days)?;
            }
            "TELEPATH_MAX_CONNECTIONS" => {
                let count = value.parse().map_err(|_| invalid(key, value, CONNECTIONS))?;
                config.connections.max_connections = connection_count(key, count)?;
            }
            "TELEPATH_SHUTDOWN_TIMEOUT_SECS" => {
                let seconds = value.parse().map_err(|_| ConfigError::InvalidValue {
                    key: key.to_owned(),
                    value: value.to_owned(),
                    expected: "a whole number of seconds, e.g. 10",
                })?;
                config.shutdown_timeout = Duration::from_secs(seconds);
            }
            _ => {}
        }
        Ok(())
    }

    /// Command-line flags, which win over everything else.
    fn apply_overrides(&mut self, overrides: Overrides) -> Result<(), ConfigError> {
        let config = self;
        if let Some(listen) = overrides.listen {
            config.listen = parse_listen("--listen", &listen)?;
        }
        if let Some(value) = overrides.content_dir {
            config.content_dir = value;
        }
        if let Some(value) = overrides.data_dir {
            config.data_dir = value;
        }
        if let Some(value) = overrides.database {
            config.database = Some(parse_database("--database", &value)?);
        }
        if let Some(value) = overrides.site_dir {
            config.site_dir = value;
        }
        config.development |= overrides.development;
        if let Some(url) = overrides.public_url {
            config.public_url = Some(parse_public_url("--public-url", &url)?);
        }
        Ok(())
    }

    /// The database the store opens: the one the `database` setting names, or
    /// else the SQLite file in the data folder.
    pub fn database(&self) -> Database {
        self.database.clone().unwrap_or_else(|| Database::Sqlite(self.database_path()))
    }

    /// The SQLite file in the data folder: the database when no other is named.
    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join("telepath.sqlite3")
    }

    /// WebP renditions of content pictures, made from content/media: safe to delete.
    pub fn renditions_dir(&self) -> PathBuf {
        self.data_dir.join("renditions")
    }

    /// The tantivy search index, derived from content: safe to delete.
    pub fn search_index_dir(&self) -> PathBuf {
        self.data_dir.join("search-index")
    }
}

const SECONDS: &str = "a whole number of seconds above 0, e.g. 10";
const CONNECTIONS: &str = "a whole number of connections above 0, e.g. 10000";
const RETENTION: &str = "a whole number of days above 0, e.g. 180";
const DATABASE: &str = "sqlite://<path> or postgres://<user>@<host>/<database>";

fn invalid(key: &str, value: &str, expected: &'static str) -> ConfigError {
    ConfigError::InvalidValue { key: key.to_owned(), value: value.to_owned(), expected }
}

/// A timeout or limit of 0 would refuse every connection: it is a mistake, not a setting.
fn positive(key: &str, number: u64, expected: &'static str) -> Result<u64, ConfigError> {
    if number == 0 { Err(invalid(key, "0", expected)) } else { Ok(number) }
}

fn parse_seconds(key: &str, value: &str) -> Result<Duration, ConfigError> {
    let seconds = value.parse().map_err(|_| invalid(key, value, SECONDS))?;
    Ok(Duration::from_secs(positive(key, seconds, SECONDS)?))
}

fn retention_days(key: &str, days: u64) -> Result<u32, ConfigError> {
    let days = positive(key, days, RETENTION)?;
    u32::try_from(days).map_err(|_| invalid(key, &days.to_string(), RETENTION))
}

fn connection_count(key: &str, count: u64) -> Result<usize, ConfigError> {
    let count = positive(key, count, CONNECTIONS)?;
    // A semaphore holds at most this many permits.
    usize::try_from(count)
        .ok()
        .filter(|count| *count <= tokio::sync::Semaphore::MAX_PERMITS)
        .ok_or_else(|| invalid(key, &count.to_string(), CONNECTIONS))
}

/// `http://` or `https://`, a host, maybe a port, and no path, query or credentials.
fn parse_public_url(key: &str, value: &str) -> Result<PublicUrl, ConfigError> {
    const EXPECTED: &str = "http:// or https:// and a host, with no path, e.g. https://help.example.com";
    let uri: http::Uri = value.parse().map_err(|_| invalid(key, value, EXPECTED))?;
    let scheme_ok = matches!(uri.scheme_str(), Some("http" | "https"));
    let authority = uri.authority().filter(|authority| !authority.as_str().contains('@'));
    let bare = matches!(uri.path(), "" | "/") && uri.query().is_none();
    match authority {
        Some(authority) if scheme_ok && bare && !authority.host().is_empty() => Ok(PublicUrl(format!(
            "{}://{}",
            uri.scheme_str().unwrap_or_default(),
            authority.as_str().to_ascii_lowercase()
        ))),
        _ => Err(invalid(key, value, EXPECTED)),
    }
}

/// IP addresses, each written alone (`127.0.0.1`, `::1`): a proxy is one machine.
fn parse_addresses<'a>(key: &str, values: impl Iterator<Item = &'a str>) -> Result<Vec<IpAddr>, ConfigError> {
    values
        .map(|value| value.parse().map_err(|_| invalid(key, value, "IP addresses, e.g. 127.0.0.1")))
        .collect()
}

/// A database URL may hold a password: an error shows it with the password replaced.
fn parse_database(key: &str, value: &str) -> Result<Database, ConfigError> {
    Database::parse(value).ok_or_else(|| invalid(key, &redacted(value), DATABASE))
}

fn parse_listen(key: &str, value: &str) -> Result<SocketAddr, ConfigError> {
    value.parse().map_err(|_| ConfigError::InvalidValue {
        key: key.to_owned(),
        value: value.to_owned(),
        expected: "an IP address and port, e.g. 127.0.0.1:3000",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn defaults_apply_without_file_or_environment() {
        let config =
            Config::load(Path::new("/nonexistent/telepath.toml"), env(&[]), Overrides::default()).unwrap();
        assert_eq!(config, Config::default());
        assert_eq!(config.database_path(), PathBuf::from("data/telepath.sqlite3"));
    }

    #[test]
    fn file_then_environment_then_flags_each_win_over_the_last() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("telepath.toml");
        std::fs::write(&file, "listen = \"127.0.0.1:4000\"\ncontent = \"help\"\ndata = \"state\"\n").unwrap();

        let from_file = Config::load(&file, env(&[]), Overrides::default()).unwrap();
        assert_eq!(from_file.listen.port(), 4000);
        assert_eq!(from_file.content_dir, PathBuf::from("help"));

        let from_env = Config::load(
            &file,
            env(&[("TELEPATH_LISTEN", "127.0.0.1:5000"), ("TELEPATH_DATA", "/var/lib/telepath")]),
            Overrides::default(),
        )
        .unwrap();
        assert_eq!(from_env.listen.port(), 5000);
        assert_eq!(from_env.data_dir, PathBuf::from("/var/lib/telepath"));
        assert_eq!(from_env.content_dir, PathBuf::from("help"));

        let overrides = Overrides { listen: Some("127.0.0.1:6000".into()), ..Overrides::default() };
        let from_flags =
            Config::load(&file, env(&[("TELEPATH_LISTEN", "127.0.0.1:5000")]), overrides).unwrap();
        assert_eq!(from_flags.listen.port(), 6000);
    }

    #[test]
    fn bad_values_name_the_key_and_the_expected_form() {
        let missing = Path::new("/nonexistent/telepath.toml");
        let error = Config::load(missing, env(&[("TELEPATH_LISTEN", "localhost")]), Overrides::default())
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "TELEPATH_LISTEN = \"localhost\" is not valid: expected an IP address and port, e.g. 127.0.0.1:3000"
        );
        let error =
            Config::load(missing, env(&[("TELEPATH_SHUTDOWN_TIMEOUT_SECS", "soon")]), Overrides::default())
                .unwrap_err();
        assert!(
            error.to_string().starts_with("TELEPATH_SHUTDOWN_TIMEOUT_SECS = \"soon\" is not valid"),
            "{error}"
        );

        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("telepath.toml");
        std::fs::write(&file, "lisen = \"127.0.0.1:4000\"\n").unwrap();
        let error = Config::load(&file, env(&[]), Overrides::default()).unwrap_err();
        assert!(error.to_string().contains("unknown field `lisen`"), "{error}");
    }

    #[test]
    fn trusted_proxies_come_from_the_file_then_the_environment_and_a_name_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("telepath.toml");
        std::fs::write(&file, "trusted_proxies = [\"127.0.0.1\", \"::1\"]\n").unwrap();
        let from_file = Config::load(&file, env(&[]), Overrides::default()).unwrap();
        let loopback: Vec<IpAddr> = vec!["127.0.0.1".parse().unwrap(), "::1".parse().unwrap()];
        assert_eq!(from_file.trusted_proxies, loopback);
        let from_env =
            Config::load(&file, env(&[("TELEPATH_TRUSTED_PROXIES", " 10.0.0.5 ,")]), Overrides::default())
                .unwrap();
        assert_eq!(from_env.trusted_proxies, ["10.0.0.5".parse::<IpAddr>().unwrap()]);
        let named =
            Config::load(&file, env(&[("TELEPATH_TRUSTED_PROXIES", "proxy.local")]), Overrides::default());
        assert_eq!(
            named.unwrap_err().to_string(),
            "TELEPATH_TRUSTED_PROXIES = \"proxy.local\" is not valid: expected IP addresses, e.g. 127.0.0.1"
        );
    }

    #[test]
    fn connection_limits_come_from_the_file_then_the_environment_and_zero_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("telepath.toml");
        std::fs::write(
            &file,
            "header_read_timeout_secs = 3\nidle_timeout_secs = 4\nrequest_body_timeout_secs = 6\nmax_connections = 50\n",
        )
        .unwrap();
        let from_file = Config::load(&file, env(&[]), Overrides::default()).unwrap();
        assert_eq!(
            from_file.connections,
            ConnectionLimits {
                header_read_timeout: Duration::from_secs(3),
                idle_timeout: Duration::from_secs(4),
                request_body_timeout: Duration::from_secs(6),
                max_connections: 50,
            }
        );
        let from_env = Config::load(
            &file,
            env(&[
                ("TELEPATH_HEADER_READ_TIMEOUT_SECS", "7"),
                ("TELEPATH_IDLE_TIMEOUT_SECS", "8"),
                ("TELEPATH_REQUEST_BODY_TIMEOUT_SECS", "9"),
                ("TELEPATH_MAX_CONNECTIONS", "60"),
            ]),
            Overrides::default(),
        )
        .unwrap();
        assert_eq!(from_env.connections.header_read_timeout, Duration::from_secs(7));
        assert_eq!(from_env.connections.idle_timeout, Duration::from_secs(8));
        assert_eq!(from_env.connections.request_body_timeout, Duration::from_secs(9));
        assert_eq!(from_env.connections.max_connections, 60);

        let missing = Path::new("/nonexistent/telepath.toml");
        for (key, value, expected) in [
            ("TELEPATH_IDLE_TIMEOUT_SECS", "0", "expected a whole number of seconds above 0, e.g. 10"),
            (
                "TELEPATH_HEADER_READ_TIMEOUT_SECS",
                "soon",
                "expected a whole number of seconds above 0, e.g. 10",
            ),
            ("TELEPATH_MAX_CONNECTIONS", "0", "expected a whole number of connections above 0, e.g. 10000"),
            ("TELEPATH_MAX_CONNECTIONS", "-1", "expected a whole number of connections above 0, e.g. 10000"),
        ] {
            let error = Config::load(missing, env(&[(key, value)]), Overrides::default()).unwrap_err();
            assert_eq!(error.to_string(), format!("{key} = {value:?} is not valid: {expected}"));
        }
        std::fs::write(&file, "max_connections = 0\n").unwrap();
        let error = Config::load(&file, env(&[]), Overrides::default()).unwrap_err();
        assert!(
            error.to_string().starts_with("max_connections (telepath.toml) = \"0\" is not valid"),
            "{error}"
        );
    }

    #[test]
    fn the_database_is_the_data_folders_sqlite_file_unless_the_file_environment_or_a_flag_names_one() {
        let missing = Path::new("/nonexistent/telepath.toml");
        let defaults =
            Config::load(missing, env(&[("TELEPATH_DATA", "/srv/help")]), Overrides::default()).unwrap();
        assert_eq!(defaults.database(), Database::Sqlite(PathBuf::from("/srv/help/telepath.sqlite3")));

        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("telepath.toml");
        std::fs::write(&file, "database = \"postgres://telepath:file-secret@db.example.com/telepath\"\n")
            .unwrap();
        let from_file = Config::load(&file, env(&[]), Overrides::default()).unwrap();
        assert_eq!(from_file.database().to_string(), "postgres://telepath:redacted@db.example.com/telepath");

        let from_env = Config::load(
            &file,
            env(&[("TELEPATH_DATABASE", "sqlite:///var/lib/telepath/help.sqlite3")]),
            Overrides::default(),
        )
        .unwrap();
        assert_eq!(from_env.database(), Database::Sqlite(PathBuf::from("/var/lib/telepath/help.sqlite3")));

        let flag = Overrides {
            database: Some("postgresql://help@10.0.0.5:5433/help?password=flag-secret".into()),
            ..Overrides::default()
        };
        let from_flag =
            Config::load(&file, env(&[("TELEPATH_DATABASE", "sqlite://x.sqlite3")]), flag).unwrap();
        assert!(matches!(from_flag.database(), Database::Postgres(_)), "{from_flag:?}");

        let shown = format!("{from_file:?} {from_flag:?} {} {}", from_file.database(), from_flag.database());
        assert!(!shown.contains("file-secret") && !shown.contains("flag-secret"), "{shown}");
    }

    #[test]
    fn a_database_setting_that_is_refused_is_shown_without_its_password() {
        let missing = Path::new("/nonexistent/telepath.toml");
        for (value, shown) in [
            ("mysql://root:hunter2@db.example.com/help", "mysql://root:redacted@db.example.com/help"),
            ("postgres://root:hunter2@db.example.com/help?sslmode=maybe", "postgres://root:redacted@"),
            ("root:hunter2 at db.example.com", "(not shown: it may hold a password)"),
        ] {
            let error = Config::load(missing, env(&[("TELEPATH_DATABASE", value)]), Overrides::default())
                .unwrap_err()
                .to_string();
            assert!(error.starts_with("TELEPATH_DATABASE = ") && error.contains(shown), "{error}");
            assert!(error.contains("expected sqlite://<path> or postgres://"), "{error}");
            assert!(!error.contains("hunter2"), "{error}");
        }
    }

    #[test]
    fn the_public_url_is_an_origin_and_anything_else_is_refused() {
        let missing = Path::new("/nonexistent/telepath.toml");
        let load =
            |value: &str| Config::load(missing, env(&[("TELEPATH_PUBLIC_URL", value)]), Overrides::default());
        for (value, origin) in [
            ("https://Help.Example.com", "https://help.example.com"),
            ("https://help.example.com/", "https://help.example.com"),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ] {
            let config = load(value).unwrap();
            assert_eq!(config.public_url.as_ref().map(PublicUrl::origin), Some(origin), "{value}");
        }
        assert!(load("https://help.example.com").unwrap().public_url.unwrap().is_https());
        for bad in [
            "help.example.com",
            "ftp://help.example.com",
            "https://help.example.com/help",
            "https://a@b.com",
            "https://x.com/?q=1",
            "",
        ] {
            let error = load(bad).unwrap_err().to_string();
            assert!(
                error.starts_with("TELEPATH_PUBLIC_URL = ") && error.contains("with no path"),
                "{bad}: {error}"
            );
        }
        assert_eq!(Config::load(missing, env(&[]), Overrides::default()).unwrap().public_url, None);
    }
}
