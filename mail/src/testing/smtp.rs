//! A small but real SMTP server (RFC 5321 over TCP, with STARTTLS or implicit TLS and
//! AUTH PLAIN/LOGIN) started in the test process, that keeps what it receives and can be
//! told to answer 4xx or 5xx to some recipients, or to stop and come back on its port.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

use super::pki::Pki;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerTls {
    None,
    StartTls,
    Implicit,
}

#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub rcpts: Vec<String>,
    pub data: Vec<u8>,
    pub tls: bool,
    pub user: Option<String>,
}

impl Received {
    pub fn parsed(&self) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default()
            .parse(&self.data)
            .expect("a parsable message")
    }

    pub fn message_id(&self) -> String {
        format!(
            "<{}>",
            self.parsed().message_id().expect("a Message-ID header")
        )
    }

    pub fn subject(&self) -> String {
        self.parsed().subject().unwrap_or_default().to_owned()
    }

    /// The plain-text part, with its line ends as written (`\n`).
    pub fn text(&self) -> String {
        self.parsed()
            .body_text(0)
            .map(|t| t.replace("\r\n", "\n"))
            .unwrap_or_default()
    }

    pub fn html(&self) -> Option<String> {
        self.parsed().body_html(0).map(|t| t.into_owned())
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.parsed().header_raw(name).map(|v| v.trim().to_owned())
    }
}

struct Rule {
    pattern: String,
    reply: String,
    /// How many more times the rule applies; `None`: always.
    remaining: Option<u32>,
}

struct Shared {
    tls: ServerTls,
    acceptor: Option<TlsAcceptor>,
    auth: Option<(String, String)>,
    received: Mutex<Vec<Received>>,
    rules: Mutex<Vec<Rule>>,
    sessions: Mutex<Vec<JoinHandle<()>>>,
    connections: Mutex<u32>,
}

pub struct SmtpServer {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    listener: JoinHandle<()>,
}

pub struct ServerOptions {
    pub tls: ServerTls,
    pub auth: Option<(String, String)>,
    pub pki: Option<Pki>,
}

impl Default for ServerOptions {
    fn default() -> Self {
        Self {
            tls: ServerTls::None,
            auth: None,
            pki: None,
        }
    }
}

/// A port nothing listens on (yet).
pub async fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    l.local_addr().unwrap().port()
}

trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

impl SmtpServer {
    pub async fn start(options: ServerOptions) -> SmtpServer {
        Self::start_on(0, options).await
    }

    pub async fn start_on(port: u16, options: ServerOptions) -> SmtpServer {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let acceptor = match options.tls {
            ServerTls::None => None,
            _ => Some(
                options
                    .pki
                    .as_ref()
                    .expect("a TLS server needs certificates")
                    .acceptor(),
            ),
        };
        let shared = Arc::new(Shared {
            tls: options.tls,
            acceptor,
            auth: options.auth,
            received: Mutex::new(Vec::new()),
            rules: Mutex::new(Vec::new()),
            sessions: Mutex::new(Vec::new()),
            connections: Mutex::new(0),
        });
        let accepting = Arc::clone(&shared);
        let listener = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                *accepting.connections.lock().unwrap() += 1;
                let session = Arc::clone(&accepting);
                let handle = tokio::spawn(async move {
                    let _ = serve(stream, session).await;
                });
                accepting.sessions.lock().unwrap().push(handle);
            }
        });
        SmtpServer {
            addr,
            shared,
            listener,
        }
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port())
    }

    /// Answers `reply` (e.g. `550 5.1.1 Utilisateur inconnu`) to RCPT TO for recipients
    /// containing `pattern`, `times` times or always.
    pub fn answer_rcpt(&self, pattern: &str, reply: &str, times: Option<u32>) {
        self.shared.rules.lock().unwrap().push(Rule {
            pattern: pattern.to_lowercase(),
            reply: reply.to_owned(),
            remaining: times,
        });
    }

    pub fn received(&self) -> Vec<Received> {
        self.shared.received.lock().unwrap().clone()
    }

    pub fn connections(&self) -> u32 {
        *self.shared.connections.lock().unwrap()
    }

    /// Waits until `n` messages have arrived (or panics after a few seconds).
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        for _ in 0..500 {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("expected {n} messages, got {}", self.received().len());
    }

    /// Stops listening and cuts every open connection; returns what it received.
    pub async fn stop(self) -> Vec<Received> {
        self.listener.abort();
        let _ = self.listener.await;
        let sessions: Vec<JoinHandle<()>> =
            std::mem::take(&mut *self.shared.sessions.lock().unwrap());
        for s in sessions {
            s.abort();
            let _ = s.await;
        }
        self.shared.received.lock().unwrap().clone()
    }
}

fn mail_path(arg: &str) -> String {
    let arg = arg.trim();
    let start = arg.find('<').map_or(0, |i| i + 1);
    let end = arg.rfind('>').unwrap_or(arg.len());
    arg.get(start..end).unwrap_or("").to_owned()
}

async fn serve(stream: TcpStream, shared: Arc<Shared>) -> std::io::Result<()> {
    let mut tls = shared.tls == ServerTls::Implicit;
    let stream: Box<dyn Stream> = if tls {
        let acceptor = shared.acceptor.clone().expect("acceptor");
        Box::new(acceptor.accept(stream).await?)
    } else {
        Box::new(stream)
    };
    let mut conn = BufReader::new(stream);
    conn.write_all(b"220 test.bascule ESMTP pret\r\n").await?;
    conn.flush().await?;
    let mut user: Option<String> = None;
    let mut from: Option<String> = None;
    let mut rcpts: Vec<String> = Vec::new();
    loop {
        let Some(line) = read_line(&mut conn).await? else {
            return Ok(());
        };
        let upper = line.to_ascii_uppercase();
        let verb = upper.split_whitespace().next().unwrap_or("").to_owned();
        let reply: String = match verb.as_str() {
            "EHLO" => {
                let mut caps = vec!["250-test.bascule".to_owned(), "250-8BITMIME".to_owned()];
                if shared.tls == ServerTls::StartTls && !tls {
                    caps.push("250-STARTTLS".to_owned());
                }
                if shared.auth.is_some() && (tls || shared.tls == ServerTls::None) {
                    caps.push("250-AUTH PLAIN LOGIN".to_owned());
                }
                caps.push("250 SIZE 10485760".to_owned());
                caps.join("\r\n")
            }
            "HELO" => "250 test.bascule".to_owned(),
            "STARTTLS" if shared.tls == ServerTls::StartTls && !tls => {
                conn.write_all(b"220 2.0.0 Pret pour TLS\r\n").await?;
                conn.flush().await?;
                let plain = conn.into_inner();
                let acceptor = shared.acceptor.clone().expect("acceptor");
                let secured: Box<dyn Stream> = Box::new(acceptor.accept(plain).await?);
                conn = BufReader::new(secured);
                tls = true;
                user = None;
                from = None;
                rcpts.clear();
                continue;
            }
            "AUTH" => {
                let words: Vec<&str> = line.split_whitespace().collect();
                let mechanism = words.get(1).map(|m| m.to_ascii_uppercase());
                let credentials = match mechanism.as_deref() {
                    Some("PLAIN") => {
                        let initial = match words.get(2) {
                            Some(i) => (*i).to_owned(),
                            None => {
                                conn.write_all(b"334 \r\n").await?;
                                conn.flush().await?;
                                read_line(&mut conn).await?.unwrap_or_default()
                            }
                        };
                        let decoded = B64.decode(initial.trim()).unwrap_or_default();
                        let parts: Vec<String> = decoded
                            .split(|b| *b == 0)
                            .map(|p| String::from_utf8_lossy(p).into_owned())
                            .collect();
                        match parts.as_slice() {
                            [_, u, p] => Some((u.clone(), p.clone())),
                            _ => None,
                        }
                    }
                    Some("LOGIN") => {
                        conn.write_all(b"334 VXNlcm5hbWU6\r\n").await?;
                        conn.flush().await?;
                        let u = read_line(&mut conn).await?.unwrap_or_default();
                        conn.write_all(b"334 UGFzc3dvcmQ6\r\n").await?;
                        conn.flush().await?;
                        let p = read_line(&mut conn).await?.unwrap_or_default();
                        let d = |s: &str| {
                            String::from_utf8_lossy(&B64.decode(s.trim()).unwrap_or_default())
                                .into_owned()
                        };
                        Some((d(&u), d(&p)))
                    }
                    _ => None,
                };
                match (&shared.auth, credentials) {
                    (Some(expected), Some(given)) if *expected == given => {
                        user = Some(given.0);
                        "235 2.7.0 Authentication successful".to_owned()
                    }
                    (Some(_), _) => "535 5.7.8 Authentication credentials invalid".to_owned(),
                    (None, _) => "503 5.5.1 AUTH not offered".to_owned(),
                }
            }
            "MAIL" => {
                if shared.auth.is_some() && user.is_none() {
                    "530 5.7.0 Authentication required".to_owned()
                } else {
                    from = Some(mail_path(line.split_once(':').map_or("", |(_, a)| a)));
                    rcpts.clear();
                    "250 2.1.0 OK".to_owned()
                }
            }
            "RCPT" if from.is_none() => "503 5.5.1 MAIL first".to_owned(),
            "RCPT" => {
                let rcpt = mail_path(line.split_once(':').map_or("", |(_, a)| a));
                let mut rules = shared.rules.lock().unwrap();
                let lower = rcpt.to_lowercase();
                let hit = rules
                    .iter_mut()
                    .find(|r| lower.contains(&r.pattern) && r.remaining.is_none_or(|n| n > 0));
                match hit {
                    Some(rule) => {
                        if let Some(n) = &mut rule.remaining {
                            *n -= 1;
                        }
                        rule.reply.clone()
                    }
                    None => {
                        rcpts.push(rcpt);
                        "250 2.1.5 OK".to_owned()
                    }
                }
            }
            "DATA" if rcpts.is_empty() => "503 5.5.1 RCPT first".to_owned(),
            "DATA" => {
                conn.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
                conn.flush().await?;
                let mut data = Vec::new();
                loop {
                    let mut raw = Vec::new();
                    if conn.read_until(b'\n', &mut raw).await? == 0 {
                        return Ok(());
                    }
                    if raw == b".\r\n" || raw == b".\n" {
                        break;
                    }
                    let unstuffed = if raw.starts_with(b"..") {
                        &raw[1..]
                    } else {
                        &raw[..]
                    };
                    data.extend_from_slice(unstuffed);
                }
                shared.received.lock().unwrap().push(Received {
                    from: from.take().unwrap_or_default(),
                    rcpts: std::mem::take(&mut rcpts),
                    data,
                    tls,
                    user: user.clone(),
                });
                "250 2.0.0 OK queued".to_owned()
            }
            "RSET" => {
                from = None;
                rcpts.clear();
                "250 2.0.0 OK".to_owned()
            }
            "NOOP" => "250 2.0.0 OK".to_owned(),
            "QUIT" => {
                conn.write_all(b"221 2.0.0 Au revoir\r\n").await?;
                conn.flush().await?;
                return Ok(());
            }
            _ => "502 5.5.2 Command not recognized".to_owned(),
        };
        conn.write_all(format!("{reply}\r\n").as_bytes()).await?;
        conn.flush().await?;
    }
}

async fn read_line(conn: &mut BufReader<Box<dyn Stream>>) -> std::io::Result<Option<String>> {
    let mut raw = Vec::new();
    if conn.read_until(b'\n', &mut raw).await? == 0 {
        return Ok(None);
    }
    Ok(Some(
        String::from_utf8_lossy(&raw)
            .trim_end_matches(['\r', '\n'])
            .to_owned(),
    ))
}

/// The sender the domains' e-mail tests configure.
pub const SENDER: &str = "Bascule <bascule@exemple.fr>";

impl Received {
    /// The bare addresses of a header (`To`, `Cc`, otherwise `From`).
    pub fn addresses(&self, header: &str) -> Vec<String> {
        let parsed = self.parsed();
        let list = match header {
            "To" => parsed.to(),
            "Cc" => parsed.cc(),
            _ => parsed.from(),
        };
        list.map(|a| {
            a.iter()
                .filter_map(|m| m.address().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
    }
}

impl SmtpServer {
    /// A plain server (no TLS, no authentication) on a free port.
    pub async fn plain() -> SmtpServer {
        Self::start(ServerOptions::default()).await
    }

    /// A relay of `domain`'s outbox on `db` sending here, alerting `admin`.
    pub fn relay(
        &self,
        db: &bascule_platform::db::Db,
        domain: &str,
        admin: Option<&str>,
    ) -> bascule_mail::Relay {
        let mut smtp = bascule_mail::SmtpConfig::parse(&self.url()).expect("SMTP URL");
        smtp.timeout = Duration::from_secs(5);
        bascule_mail::Relay::new(db.clone(), domain, &smtp, SENDER, admin).expect("relay")
    }
}

/// Runs one relay tick and returns what the server received during it; every e-mail
/// must have been delivered.
pub async fn deliver(relay: &bascule_mail::Relay, server: &SmtpServer) -> Vec<Received> {
    let before = server.received().len();
    let report = relay.tick().await.expect("relay tick");
    assert_eq!(
        (report.retried, report.dead),
        (0, 0),
        "every e-mail delivered: {report:?}"
    );
    server.received().split_off(before)
}
