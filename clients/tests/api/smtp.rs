//! A small but real SMTP server (RFC 5321 over TCP, plain) started in the test process,
//! that keeps what it receives. Trimmed from the mail crate's test server
//! (`mail/tests/mail/support/smtp.rs`: no TLS, no authentication, no scripted refusals).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bascule_mail::{Relay, SmtpConfig};
use bascule_platform::db::Db;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

pub const SENDER: &str = "Bascule <bascule@exemple.fr>";

/// One message as the server received it: the envelope and the raw data.
#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub rcpts: Vec<String>,
    pub data: Vec<u8>,
}

impl Received {
    pub fn parsed(&self) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default()
            .parse(&self.data)
            .expect("a parsable message")
    }

    pub fn subject(&self) -> String {
        self.parsed().subject().unwrap_or_default().to_owned()
    }

    /// The text part, with plain line ends.
    pub fn text(&self) -> String {
        self.parsed()
            .body_text(0)
            .map(|t| t.replace("\r\n", "\n"))
            .unwrap_or_default()
    }

    pub fn html(&self) -> Option<String> {
        self.parsed().body_html(0).map(|t| t.into_owned())
    }

    /// The addresses of a header (`To`, `Cc`), bare.
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

pub struct SmtpServer {
    pub addr: SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
    listener: JoinHandle<()>,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.listener.abort();
    }
}

impl SmtpServer {
    pub async fn start() -> SmtpServer {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.expect("bind");
        let addr = listener.local_addr().expect("address");
        let received = Arc::new(Mutex::new(Vec::new()));
        let keep = Arc::clone(&received);
        let listener = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let keep = Arc::clone(&keep);
                tokio::spawn(async move {
                    let _ = serve(stream, keep).await;
                });
            }
        });
        SmtpServer {
            addr,
            received,
            listener,
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.addr.port())
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().expect("lock").clone()
    }

    /// A relay of `domain`'s outbox on `db` sending here, alerting `admin`.
    pub fn relay(&self, db: &Db, domain: &str, admin: Option<&str>) -> Relay {
        let mut smtp = SmtpConfig::parse(&self.url()).expect("SMTP URL");
        smtp.timeout = Duration::from_secs(5);
        Relay::new(db.clone(), domain, &smtp, SENDER, admin).expect("relay")
    }
}

/// Runs one relay tick and returns what the server received during it.
pub async fn deliver(relay: &Relay, server: &SmtpServer) -> Vec<Received> {
    let before = server.received().len();
    let report = relay.tick().await.expect("relay tick");
    assert_eq!(
        (report.retried, report.dead),
        (0, 0),
        "every e-mail delivered: {report:?}"
    );
    server.received().split_off(before)
}

fn mail_path(arg: &str) -> String {
    let arg = arg.trim();
    let start = arg.find('<').map_or(0, |i| i + 1);
    let end = arg.rfind('>').unwrap_or(arg.len());
    arg.get(start..end).unwrap_or("").to_owned()
}

async fn serve(stream: TcpStream, keep: Arc<Mutex<Vec<Received>>>) -> std::io::Result<()> {
    let mut conn = BufReader::new(stream);
    conn.write_all(b"220 test.bascule ESMTP pret\r\n").await?;
    let mut from: Option<String> = None;
    let mut rcpts: Vec<String> = Vec::new();
    loop {
        let mut raw = Vec::new();
        if conn.read_until(b'\n', &mut raw).await? == 0 {
            return Ok(());
        }
        let line = String::from_utf8_lossy(&raw)
            .trim_end_matches(['\r', '\n'])
            .to_owned();
        let verb = line
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        let reply = match verb.as_str() {
            "EHLO" => "250-test.bascule\r\n250-8BITMIME\r\n250 SIZE 10485760".to_owned(),
            "HELO" => "250 test.bascule".to_owned(),
            "MAIL" => {
                from = Some(mail_path(line.split_once(':').map_or("", |(_, a)| a)));
                rcpts.clear();
                "250 2.1.0 OK".to_owned()
            }
            "RCPT" if from.is_none() => "503 5.5.1 MAIL first".to_owned(),
            "RCPT" => {
                rcpts.push(mail_path(line.split_once(':').map_or("", |(_, a)| a)));
                "250 2.1.5 OK".to_owned()
            }
            "DATA" if rcpts.is_empty() => "503 5.5.1 RCPT first".to_owned(),
            "DATA" => {
                conn.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
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
                keep.lock().expect("lock").push(Received {
                    from: from.take().unwrap_or_default(),
                    rcpts: std::mem::take(&mut rcpts),
                    data,
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
                return Ok(());
            }
            _ => "502 5.5.2 Command not recognized".to_owned(),
        };
        conn.write_all(format!("{reply}\r\n").as_bytes()).await?;
    }
}
