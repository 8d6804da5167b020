//! The soak's slow provisioner: `roomauth-local`'s `/provision` contract
//! (the embedded local provisioner over HTTP), answering every request
//! after a fixed delay, like a remote Room Service would. Used by
//! `examples/soak/run.sh`; not a test.
//!
//!     cargo run --release --example soak -- [--addr 127.0.0.1:0] [--delay-ms 50]
//!
//! The API key is `ROOMSERVICE_API_KEY` (default `sk_localdev`). The first
//! line on stdout is `soak provisioner on http://<address>`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::Response;
use roomauth::room_service::{LocalProvisioner, SigningKey, SigningKeys, server};
use roomauth::secret::ApiKey;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut addr = "127.0.0.1:0".to_owned();
    let mut delay_ms: u64 = 50;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--addr" => addr = args.next().ok_or("--addr HOST:PORT")?,
            "--delay-ms" => {
                delay_ms = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .ok_or("--delay-ms MILLISECONDS")?
            }
            other => {
                return Err(format!(
                    "unknown argument `{other}`; usage: soak [--addr HOST:PORT] [--delay-ms N]"
                )
                .into());
            }
        }
    }
    let key = std::env::var("ROOMSERVICE_API_KEY").unwrap_or_else(|_| ApiKey::LOCAL_DEV.to_owned());
    let provisioner =
        LocalProvisioner::new(ApiKey::new(key), SigningKeys::new(SigningKey::generate()?));
    let delay = Duration::from_millis(delay_ms);
    let router = server::router(Arc::new(provisioner)).layer(middleware::from_fn(
        move |request: Request, next: Next| async move {
            tokio::time::sleep(delay).await;
            let response: Response = next.run(request).await;
            response
        },
    ));

    let listener = tokio::net::TcpListener::bind(addr.as_str()).await?;
    let local: SocketAddr = listener.local_addr()?;
    println!("soak provisioner on http://{local} (answers after {delay_ms} ms)");
    axum::serve(listener, router)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
