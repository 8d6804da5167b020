//! One room-name floor under every backend (issue 18): the same look-alike
//! room names get the same 400, with the same message, from every backend's
//! webhook (Pusher's batch endpoint too), and a JSON array where an object
//! is meant is a 400 from every JSON backend. In process, through
//! `Webhook::handle_request`, with a rule that would grant any room: what
//! refuses is the floor, never the rules.

use http::{HeaderMap, HeaderValue};
use roomauth::backend::Backend;
use roomauth::centrifugo::{CentrifugoPublish, CentrifugoSubscribe, CentrifugoToken, TokenSecret};
use roomauth::endpoint::{Endpoint as _, Served};
use roomauth::hocuspocus::{Hocuspocus, HocuspocusSecret, SIGNATURE_HEADER};
use roomauth::liveblocks::Liveblocks;
use roomauth::livekit::LiveKit;
use roomauth::pusher::{ClientEvents, Pusher};
use roomauth::room_service::{LocalProvisioner, RoomService};
use roomauth::secret::ApiKey;
use roomauth::webhook::{Outcome, RequestHead, Webhook};
use roomauth::y_sweet::{ConnectionString, YSweet};
use roomauth::{room_auth, rules};
use serde_json::json;

/// Grants any room: a refusal can only come from before the rules.
#[room_auth(rooms = "<room>")]
fn any_room(room: String) -> Option<String> {
    (!room.is_empty()).then(|| "alice".to_owned())
}

/// The look-alike names: a bidi override, a zero-width space, a BOM, a tag
/// character, a line separator, a space at either end.
const LOOK_ALIKES: [&str; 7] = [
    "project\u{202E}1-",
    "project-\u{200B}1",
    "\u{FEFF}project-1",
    "project-1\u{E0041}",
    "project\u{2028}1",
    " project-1",
    "project-1 ",
];

const HOCUSPOCUS_SECRET: &str = "room-name-floor-hocuspocus-secret";

const JSON: &str = "application/json";
const FORM: &str = "application/x-www-form-urlencoded";

/// An endpoint: its name, its content type, and the body asking for a room.
type Route = (&'static str, &'static str, fn(&str) -> Vec<u8>);

/// Every backend's endpoint, Pusher's batch endpoint included.
const ENDPOINTS: [Route; 10] = [
    ("room-service", JSON, |room| {
        json!({ "room": room }).to_string().into_bytes()
    }),
    ("pusher", FORM, |room| {
        format!(
            "socket_id=1234.5678&channel_name={}",
            encoded(&format!("private-{room}"))
        )
        .into_bytes()
    }),
    ("pusher-batch", FORM, |room| {
        format!(
            "socket_id=1234.5678&channel_name%5B0%5D=private-lobby&channel_name%5B1%5D={}",
            encoded(&format!("presence-{room}"))
        )
        .into_bytes()
    }),
    ("livekit", JSON, |room| {
        json!({ "room_name": room }).to_string().into_bytes()
    }),
    ("liveblocks", JSON, |room| {
        json!({ "room": room }).to_string().into_bytes()
    }),
    ("hocuspocus", JSON, |room| {
        json!({ "documentName": room }).to_string().into_bytes()
    }),
    ("y-sweet", JSON, |room| {
        json!({ "docId": room }).to_string().into_bytes()
    }),
    ("centrifugo", JSON, |room| {
        json!({ "channel": room }).to_string().into_bytes()
    }),
    ("centrifugo-publish", JSON, |room| {
        json!({ "channel": room, "data": {} })
            .to_string()
            .into_bytes()
    }),
    ("centrifugo-token", JSON, |room| {
        json!({ "channel": room }).to_string().into_bytes()
    }),
];

/// Percent-encodes every byte but ASCII letters, digits and `-`.
fn encoded(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn webhook<B: Backend>(backend: B) -> Webhook<(), B> {
    Webhook::builder(backend)
        .rules(rules![any_room])
        .same_site_only()
        .build()
        .unwrap()
}

/// One webhook per backend, over the same rule.
struct Backends {
    room_service: Webhook<(), RoomService<LocalProvisioner>>,
    pusher: Webhook<(), Pusher>,
    livekit: Webhook<(), LiveKit>,
    liveblocks: Webhook<(), Liveblocks>,
    hocuspocus: Webhook<(), Hocuspocus>,
    y_sweet: Webhook<(), YSweet>,
    subscribe: Webhook<(), CentrifugoSubscribe>,
    publish: Webhook<(), CentrifugoPublish>,
    token: Webhook<(), CentrifugoToken>,
}

impl Backends {
    fn new() -> Backends {
        Backends {
            room_service: webhook(RoomService::new(LocalProvisioner::development())),
            pusher: webhook(
                Pusher::new("app-key", "app-secret-of-the-floor-test", ClientEvents::Off).unwrap(),
            ),
            livekit: webhook(
                LiveKit::builder()
                    .api_key("APIfloor")
                    .api_secret(ApiKey::new("a-livekit-secret-of-at-least-32-bytes"))
                    .server_url("ws://127.0.0.1:7880")
                    .build()
                    .unwrap(),
            ),
            liveblocks: webhook(
                Liveblocks::builder()
                    .secret_key(ApiKey::new("sk_dev_floor"))
                    .base_url("http://127.0.0.1:9")
                    .build()
                    .unwrap(),
            ),
            hocuspocus: webhook(Hocuspocus::new(
                HocuspocusSecret::new(HOCUSPOCUS_SECRET).unwrap(),
            )),
            y_sweet: webhook(
                YSweet::new(ConnectionString::parse("ys://127.0.0.1:9").unwrap()).unwrap(),
            ),
            subscribe: webhook(CentrifugoSubscribe::new()),
            publish: webhook(CentrifugoPublish::new()),
            token: webhook(CentrifugoToken::new(
                TokenSecret::new("a-centrifugo-secret-of-at-least-32-bytes").unwrap(),
            )),
        }
    }

    /// Status and `{"error"}` message of `endpoint`'s answer to `body`.
    async fn ask(&self, endpoint: &str, content_type: &str, body: &[u8]) -> (u16, String) {
        let mut headers = HeaderMap::new();
        headers.insert("content-type", HeaderValue::from_str(content_type).unwrap());
        headers.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        if endpoint == "hocuspocus" {
            let secret = HocuspocusSecret::new(HOCUSPOCUS_SECRET).unwrap();
            let signature = HeaderValue::from_str(&secret.sign(body)).unwrap();
            headers.insert(SIGNATURE_HEADER, signature);
        }
        let head = RequestHead::new(&headers);
        let outcome = match endpoint {
            "room-service" => self.room_service.handle_request(head, body, &mut ()).await,
            "pusher" => self.pusher.handle_request(head, body, &mut ()).await,
            "pusher-batch" => {
                let Served(batch) = self.pusher.batch();
                match batch.decode(&head, body) {
                    Ok(request) => batch.answer(request, &mut ()).await,
                    Err(error) => Outcome::Reply(error.into()),
                }
            }
            "livekit" => self.livekit.handle_request(head, body, &mut ()).await,
            "liveblocks" => self.liveblocks.handle_request(head, body, &mut ()).await,
            "hocuspocus" => self.hocuspocus.handle_request(head, body, &mut ()).await,
            "y-sweet" => self.y_sweet.handle_request(head, body, &mut ()).await,
            "centrifugo" => self.subscribe.handle_request(head, body, &mut ()).await,
            "centrifugo-publish" => self.publish.handle_request(head, body, &mut ()).await,
            "centrifugo-token" => self.token.handle_request(head, body, &mut ()).await,
            other => panic!("no endpoint {other}"),
        };
        let Outcome::Reply(reply) = outcome;
        let json: serde_json::Value = serde_json::from_slice(&reply.body)
            .unwrap_or_else(|_| panic!("{endpoint}: not JSON: {:?}", reply.body));
        let message = json["error"].as_str().unwrap_or_default().to_owned();
        (reply.status.as_u16(), message)
    }
}

#[tokio::test]
async fn every_backend_refuses_look_alike_names_alike() {
    let backends = Backends::new();
    // Each endpoint grants an ordinary room (so a refusal below is the
    // name's), except the relaying ones, whose service is not running: they
    // get past the floor and the rules, and fail upstream.
    for (endpoint, content_type, body) in ENDPOINTS {
        let (status, message) = backends
            .ask(endpoint, content_type, &body("project-1"))
            .await;
        let expected = if matches!(endpoint, "liveblocks" | "y-sweet") {
            502
        } else {
            200
        };
        assert_eq!(status, expected, "{endpoint}: {message}");
    }
    for name in LOOK_ALIKES {
        let floor = roomauth::name::check_room_name(name)
            .unwrap_err()
            .to_string();
        for (endpoint, content_type, body) in ENDPOINTS {
            let answer = backends.ask(endpoint, content_type, &body(name)).await;
            assert_eq!(answer, (400, floor.clone()), "{endpoint}, {name:?}");
        }
    }
}

#[tokio::test]
async fn every_json_backend_refuses_an_array() {
    let backends = Backends::new();
    for (endpoint, content_type, body) in ENDPOINTS {
        if content_type != JSON {
            continue;
        }
        let object = String::from_utf8(body("project-1")).unwrap();
        for array in [
            format!("[{object}]"),
            r#"["project-1"]"#.to_owned(),
            "[]".to_owned(),
        ] {
            let (status, message) = backends.ask(endpoint, content_type, array.as_bytes()).await;
            assert_eq!(status, 400, "{endpoint}: {array}: {message}");
            assert!(
                message.contains("the body must be a JSON object"),
                "{endpoint}: {array}: {message}"
            );
        }
    }
}
