//! The Express baseline of the load comparison (`examples/express-baseline`)
//! does the quickstart's job with each of its provisioning clients (undici's
//! `Pool`, a keep-alive `http.Agent`, `fetch`): a token for a member, 401 for
//! a non-member and for no session, 502 when the provisioner refuses its key
//! or is down. A baseline that answered wrongly would make the load figures
//! meaningless.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Child, Stdio};
use std::sync::Arc;

use roomauth::room_service::LocalProvisioner;
use roomauth_suite::{Browser, serve_local_provisioner, tools};
use serde_json::json;

/// `node server.js`, killed on drop.
struct Baseline {
    child: Child,
    url: String,
}

impl Baseline {
    /// Starts the baseline with `client` against the provisioner at
    /// `provisioner_url` and `api_key`, and waits for its address.
    fn start(client: &str, provisioner_url: &str, api_key: &str) -> Baseline {
        let project = tools::npm_project("examples/express-baseline");
        let mut child = project
            .node("server.js")
            .env("PORT", "0")
            .env("PROVISION_CLIENT", client)
            .env("ROOMSERVICE_URL", provisioner_url)
            .env("ROOMSERVICE_API_KEY", api_key)
            .env("NODE_ENV", "production")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start node server.js");
        let mut first_line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut first_line)
            .expect("read the announced address");
        let url = first_line
            .split_once(" on ")
            .map(|(_, url)| url.trim().trim_end_matches('/').to_owned())
            .unwrap_or_else(|| panic!("no address announced: {first_line:?}"));
        Baseline { child, url }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }
}

impl Drop for Baseline {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_client_provisions_members_and_refuses_the_rest() {
    let provisioner = Arc::new(LocalProvisioner::development());
    let upstream = serve_local_provisioner(provisioner.clone()).await;
    for client in ["undici", "agent", "fetch"] {
        let baseline = Baseline::start(client, &upstream.url(""), "sk_localdev");
        let webhook = baseline.url("/api/roomservice");

        let mut alice = Browser::logged_in(&baseline.url("/login"), "alice").await;
        let answer = alice
            .post_json(&webhook, &json!({ "room": "project-1" }))
            .await;
        assert_eq!(answer.status, 200, "{client}: {}", answer.text);
        let token = answer.json["token"].as_str().expect("a token");
        let claims = provisioner.verify(token).expect("the provisioner's token");
        assert_eq!(claims.sub, "alice", "{client}");
        assert!(claims.grants_room("project-1"), "{client}");

        let resources = json!({ "resources": [
            { "object": "document", "reference": "default", "permission": "read_write", "room": "project-2" },
            { "object": "room", "reference": "project-2", "permission": "join" },
        ] });
        let answer = alice.post_json(&webhook, &resources).await;
        assert_eq!(answer.status, 200, "{client}: {}", answer.text);
        let claims = provisioner
            .verify(answer.json["token"].as_str().expect("a token"))
            .expect("the provisioner's token");
        assert!(claims.grants_document("project-2", "default"), "{client}");

        let mut bob = Browser::logged_in(&baseline.url("/login"), "bob").await;
        let answer = bob
            .post_json(&webhook, &json!({ "room": "project-1" }))
            .await;
        assert_eq!(answer.status, 401, "{client}: {}", answer.text);

        let answer = Browser::new()
            .post_json(&webhook, &json!({ "room": "project-1" }))
            .await;
        assert_eq!(answer.status, 401, "{client}: {}", answer.text);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_client_answers_502_when_provisioning_fails() {
    let provisioner = Arc::new(LocalProvisioner::development());
    let upstream = serve_local_provisioner(provisioner).await;
    let closed = {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        format!("http://{}", listener.local_addr().expect("addr"))
    };
    for client in ["undici", "agent", "fetch"] {
        for (why, url, key) in [
            ("wrong key", upstream.url(""), "sk_wrong"),
            ("down", closed.clone(), "sk_localdev"),
        ] {
            let baseline = Baseline::start(client, &url, key);
            let mut alice = Browser::logged_in(&baseline.url("/login"), "alice").await;
            let answer = alice
                .post_json(
                    &baseline.url("/api/roomservice"),
                    &json!({ "room": "project-1" }),
                )
                .await;
            assert_eq!(answer.status, 502, "{client}, {why}: {}", answer.text);
        }
    }
}
