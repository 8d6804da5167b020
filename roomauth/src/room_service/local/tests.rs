//! The local provisioner's tests: issuing, validating, verifying, rotating.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use super::token::MAX_TOKEN_BYTES;
use super::*;
use crate::room_service::config::ConfigError;
use crate::room_service::provision::{ProvisionError, Provisioner};
use crate::room_service::wire::Resource;
use crate::room_service::wire::{ObjectKind, Permission, ProvisionRequest, ProvisionResponse};
use crate::secret::ApiKey;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;

const SECRET: [u8; 32] = *b"0123456789abcdef0123456789abcdef";

fn key(kid: &str, fill: u8) -> SigningKey {
    SigningKey::new(kid, [fill; 32]).unwrap()
}

fn provisioner() -> LocalProvisioner {
    LocalProvisioner::new(
        ApiKey::new("sk_test_hunter2"),
        SigningKeys::new(key("k1", 1)),
    )
}

fn request(resources: Vec<Resource>) -> ProvisionRequest {
    ProvisionRequest {
        user: "your-user-id".into(),
        resources,
    }
}

fn seed_request() -> ProvisionRequest {
    request(vec![Resource::room("express-minimal")])
}

fn token_for(p: &LocalProvisioner, req: &ProvisionRequest) -> String {
    p.provision_at(req, SystemTime::now())
        .unwrap()
        .response
        .token
}

#[derive(Serialize)]
struct Header<'a> {
    alg: &'a str,
    typ: &'a str,
    kid: &'a str,
}

/// A token as `LocalProvisioner::sign` made it before the header was
/// made once per key: the reference the token format is held to.
fn token_made_per_call(key: &SigningKey, claims: &TokenClaims) -> String {
    let header = serde_json::to_vec(&Header {
        alg: "HS256",
        typ: "JWT",
        kid: key.kid(),
    })
    .unwrap();
    let mut token = URL_SAFE_NO_PAD.encode(header);
    token.push('.');
    token.push_str(&URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap()));
    let signature = key.sign(token.as_bytes());
    token.push('.');
    token.push_str(&URL_SAFE_NO_PAD.encode(signature));
    token
}

/// An id as `stable_id` made it before it was written in place.
fn id_made_per_call(prefix: &str, kind: &str, parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"roomauth.local.v1.id\0");
    hasher.update(kind.as_bytes());
    for part in parts {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    format!("{prefix}{}", hex::encode(&hasher.finalize()[..10]))
}

#[test]
fn tokens_and_ids_are_byte_identical() {
    let long = "n".repeat(MAX_NAME_BYTES);
    let names = ["a", "express-minimal", "café-١ x", "a/b", "", long.as_str()];
    for kid in ["k1", r#"q"uo\te"#, "local-1a2b3c4d", &"k".repeat(64)] {
        let signer = LocalProvisioner::new(ApiKey::new("k"), SigningKeys::new(key(kid, 3)));
        for name in names {
            let claims = TokenClaims {
                sub: format!("user \"{name}\""),
                rooms: vec![name.to_owned(), "r\u{2028}".to_owned()],
                docs: if name.len() % 2 == 0 {
                    Vec::new()
                } else {
                    vec![(name.to_owned(), "default".to_owned())]
                },
                iat: 1_700_000_000,
                exp: 1_700_021_600,
                jti: signer.next_jti(),
            };
            let token = signer.sign(&claims).unwrap();
            assert_eq!(token, token_made_per_call(signer.keys.current(), &claims));
            assert_eq!(signer.verify_at(&token, UNIX_EPOCH).unwrap(), claims);
        }
    }
    for name in names {
        assert_eq!(room_id(name), id_made_per_call("rm_", "room", &[name]));
        for doc in names {
            assert_eq!(
                document_id(name, doc),
                id_made_per_call("doc_", "document", &[name, doc])
            );
        }
    }
    // The fallback key makes its header the same way.
    let fallback = SigningKey::fallback();
    let header = serde_json::to_vec(&Header {
        alg: "HS256",
        typ: "JWT",
        kid: fallback.kid(),
    })
    .unwrap();
    assert_eq!(fallback.signer.header(), URL_SAFE_NO_PAD.encode(header));
}

#[test]
fn provision_echoes_user_and_grants_exactly_the_request() {
    let provisioned = provisioner()
        .provision_at(&seed_request(), SystemTime::now())
        .unwrap();
    let response = &provisioned.response;
    assert_eq!(response.user, "your-user-id");
    // The room alone: no document was asked for, none is granted.
    assert_eq!(response.resources.len(), 1);
    let room = &response.resources[0];
    assert_eq!(room.object, ObjectKind::Room);
    assert_eq!(room.reference, "express-minimal");
    assert_eq!(
        room.id.as_deref(),
        Some(room_id("express-minimal").as_str())
    );
    // The body is exactly the serialized response.
    let reparsed: ProvisionResponse = serde_json::from_slice(&provisioned.body).unwrap();
    assert_eq!(&reparsed, response);
    assert_eq!(provisioned.body, serde_json::to_vec(response).unwrap());
}

#[test]
fn documents_are_granted_only_when_asked() {
    // The URL-strategy request names the document: both, with ids.
    let req = request(vec![
        Resource::document("express-minimal", "default"),
        Resource::room("express-minimal"),
    ]);
    let provisioned = provisioner().provision_at(&req, SystemTime::now()).unwrap();
    let response = provisioned.response;
    assert_eq!(response.resources.len(), 2);
    assert_eq!(response.resources[0].object, ObjectKind::Document);
    assert_eq!(response.resources[0].permission, Permission::ReadWrite);
    assert_eq!(
        response.resources[0].id.as_deref(),
        Some(document_id("express-minimal", "default").as_str())
    );
    assert_eq!(response.resources[1].object, ObjectKind::Room);
    assert!(response.resources.iter().all(|r| r.id.is_some()));
    let claims = provisioner().verify(&response.token).unwrap();
    assert!(claims.grants_document("express-minimal", "default"));

    // Two rooms, one with a document: no other document appears.
    let req = request(vec![
        Resource::room("a"),
        Resource::room("b"),
        Resource::document("b", "notes"),
        Resource::room("a"),
    ]);
    let response = provisioner()
        .provision_at(&req, SystemTime::now())
        .unwrap()
        .response;
    let documents: Vec<_> = response
        .resources
        .iter()
        .filter(|r| r.object == ObjectKind::Document)
        .collect();
    assert_eq!(documents.len(), 1);
    assert_eq!(documents[0].room.as_deref(), Some("b"));
    let claims = provisioner().verify(&response.token).unwrap();
    assert_eq!(claims.docs, [("b".to_owned(), "notes".to_owned())]);
}

#[test]
fn ids_are_stable_and_distinct() {
    let p = provisioner();
    let other = LocalProvisioner::development();
    let a = p
        .provision_at(&seed_request(), SystemTime::now())
        .unwrap()
        .response;
    let b = other
        .provision_at(&seed_request(), UNIX_EPOCH)
        .unwrap()
        .response;
    let ids = |r: &ProvisionResponse| r.resources.iter().map(|x| x.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&a), ids(&b));
    assert_ne!(a.token, b.token);

    let id = room_id("express-minimal");
    assert!(id.starts_with("rm_") && id.len() == 23, "{id}");
    assert!(document_id("r", "default").starts_with("doc_"));
    assert_ne!(room_id("a"), room_id("b"));
    assert_ne!(document_id("a/b", "c"), document_id("a", "b/c"));
}

#[test]
fn names_follow_the_webhooks_rules() {
    let p = provisioner();
    let user = |user: &str| ProvisionRequest {
        user: user.to_owned(),
        resources: vec![Resource::room("r")],
    };
    for bad in [
        user("mallory\n2026-01-01T00:00:00Z INFO outcome=\"allowed\""),
        user("a\u{0}b"),
        user(" alice"),
        user("al\u{202e}ice"),
        request(vec![Resource::room("r\u{1b}[31m")]),
        request(vec![
            Resource::room("r"),
            Resource::document("r", "d\u{200b}"),
        ]),
        request(vec![Resource::document("r\r", "d")]),
    ] {
        let err = p.provision_at(&bad, SystemTime::now()).unwrap_err();
        let ProvisionError::InvalidRequest { reason } = &err else {
            panic!("{bad:?}: {err:?}");
        };
        assert!(!reason.contains(char::is_control), "{reason:?}");
    }
    // What the webhook accepts, the provisioner accepts.
    assert!(p.provision_at(&user("café-١ x"), SystemTime::now()).is_ok());
}

#[test]
fn the_largest_token_issued_verifies() {
    // Every name as long as allowed, every byte one JSON escapes.
    let name = |i: usize| format!("{i:02}{}", "\"".repeat(MAX_NAME_BYTES - 2));
    let mut resources = vec![Resource::room(name(0))];
    resources.extend((1..MAX_RESOURCES).map(|i| Resource::document(name(0), name(i))));
    let req = ProvisionRequest {
        user: name(99),
        resources,
    };
    let p = provisioner();
    let token = p
        .provision_at(&req, SystemTime::now())
        .unwrap()
        .response
        .token;
    assert!(token.len() > 16 * 1024, "{}", token.len());
    let claims = p.verify(&token).unwrap();
    assert_eq!(claims.docs.len(), MAX_RESOURCES - 1);
}

#[test]
fn invalid_requests_are_refused() {
    let p = provisioner();
    let mut no_room_doc = Resource::document("r", "default");
    no_room_doc.room = None;
    let mut wrong_permission = Resource::room("r");
    wrong_permission.permission = Permission::ReadWrite;
    let mut room_elsewhere = Resource::room("r");
    room_elsewhere.room = Some("s".into());
    let cases = vec![
        ProvisionRequest {
            user: String::new(),
            resources: vec![Resource::room("r")],
        },
        ProvisionRequest {
            user: "u".repeat(MAX_NAME_BYTES + 1),
            resources: vec![Resource::room("r")],
        },
        request(vec![]),
        request(
            (0..=MAX_RESOURCES)
                .map(|i| Resource::room(format!("r{i}")))
                .collect(),
        ),
        request(vec![no_room_doc]),
        request(vec![Resource::document("", "default")]),
        request(vec![Resource::room("")]),
        request(vec![Resource::room("x".repeat(MAX_NAME_BYTES + 1))]),
        request(vec![wrong_permission]),
        request(vec![room_elsewhere]),
    ];
    for req in cases {
        let err = p.provision_at(&req, SystemTime::now()).unwrap_err();
        assert!(
            matches!(err, ProvisionError::InvalidRequest { .. }),
            "{req:?}: {err:?}"
        );
    }
    // The limit is inclusive.
    let req = request(
        (0..MAX_RESOURCES)
            .map(|i| Resource::room(format!("r{i}")))
            .collect(),
    );
    assert!(p.provision_at(&req, SystemTime::now()).is_ok());
}

#[test]
fn document_without_its_room_is_granted_alone() {
    let p = provisioner();
    let req = request(vec![Resource::document("r", "notes")]);
    let provisioned = p.provision_at(&req, SystemTime::now()).unwrap();
    assert_eq!(provisioned.response.resources.len(), 1);
    let claims = p.verify(&provisioned.response.token).unwrap();
    assert!(!claims.grants_room("r"));
    assert!(claims.grants_document("r", "notes"));
}

#[test]
fn token_signs_and_verifies() {
    let p = provisioner();
    let now = SystemTime::now();
    let token = p.provision_at(&seed_request(), now).unwrap().response.token;
    let claims = p.verify(&token).unwrap();
    assert_eq!(claims.sub, "your-user-id");
    assert_eq!(claims.rooms, vec!["express-minimal".to_owned()]);
    assert!(claims.grants_room("express-minimal"));
    assert!(!claims.grants_room("express-minimal-2"));
    assert!(!claims.grants_room("other"));
    // The seed request asks for the room only.
    assert!(!claims.grants_document("express-minimal", "default"));
    assert!(claims.docs.is_empty());
    assert_eq!(claims.exp - claims.iat, TOKEN_LIFETIME.as_secs());
    assert_eq!(claims.jti.len(), 32);

    // The header is the documented one.
    let header = token.split('.').next().unwrap();
    let header: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).unwrap()).unwrap();
    assert_eq!(
        header,
        serde_json::json!({"alg": "HS256", "typ": "JWT", "kid": "k1"})
    );

    // Token ids are unique.
    assert_ne!(
        claims.jti,
        p.verify(&token_for(&p, &seed_request())).unwrap().jti
    );
}

#[test]
fn expired_tokens_are_refused() {
    let p = provisioner();
    let issued = SystemTime::now() - TOKEN_LIFETIME - Duration::from_secs(1);
    let token = p
        .provision_at(&seed_request(), issued)
        .unwrap()
        .response
        .token;
    assert_eq!(p.verify(&token), Err(TokenError::Expired));
    // Valid until one second before expiry.
    assert!(
        p.verify_at(&token, issued + TOKEN_LIFETIME - Duration::from_secs(1))
            .is_ok()
    );
    assert_eq!(
        p.verify_at(&token, issued + TOKEN_LIFETIME),
        Err(TokenError::Expired)
    );

    let short = provisioner().with_token_lifetime(Duration::from_secs(60));
    let token = token_for(&short, &seed_request());
    assert!(short.verify(&token).is_ok());
    assert_eq!(
        short.verify_at(&token, SystemTime::now() + Duration::from_secs(61)),
        Err(TokenError::Expired)
    );
}

#[test]
fn foreign_and_tampered_tokens_are_refused() {
    let p = provisioner();
    let token = token_for(&p, &seed_request());
    let parts: Vec<&str> = token.split('.').collect();

    // Another key with the same kid: bad signature.
    let impostor = LocalProvisioner::new(ApiKey::new("x"), SigningKeys::new(key("k1", 2)));
    assert_eq!(impostor.verify(&token), Err(TokenError::BadSignature));
    // An unknown kid.
    let stranger = LocalProvisioner::new(ApiKey::new("x"), SigningKeys::new(key("k2", 1)));
    assert_eq!(
        stranger.verify(&token),
        Err(TokenError::UnknownKey { kid: "k1".into() })
    );

    // Tampered payload: grant another room, keep the signature.
    let mut claims: TokenClaims =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    claims.rooms.push("secret-room".into());
    let forged = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap());
    let tampered = format!("{}.{forged}.{}", parts[0], parts[2]);
    assert_eq!(p.verify(&tampered), Err(TokenError::BadSignature));

    // Tampered signature.
    let mut sig = parts[2].as_bytes().to_vec();
    sig[5] = if sig[5] == b'A' { b'B' } else { b'A' };
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        parts[1],
        String::from_utf8(sig).unwrap()
    );
    assert_eq!(p.verify(&tampered), Err(TokenError::BadSignature));
    let truncated = format!("{}.{}.{}", parts[0], parts[1], &parts[2][..10]);
    assert_eq!(p.verify(&truncated), Err(TokenError::BadSignature));

    // alg=none and friends.
    for alg in ["none", "HS512", "RS256"] {
        let header = URL_SAFE_NO_PAD.encode(format!(r#"{{"alg":"{alg}","typ":"JWT","kid":"k1"}}"#));
        let forged = format!("{header}.{}.", parts[1]);
        assert_eq!(
            p.verify(&forged),
            Err(TokenError::UnsupportedAlgorithm { alg: alg.into() })
        );
    }

    // Structure.
    for bad in [
        "",
        "a",
        "a.b",
        "a.b.c.d",
        "!!.b.c",
        &format!("{}.{}", parts[0], parts[1]),
    ] {
        assert!(
            matches!(p.verify(bad), Err(TokenError::Malformed { .. })),
            "{bad}"
        );
    }
    let no_kid = URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256","typ":"JWT"}"#);
    assert!(matches!(
        p.verify(&format!("{no_kid}.{}.{}", parts[1], parts[2])),
        Err(TokenError::Malformed { .. })
    ));
    assert!(matches!(
        p.verify(&"a".repeat(MAX_TOKEN_BYTES + 1)),
        Err(TokenError::Malformed { .. })
    ));
}

#[test]
fn rotation_keeps_previous_keys_valid() {
    let old = LocalProvisioner::new(ApiKey::new("k"), SigningKeys::new(key("old", 1)));
    let old_token = token_for(&old, &seed_request());

    let rotated = LocalProvisioner::new(
        ApiKey::new("k"),
        SigningKeys::new(key("new", 2)).with_previous(key("old", 1)),
    );
    assert!(
        rotated
            .verify(&old_token)
            .unwrap()
            .grants_room("express-minimal")
    );
    let new_token = token_for(&rotated, &seed_request());
    let header = URL_SAFE_NO_PAD
        .decode(new_token.split('.').next().unwrap())
        .unwrap();
    assert!(
        String::from_utf8(header)
            .unwrap()
            .contains(r#""kid":"new""#)
    );
    assert!(rotated.verify(&new_token).is_ok());
    // The old provisioner does not know the new key.
    assert!(matches!(
        old.verify(&new_token),
        Err(TokenError::UnknownKey { .. })
    ));

    // Once the old key is dropped, its tokens no longer verify.
    let retired = LocalProvisioner::new(ApiKey::new("k"), SigningKeys::new(key("new", 2)));
    assert!(matches!(
        retired.verify(&old_token),
        Err(TokenError::UnknownKey { .. })
    ));
}

#[test]
fn signing_keys_are_checked_and_parsed() {
    assert_eq!(
        SigningKey::new("k", [0u8; 31]).unwrap_err(),
        ConfigError::WeakSigningKey { len: 31 }
    );
    assert_eq!(
        SigningKey::new("", SECRET).unwrap_err(),
        ConfigError::InvalidKeyId
    );
    assert_eq!(
        SigningKey::new("a b", SECRET).unwrap_err(),
        ConfigError::InvalidKeyId
    );

    let from_hex = SigningKey::parse(&hex::encode(SECRET)).unwrap();
    let from_b64 = SigningKey::parse(&STANDARD.encode(SECRET)).unwrap();
    let from_b64url = SigningKey::parse(&URL_SAFE_NO_PAD.encode(SECRET)).unwrap();
    let direct = SigningKey::from_secret(SECRET).unwrap();
    assert!(direct.kid().starts_with("key-") && direct.kid().len() == 12);
    for k in [&from_hex, &from_b64, &from_b64url] {
        assert_eq!(k.kid(), direct.kid());
    }
    // Same secret, same signatures.
    assert_eq!(from_hex.sign(b"x"), direct.sign(b"x"));
    assert!(matches!(
        SigningKey::parse("zz not a key"),
        Err(ConfigError::InvalidSigningKey)
    ));
    assert!(matches!(
        SigningKey::parse("abcd"),
        Err(ConfigError::WeakSigningKey { len: 2 })
    ));

    let generated = SigningKey::generate().unwrap();
    assert!(generated.kid().starts_with("local-") && generated.kid().len() == 14);
    assert_ne!(generated.kid(), SigningKey::generate().unwrap().kid());
}

#[test]
fn debug_redacts_secrets() {
    let secret_hex = hex::encode(SECRET);
    let p = LocalProvisioner::new(
        ApiKey::new("sk_test_hunter2"),
        SigningKeys::new(SigningKey::new("k1", SECRET).unwrap()).with_previous(key("k0", 7)),
    );
    let texts = [
        format!("{p:?}"),
        format!("{p:#?}"),
        format!("{:?}", p.signing_keys()),
        format!("{:?}", SigningKey::new("k1", SECRET).unwrap()),
    ];
    for text in texts {
        assert!(!text.contains("hunter2"), "{text}");
        assert!(!text.contains("0123456789abcdef"), "{text}");
        assert!(!text.contains(&secret_hex), "{text}");
        assert!(
            !text.contains("[1, 1,") && !text.contains("[7, 7,"),
            "{text}"
        );
    }
    assert!(p.api_key_matches("sk_test_hunter2"));
    assert!(!p.api_key_matches("sk_test_hunter"));
    assert!(!p.api_key_matches(""));
}

#[test]
fn development_uses_the_documented_key() {
    let p = LocalProvisioner::development();
    assert!(p.api_key_matches(ApiKey::LOCAL_DEV));
    assert!(p.signing_keys().current().kid().starts_with("local-"));
    assert_eq!(p.token_lifetime(), TOKEN_LIFETIME);
}

#[tokio::test]
async fn provisioner_trait_objects_work() {
    let p: std::sync::Arc<dyn Provisioner> = std::sync::Arc::new(provisioner());
    let boxed: Box<dyn Provisioner> = Box::new(provisioner());
    assert!(p.provision(&seed_request()).await.is_ok());
    assert!(boxed.provision(&seed_request()).await.is_ok());
    let err = p.provision(&request(vec![])).await.unwrap_err();
    assert!(
        err.to_string().starts_with("invalid provision request"),
        "{err}"
    );
}
