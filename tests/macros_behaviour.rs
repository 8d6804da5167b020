//! What the rules that `#[room_auth]` generates decide: a table of rules ×
//! room names × users, driven through `Rule::authorize` directly and then
//! through a `Webhook` with the local provisioner.

use roomauth::pattern::Pattern;
use roomauth::room::RoomMatch;
use roomauth::room_service::{LocalProvisioner, RoomService};
use roomauth::rule::{FromContext, Refusal, RequestContext, Rule};
use roomauth::testing::Verdict;
use roomauth::{Deny, RoomParam, RoomResource, Webhook, room_auth};

// ------------------------------------------------------------ the app --

/// A tiny request context: who is logged in, and which extractors ran.
#[derive(Default)]
struct TestCx {
    user: Option<&'static str>,
    ran: Vec<&'static str>,
}

impl TestCx {
    fn as_user(user: Option<&'static str>) -> TestCx {
        TestCx {
            user,
            ran: Vec::new(),
        }
    }
}

impl RequestContext for TestCx {
    type Rejection = String;
}

/// The app's session extractor.
struct CurrentUser(String);

impl FromContext<TestCx> for CurrentUser {
    async fn from_context(cx: &mut TestCx) -> Result<Self, String> {
        cx.ran.push("session");
        cx.user
            .map(|user| CurrentUser(user.to_owned()))
            .ok_or_else(|| "no session".to_owned())
    }
}

/// Another extractor, which refuses the user `blocked`.
struct Firewall;

impl FromContext<TestCx> for Firewall {
    async fn from_context(cx: &mut TestCx) -> Result<Self, String> {
        cx.ran.push("firewall");
        if cx.user == Some("blocked") {
            Err("blocked by the firewall".to_owned())
        } else {
            Ok(Firewall)
        }
    }
}

fn member_of(user: &str, project: u64) -> bool {
    matches!((user, project), ("alice", 1 | 2) | ("bob", 2))
}

#[derive(Debug)]
struct DbDown;

impl std::fmt::Display for DbDown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("database down")
    }
}

impl std::error::Error for DbDown {}

/// Members of a project; project 13's database is down.
#[room_auth(rooms = "project-<id>", permission = "join", session = user)]
async fn project_rooms(_firewall: Firewall, user: CurrentUser, id: u64) -> Result<String, Deny> {
    if id == 13 {
        return Err(DbDown.into());
    }
    if member_of(&user.0, id) {
        Ok(user.0)
    } else {
        Err(Deny::Forbidden)
    }
}

/// Placeholders only, two patterns, sync, `Option`: only org `acme`.
#[room_auth(rooms = ["org-<org>-team-<team>", "team-<team>-of-<org>"])]
fn teams(org: String, team: u32) -> Option<String> {
    (org == "acme").then(|| format!("{org}/{team}"))
}

/// Without `session`, a refusing session extractor is passed through.
#[room_auth(rooms = "audit-<id>")]
async fn audits(user: CurrentUser, id: i32) -> Result<String, Deny> {
    if id < 0 {
        Err(Deny::Unauthorized)
    } else {
        Ok(user.0)
    }
}

#[derive(RoomParam, Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    View,
    #[room(rename = "rw")]
    Edit,
}

#[derive(RoomParam, Debug, Clone, Copy, PartialEq, Eq)]
struct SpaceId(u64);

/// A typed room name.
#[derive(RoomResource, Debug, Clone, PartialEq, Eq)]
#[room(pattern = "acct-<org>-project-<id>")]
struct AccountProject {
    org: String,
    id: u64,
}

/// An enum namespace of rooms.
#[derive(RoomResource, Debug, Clone, PartialEq, Eq)]
enum SpaceRoom {
    #[room(pattern = "lobby")]
    Lobby,
    #[room(pattern = "space-<space>")]
    Space { space: SpaceId },
    #[room(pattern = "doc-<doc>-<mode>-in-<space>")]
    Doc {
        doc: u64,
        mode: Mode,
        space: SpaceId,
    },
}

#[room_auth(rooms = AccountProject, session = user)]
async fn account_projects(room: AccountProject, user: CurrentUser) -> Result<String, Deny> {
    if room.org == "acme" && member_of(&user.0, room.id) {
        Ok(user.0)
    } else {
        Err(Deny::Forbidden)
    }
}

#[room_auth(rooms = SpaceRoom, session = user)]
fn spaces(user: CurrentUser, room: SpaceRoom) -> Option<String> {
    match room {
        SpaceRoom::Lobby => Some(user.0),
        SpaceRoom::Space { space: SpaceId(id) } => member_of(&user.0, id).then_some(user.0),
        SpaceRoom::Doc {
            mode: Mode::Edit,
            space: SpaceId(id),
            ..
        } => (user.0 == "alice" && id == 1).then_some(user.0),
        SpaceRoom::Doc {
            mode: Mode::View,
            space: SpaceId(id),
            ..
        } => member_of(&user.0, id).then_some(user.0),
    }
}

// ---------------------------------------------------------- the table --

#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Allowed(&'static str),
    Unauthorized,
    Forbidden,
    Internal,
    Rejected,
    NoMatch,
}
use Outcome::*;

/// Runs `rule` as the webhook would: the first of its patterns that matches
/// `room`, then `authorize`.
async fn decide(rule: &dyn Rule<TestCx>, room: &str, cx: &mut TestCx) -> Outcome {
    let patterns: &[Pattern] = rule.patterns();
    let Some((pattern_index, pattern, captures)) = patterns
        .iter()
        .enumerate()
        .find_map(|(i, p)| Some((i, p, p.matches(room)?)))
    else {
        return NoMatch;
    };
    let m = RoomMatch {
        room,
        pattern,
        pattern_index,
        captures,
    };
    match rule.authorize(m, cx).await {
        Ok(grant) => Allowed(Box::leak(grant.user.into_string().into_boxed_str())),
        Err(Refusal::NoMatch | Refusal::NoRule) => NoMatch,
        Err(Refusal::Unauthenticated | Refusal::Deny(Deny::Unauthorized)) => Unauthorized,
        Err(Refusal::Deny(Deny::Forbidden)) => Forbidden,
        Err(Refusal::Deny(Deny::Internal(_))) => Internal,
        Err(Refusal::Rejected(_)) => Rejected,
    }
}

type Row = (&'static str, &'static str, Option<&'static str>, Outcome);

fn table() -> Vec<Row> {
    vec![
        // A session rule: members only; 401 without a session.
        (
            "project_rooms",
            "project-1",
            Some("alice"),
            Allowed("alice"),
        ),
        ("project_rooms", "project-2", Some("bob"), Allowed("bob")),
        ("project_rooms", "project-1", Some("bob"), Forbidden),
        ("project_rooms", "project-1", None, Unauthorized),
        ("project_rooms", "project-1", Some("blocked"), Rejected),
        ("project_rooms", "project-13", Some("alice"), Internal),
        // Values that do not parse, or are not canonical, are no match.
        ("project_rooms", "project-007", Some("alice"), NoMatch),
        ("project_rooms", "project-+1", Some("alice"), NoMatch),
        ("project_rooms", "project-1.0", Some("alice"), NoMatch),
        ("project_rooms", "project--1", Some("alice"), NoMatch),
        ("project_rooms", "project-", Some("alice"), NoMatch),
        ("project_rooms", "Project-1", Some("alice"), NoMatch),
        ("project_rooms", "projects-1", Some("alice"), NoMatch),
        // Placeholders only, either of two patterns, any user.
        ("teams", "org-acme-team-7", None, Allowed("acme/7")),
        ("teams", "team-7-of-acme", Some("bob"), Allowed("acme/7")),
        ("teams", "org-evil-team-7", None, Forbidden),
        ("teams", "team-07-of-acme", None, NoMatch),
        ("teams", "org-acme-team-4294967296", None, NoMatch),
        ("teams", "org-acme-team-", None, NoMatch),
        // Without `session`, the session extractor's refusal is passed through.
        ("audits", "audit-5", Some("carol"), Allowed("carol")),
        ("audits", "audit--5", Some("carol"), Unauthorized),
        ("audits", "audit-5", None, Rejected),
        ("audits", "audit--0", Some("carol"), NoMatch),
        // A typed room.
        (
            "account_projects",
            "acct-acme-project-2",
            Some("bob"),
            Allowed("bob"),
        ),
        (
            "account_projects",
            "acct-acme-project-1",
            Some("bob"),
            Forbidden,
        ),
        (
            "account_projects",
            "acct-other-project-1",
            Some("alice"),
            Forbidden,
        ),
        (
            "account_projects",
            "acct-acme-project-02",
            Some("alice"),
            NoMatch,
        ),
        (
            "account_projects",
            "acct-acme-project-1",
            None,
            Unauthorized,
        ),
        // An enum namespace.
        ("spaces", "lobby", Some("bob"), Allowed("bob")),
        ("spaces", "lobby", None, Unauthorized),
        ("spaces", "space-2", Some("bob"), Allowed("bob")),
        ("spaces", "space-1", Some("bob"), Forbidden),
        ("spaces", "space-x", Some("bob"), NoMatch),
        ("spaces", "doc-5-rw-in-1", Some("alice"), Allowed("alice")),
        ("spaces", "doc-5-rw-in-2", Some("bob"), Forbidden),
        ("spaces", "doc-5-view-in-2", Some("bob"), Allowed("bob")),
        ("spaces", "doc-5-edit-in-2", Some("bob"), NoMatch),
        ("spaces", "doc-5-rw-in-02", Some("alice"), NoMatch),
        ("spaces", "lobby-1", Some("bob"), NoMatch),
    ]
}

fn rules() -> Vec<Box<dyn Rule<TestCx>>> {
    roomauth::rules![project_rooms, teams, audits, account_projects, spaces]
}

#[tokio::test]
async fn rules_decide_the_table() {
    let rules = rules();
    let mut failures = Vec::new();
    for (name, room, user, expected) in table() {
        let rule = rules
            .iter()
            .find(|rule| rule.name() == name)
            .expect("a rule of that name");
        let actual = decide(rule.as_ref(), room, &mut TestCx::as_user(user)).await;
        if actual != expected {
            failures.push(format!(
                "{name} / {room} / {user:?}: expected {expected:?}, got {actual:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn placeholders_are_bound_before_any_extractor_runs() {
    let mut cx = TestCx::as_user(Some("alice"));
    assert_eq!(
        decide(&project_rooms {}, "project-007", &mut cx).await,
        NoMatch
    );
    assert!(cx.ran.is_empty(), "{:?}", cx.ran);

    let mut cx = TestCx::as_user(Some("alice"));
    assert_eq!(
        decide(&project_rooms {}, "project-1", &mut cx).await,
        Allowed("alice")
    );
    assert_eq!(
        cx.ran,
        ["firewall", "session"],
        "extractors run in parameter order"
    );

    let mut cx = TestCx::as_user(Some("alice"));
    assert_eq!(decide(&spaces {}, "space-01", &mut cx).await, NoMatch);
    assert!(cx.ran.is_empty(), "{:?}", cx.ran);
}

#[tokio::test]
async fn placeholder_only_rules_work_without_a_framework() {
    let rule = teams {};
    let pattern = &Rule::<()>::patterns(&rule)[1];
    let room = "team-3-of-acme";
    let m = RoomMatch {
        room,
        pattern,
        pattern_index: 1,
        captures: pattern.matches(room).unwrap(),
    };
    let grant = Rule::<()>::authorize(&rule, m, &mut ()).await.ok().unwrap();
    assert_eq!(grant, roomauth::Grant::write("acme/3"));
}

/// rustc suggests `_doc` for an unused placeholder parameter, and `gen` is
/// reserved in edition 2024: `_doc` binds `<doc>`, `r#gen` binds `<gen>`.
#[room_auth(rooms = "gen-<gen>-doc-<doc>")]
fn generations(r#gen: u32, _doc: String) -> Option<String> {
    Some(format!("gen{gen}"))
}

#[tokio::test]
async fn underscored_and_raw_parameters_bind_their_placeholders() {
    let rule = generations {};
    let pattern = &Rule::<()>::patterns(&rule)[0];
    let room = "gen-7-doc-intro";
    let m = RoomMatch {
        room,
        pattern,
        pattern_index: 0,
        captures: pattern.matches(room).unwrap(),
    };
    let grant = Rule::<()>::authorize(&rule, m, &mut ()).await.ok().unwrap();
    assert_eq!(grant, roomauth::Grant::write("gen7"));
}

#[test]
fn rule_metadata() {
    let names: Vec<&str> = rules().iter().map(|r| r.name()).collect();
    assert_eq!(
        names,
        [
            "project_rooms",
            "teams",
            "audits",
            "account_projects",
            "spaces"
        ]
    );
    assert_eq!(Rule::<()>::access(&teams {}), roomauth::Access::Write);
    assert_eq!(
        Rule::<TestCx>::access(&project_rooms {}),
        roomauth::Access::Read
    );
    assert_eq!(Rule::<TestCx>::patterns(&spaces {}), SpaceRoom::PATTERNS);
    // The functions stay callable as written.
    assert_eq!(teams("acme".to_owned(), 1).as_deref(), Some("acme/1"));
}

#[tokio::test]
async fn the_table_through_a_webhook() {
    let webhook = Webhook::<TestCx, _>::builder(RoomService::new(LocalProvisioner::development()))
        .rules(rules())
        .build()
        .expect("the rules do not overlap");
    let mut failures = Vec::new();
    for (name, room, user, expected) in table() {
        let expected = match expected {
            Allowed(user) => Verdict::write(user),
            Unauthorized => Verdict::Unauthorized,
            // No rule answers: the same 403 as "not allowed".
            Forbidden | NoMatch => Verdict::Forbidden,
            Internal => Verdict::Internal,
            Rejected => Verdict::Rejected,
        };
        // The table names who is let in, not the access (`rule_metadata`
        // checks that); no rule is the same 403 as "not allowed" on the wire.
        let actual = match webhook
            .rules()
            .verdict(room, &mut TestCx::as_user(user))
            .await
        {
            Verdict::Read(user) => Verdict::Write(user),
            Verdict::NoRule => Verdict::Forbidden,
            other => other,
        };
        if actual != expected {
            failures.push(format!(
                "{name} / {room} / {user:?}: expected {expected}, got {actual}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ------------------------------------------- placeholder types decide --

#[room_auth(rooms = "ticket-<id>")]
fn tickets(id: u64) -> Option<String> {
    Some(format!("ticket-reader-{id}"))
}

#[room_auth(rooms = "ticket-<id>-chat")]
fn ticket_chats(id: u64) -> Option<String> {
    Some(format!("chat-reader-{id}"))
}

#[room_auth(rooms = "ticket-<name>")]
fn named_tickets(name: String) -> Option<String> {
    Some(format!("named-reader-{name}"))
}

/// Suffixed names beside plain ones, as apps already name their rooms: an
/// integer is never `7-chat`, so the two rules share no room.
#[tokio::test]
async fn integer_placeholders_keep_suffixed_rules_apart() {
    let rules: Vec<Box<dyn Rule<TestCx>>> = roomauth::rules![tickets, ticket_chats];
    let rules = roomauth::rules::Rules::new(rules).expect("no room matches both");
    let mut cx = TestCx::as_user(None);
    for (room, expected) in [
        ("ticket-7", Verdict::write("ticket-reader-7")),
        ("ticket-7-chat", Verdict::write("chat-reader-7")),
        ("ticket-0-chat", Verdict::write("chat-reader-0")),
        // Not integers in canonical form: no rule.
        ("ticket-07", Verdict::NoRule),
        ("ticket-x-chat", Verdict::NoRule),
        ("ticket-7-chat-chat", Verdict::NoRule),
    ] {
        assert_eq!(rules.verdict(room, &mut cx).await, expected, "{room}");
    }
}

/// A `String` placeholder takes any text, so it overlaps the integer rule,
/// and the room named in the error is one that both rules really accept.
#[tokio::test]
async fn an_overlap_names_a_room_both_typed_rules_accept() {
    let rules: Vec<Box<dyn Rule<TestCx>>> = roomauth::rules![tickets, named_tickets];
    let error = roomauth::rules::Rules::new(rules).expect_err("they overlap");
    let roomauth::BuildError::Overlap { source, .. } = &error else {
        panic!("{error}");
    };
    let witness = source.witness.as_str();
    assert_eq!(witness, "ticket-1");
    let mut cx = TestCx::as_user(None);
    assert_eq!(
        decide(&tickets {}, witness, &mut cx).await,
        Allowed("ticket-reader-1")
    );
    assert_eq!(
        decide(&named_tickets {}, witness, &mut cx).await,
        Allowed("named-reader-1")
    );
    assert!(
        error.to_string().contains("\"ticket-1\" matches both"),
        "{error}"
    );
}

#[derive(RoomParam, Debug, Clone, Copy, PartialEq, Eq)]
struct TicketId(u64);

/// A typed room with both shapes, through a derived newtype: it inherits
/// its inner type's shape.
#[derive(RoomResource, Debug, Clone, PartialEq, Eq)]
enum TicketRoom {
    #[room(pattern = "ticket-<id>")]
    Ticket { id: TicketId },
    #[room(pattern = "ticket-<id>-chat")]
    Chat { id: u64 },
}

#[test]
fn derived_params_inherit_their_shape() {
    use roomauth::pattern::Shape;
    assert_eq!(TicketId::SHAPE, Shape::Unsigned);
    assert_eq!(SpaceId::SHAPE, Shape::Unsigned);
    assert_eq!(Mode::SHAPE, Shape::OneOf(&["view", "rw"]));
    assert_eq!(String::SHAPE, Shape::Text);
    assert_eq!(i8::SHAPE, Shape::Signed);
    assert_eq!(TicketRoom::PATTERNS[0].shape(0), Shape::Unsigned);
    assert_eq!(
        "ticket-7".parse::<TicketRoom>(),
        Ok(TicketRoom::Ticket { id: TicketId(7) })
    );
    assert_eq!(
        "ticket-7-chat".parse::<TicketRoom>(),
        Ok(TicketRoom::Chat { id: 7 })
    );
    assert!("ticket-x".parse::<TicketRoom>().is_err());
    assert_eq!(
        TicketRoom::Chat { id: 7 }.to_room().as_deref(),
        Ok("ticket-7-chat")
    );
}

#[derive(RoomParam, Debug, Clone, PartialEq, Eq)]
struct DocName(String);

/// Types a macro cannot see into: the derive cannot tell these variants
/// overlap (`DocName` is text, so `doc-a-history` matches both). Parsing
/// tries them in order, and `to_room` refuses a value whose room the earlier
/// variant would take, so no value turns into another on the way back.
#[derive(RoomResource, Debug, Clone, PartialEq, Eq)]
enum DocRoom {
    #[room(pattern = "doc-<name>")]
    Doc { name: DocName },
    #[room(pattern = "doc-<name>-history")]
    History { name: DocName },
}

#[test]
fn to_room_refuses_a_room_an_earlier_variant_takes() {
    let history = DocRoom::History {
        name: DocName("a".into()),
    };
    let error = history.to_room().expect_err("doc-a-history parses as Doc");
    assert!(
        matches!(
            &error,
            roomauth::pattern::FormatError::MatchesEarlierPattern { earlier, room, .. }
                if earlier == "doc-<name>" && room == "doc-a-history"
        ),
        "{error}"
    );
    assert_eq!(
        "doc-a-history".parse::<DocRoom>(),
        Ok(DocRoom::Doc {
            name: DocName("a-history".into())
        })
    );
    let doc = DocRoom::Doc {
        name: DocName("a-history".into()),
    };
    assert_eq!(doc.to_room().as_deref(), Ok("doc-a-history"));
    // As the rooms of a rule, the overlap is refused when the rules are built.
    #[room_auth(rooms = DocRoom)]
    fn docs(room: DocRoom) -> Option<String> {
        Some(format!("{room:?}"))
    }
    let rules: Vec<Box<dyn Rule<TestCx>>> = roomauth::rules![docs];
    let error = roomauth::rules::Rules::new(rules).expect_err("the variants overlap");
    assert!(
        error.to_string().contains("\"doc-x-history\" matches both"),
        "{error}"
    );
}
