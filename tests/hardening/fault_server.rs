//! The fault-injecting provisioner: raw HTTP/1.1 on a tokio `TcpListener`
//! standing in for Room Service, answering every request with one chosen
//! fault (resets, silence, slow bodies, error statuses, lying or huge
//! answers, an echo of the `Authorization` header, bytes that are not HTTP);
//! or, for the other relaying backends, one fixed answer to every request.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use roomauth::room_service::{ProvisionRequest, ProvisionResponse};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the fault-injecting provisioner does with each request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Answers like Room Service: the resources with ids, and a token.
    Ok,
    /// Reads the request, then resets the connection.
    ResetBeforeAnswer,
    /// Announces a 200 body, sends part of it, then resets.
    ResetMidBody,
    /// Reads the request and never answers.
    Silent,
    /// Sends a 200 and its body one byte every 100 ms.
    SlowBody,
    /// Answers with this status and an error body.
    Status(u16),
    /// 429 with `Retry-After: 7`.
    RateLimited,
    /// 503 for the first attempt, then like `Ok`.
    FailOnceThenOk,
    /// 500 after `delay` ms.
    SlowStatus(u16, u64),
    /// A 302 to elsewhere.
    Redirect,
    /// A 200 whose body is HTML.
    Garbage,
    /// A 200 JSON array.
    JsonArray,
    /// A 200 with the resources but no token.
    NoToken,
    /// A 200 with an empty token.
    EmptyToken,
    /// A 200 answering for another user.
    OtherUser,
    /// A 200 granting another room.
    OtherRoom,
    /// A 200 granting the room and another one.
    ExtraRoom,
    /// A 200 granting the room and a document in it nobody asked for.
    ExtraDocument,
    /// A 200 whose resources have no ids.
    NoIds,
    /// A 200 announcing a 2 MiB body.
    HugeDeclared,
    /// A 200 streaming 2 MiB, chunked.
    HugeChunked,
    /// A 200 echoing the `Authorization` header back in its body, after
    /// this many bytes of padding (to place the key where an error message
    /// quoting the body would be cut short).
    EchoAuthorization(usize),
    /// Bytes that are not HTTP.
    NotHttp,
    /// A 200 with this JSON body, whatever was asked (for y-sweet and
    /// Liveblocks, whose answers are not Room Service's).
    Answer(&'static str),
}

/// The fault-injecting provisioner: raw HTTP/1.1 on a tokio `TcpListener`,
/// one request per connection, counting the requests it read.
pub struct FaultServer {
    addr: SocketAddr,
    attempts: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FaultServer {
    pub async fn start(fault: Fault) -> FaultServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let attempts = Arc::new(AtomicUsize::new(0));
        let counter = attempts.clone();
        let task = tokio::spawn(async move {
            let mut connections = tokio::task::JoinSet::new();
            while let Ok((stream, _)) = listener.accept().await {
                connections.spawn(serve_fault(stream, fault, counter.clone()));
            }
        });
        FaultServer {
            addr,
            attempts,
            task,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn attempts(&self) -> usize {
        self.attempts.load(Ordering::SeqCst)
    }
}

/// Reads one request: the head, then `Content-Length` bytes of body.
async fn read_request(stream: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos + 4;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let length = head
        .lines()
        .find_map(|line| {
            line.split_once(':')
                .filter(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        })
        .and_then(|(_, value)| value.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some((head, body))
}

fn http(status: u16, extra: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status} Fault\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// The answer Room Service would give, bent by `bend`.
fn answer_for(body: &[u8], bend: impl FnOnce(&mut Value)) -> String {
    let request: ProvisionRequest =
        serde_json::from_slice(body).expect("the webhook sends a provision request");
    let resources = request
        .resources
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut r = r.clone();
            r.id = Some(format!("id_{i}"));
            r
        })
        .collect();
    let response = ProvisionResponse {
        user: request.user,
        resources,
        token: "tok_fault".to_owned(),
    };
    let mut value = serde_json::to_value(response).unwrap();
    bend(&mut value);
    value.to_string()
}

async fn serve_fault(mut stream: TcpStream, fault: Fault, attempts: Arc<AtomicUsize>) {
    let Some((head, body)) = read_request(&mut stream).await else {
        return;
    };
    let attempt = attempts.fetch_add(1, Ordering::SeqCst) + 1;
    let error = r#"{"error":"injected fault"}"#;
    let reply = match fault {
        Fault::Ok => http(200, "", &answer_for(&body, |_| {})),
        Fault::FailOnceThenOk if attempt == 1 => http(503, "", error),
        Fault::FailOnceThenOk => http(200, "", &answer_for(&body, |_| {})),
        Fault::ResetBeforeAnswer => {
            let _ = stream.set_zero_linger();
            return;
        }
        Fault::ResetMidBody => {
            let full = answer_for(&body, |_| {});
            let mut bytes = format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n", full.len() + 400)
                .into_bytes();
            bytes.extend_from_slice(&full.as_bytes()[..full.len() / 2]);
            let _ = stream.write_all(&bytes).await;
            let _ = stream.flush().await;
            tokio::time::sleep(Duration::from_millis(20)).await;
            let _ = stream.set_zero_linger();
            return;
        }
        Fault::Silent => {
            tokio::time::sleep(Duration::from_secs(30)).await;
            return;
        }
        Fault::SlowBody => {
            let full = answer_for(&body, |_| {});
            let head = format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n", full.len());
            let _ = stream.write_all(head.as_bytes()).await;
            for byte in full.as_bytes() {
                if stream.write_all(&[*byte]).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            return;
        }
        Fault::Status(status) => http(status, "", error),
        Fault::RateLimited => http(429, "Retry-After: 7\r\n", error),
        Fault::SlowStatus(status, delay) => {
            tokio::time::sleep(Duration::from_millis(delay)).await;
            http(status, "", error)
        }
        Fault::Redirect => http(302, "Location: http://127.0.0.1:9/provision\r\n", ""),
        Fault::Garbage => http(200, "", "<html><body>Service Unavailable</body></html>"),
        Fault::JsonArray => http(200, "", r#"[{"token":"t"}]"#),
        Fault::NoToken => http(
            200,
            "",
            &answer_for(&body, |v| {
                v.as_object_mut().unwrap().remove("token");
            }),
        ),
        Fault::EmptyToken => http(200, "", &answer_for(&body, |v| v["token"] = json!(""))),
        Fault::OtherUser => http(200, "", &answer_for(&body, |v| v["user"] = json!("mallory"))),
        Fault::OtherRoom => http(
            200,
            "",
            &answer_for(&body, |v| {
                v["resources"] = json!([{"object": "room", "reference": "project-2", "permission": "join", "id": "rm_2"}]);
            }),
        ),
        Fault::ExtraRoom => http(
            200,
            "",
            &answer_for(&body, |v| {
                v["resources"].as_array_mut().unwrap().push(json!({"object": "room", "reference": "project-2", "permission": "join", "id": "rm_2"}));
            }),
        ),
        Fault::ExtraDocument => http(
            200,
            "",
            &answer_for(&body, |v| {
                let room = v["resources"][0]["reference"].clone();
                v["resources"].as_array_mut().unwrap().push(json!({"object": "document", "reference": "unasked", "permission": "read_write", "room": room, "id": "doc_1"}));
            }),
        ),
        Fault::Answer(answer) => http(200, "", answer),
        Fault::NoIds => http(
            200,
            "",
            &answer_for(&body, |v| {
                for r in v["resources"].as_array_mut().unwrap() {
                    r.as_object_mut().unwrap().remove("id");
                }
            }),
        ),
        Fault::HugeDeclared => {
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2097152\r\nConnection: close\r\n\r\n{\"token\":\"".to_vec()
        }
        Fault::HugeChunked => {
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").await;
            let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, " ".repeat(64 * 1024));
            for _ in 0..32 {
                if stream.write_all(chunk.as_bytes()).await.is_err() {
                    return;
                }
            }
            b"0\r\n\r\n".to_vec()
        }
        Fault::EchoAuthorization(pad) => {
            let authorization = head.lines().find(|l| l.to_ascii_lowercase().starts_with("authorization:")).unwrap_or_default();
            let echo = format!("{}{authorization}", "x".repeat(pad));
            http(200, "", &json!({ "token": "t", "user": "alice", "resources": [{"object": echo}] }).to_string())
        }
        Fault::NotHttp => b"SSH-2.0-OpenSSH_9.2\r\n\r\n".to_vec(),
    };
    let _ = stream.write_all(&reply).await;
    let _ = stream.shutdown().await;
}
