//! A small SMTP server for the mail tests, on 127.0.0.1: it speaks enough of RFC 5321 for a
//! client (220, EHLO/HELO, MAIL FROM, RCPT TO, DATA, RSET, NOOP, QUIT), keeps every message
//! it accepts, and can be stopped and started again on the same port (an SMTP server down,
//! then back). Plain SMTP, no TLS, no AUTH.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::{TcpSocket, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// A message as the sink received it.
#[derive(Debug, Clone)]
pub struct Received {
    /// The envelope sender and recipients (`MAIL FROM`, `RCPT TO`), without the brackets.
    pub from: String,
    pub to: Vec<String>,
    /// The message as sent after DATA (dot-stuffing undone), CRLF line ends.
    pub data: String,
}

impl Received {
    /// The message parsed (headers decoded, MIME parts).
    pub fn parsed(&self) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default()
            .parse(self.data.as_bytes())
            .expect("the sink received a parsable message")
    }

    /// The plain-text part, decoded.
    pub fn text(&self) -> String {
        self.parsed()
            .body_text(0)
            .expect("a text part")
            .into_owned()
    }

    /// The HTML part, decoded, if the message has one.
    pub fn html(&self) -> Option<String> {
        let parsed = self.parsed();
        // `body_html` makes HTML out of a text-only message; only a real part counts.
        (parsed.html_body_count() > 0 && parsed.text_body_count() > 0)
            .then(|| parsed.body_html(0).map(|html| html.into_owned()))
            .flatten()
    }
}

/// The sink: its address and what it received.
pub struct SmtpSink {
    addr: SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
    server: Option<JoinHandle<()>>,
}

impl SmtpSink {
    /// A sink on a free port.
    pub async fn start() -> SmtpSink {
        Self::start_on("127.0.0.1:0".parse().unwrap()).await
    }

    /// A sink on `addr` (a port a stopped sink had: address reuse lets it bind again).
    pub async fn start_on(addr: SocketAddr) -> SmtpSink {
        let socket = TcpSocket::new_v4().unwrap();
        socket.set_reuseaddr(true).unwrap();
        socket.bind(addr).unwrap();
        let listener = socket.listen(64).unwrap();
        let addr = listener.local_addr().unwrap();
        let received = Arc::new(Mutex::new(Vec::new()));
        let kept = received.clone();
        let server = tokio::spawn(async move {
            // Dropped with this task when the sink stops: every open connection ends too.
            let mut connections = JoinSet::new();
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                connections.spawn(converse(stream, kept.clone()));
            }
        });
        SmtpSink {
            addr,
            received,
            server: Some(server),
        }
    }

    /// The `SMTP_URL` of this sink.
    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Everything received so far, in arrival order.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Stops listening and drops every connection; the port refuses connections after this
    /// returns.
    pub async fn stop(&mut self) {
        if let Some(server) = self.server.take() {
            server.abort();
            let _ = server.await;
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        if let Some(server) = &self.server {
            server.abort();
        }
    }
}

/// One SMTP session on `stream`.
async fn converse(stream: TcpStream, received: Arc<Mutex<Vec<Received>>>) {
    // Each reply goes at once (no Nagle wait behind the client's delayed ACK).
    let _ = stream.set_nodelay(true);
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    if !reply(&mut write, "220 sink ESMTP ready\r\n").await {
        return;
    }
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        match lines.read_line(&mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let command = line.trim_end().to_owned();
        let verb = command
            .split([' ', ':'])
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        let answer = match verb.as_str() {
            "EHLO" => "250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n".to_owned(),
            "HELO" | "NOOP" => "250 OK\r\n".to_owned(),
            "RSET" => {
                (from, to) = (String::new(), Vec::new());
                "250 OK\r\n".to_owned()
            }
            "MAIL" => {
                from = address(&command);
                "250 OK\r\n".to_owned()
            }
            "RCPT" => {
                to.push(address(&command));
                "250 OK\r\n".to_owned()
            }
            "DATA" => {
                if !reply(&mut write, "354 end with <CRLF>.<CRLF>\r\n").await {
                    return;
                }
                let mut data = String::new();
                loop {
                    line.clear();
                    match lines.read_line(&mut line).await {
                        Ok(0) | Err(_) => return,
                        Ok(_) => {}
                    }
                    if line == ".\r\n" || line == ".\n" {
                        break;
                    }
                    data.push_str(line.strip_prefix('.').unwrap_or(&line));
                }
                received.lock().unwrap().push(Received {
                    from: std::mem::take(&mut from),
                    to: std::mem::take(&mut to),
                    data,
                });
                "250 OK queued\r\n".to_owned()
            }
            "QUIT" => {
                let _ = reply(&mut write, "221 bye\r\n").await;
                return;
            }
            _ => "502 command not implemented\r\n".to_owned(),
        };
        if !reply(&mut write, &answer).await {
            return;
        }
    }
}

/// Writes `text`; whether the client is still there.
async fn reply(write: &mut tokio::net::tcp::OwnedWriteHalf, text: &str) -> bool {
    write.write_all(text.as_bytes()).await.is_ok()
}

/// The address between `<` and `>` of a MAIL FROM or RCPT TO command.
fn address(command: &str) -> String {
    command
        .split_once('<')
        .and_then(|(_, rest)| rest.split_once('>'))
        .map(|(address, _)| address.to_owned())
        .unwrap_or_default()
}
