//! Network chaos: dropped responses, 5xx and latency spikes injected by the sandbox.
//! Every order converges to the platform's state, none is failed automatically, none is
//! fulfilled twice.

use std::time::Duration;

use cardcat_core::OrderState;
use cardcat_tests::Counter;
use cardcat_wire::ChaosConfig;

const MIX: [&str; 6] = ["000", "000", "401", "601", "101", "000"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_converge_under_drops_5xx_and_latency_spikes() {
    let mut c = Counter::start_with_timeout(
        |cfg| {
            cfg.slow_secs = 1;
            cfg.reverse_after_secs = 1;
        },
        Duration::from_millis(800),
    )
    .await;
    let mut keys = Vec::new();
    let mut refused = 0;
    // phase 1: a third of signed requests answer 503, a quarter of order answers are dropped after commit
    c.env
        .set_chaos(&ChaosConfig {
            drop_permille: 250,
            error_permille: 300,
            ..Default::default()
        })
        .await;
    for i in 0..40 {
        let acct = format!("133{:05}{}", i, MIX[i % MIX.len()]);
        match c.sell("CM-HF-20", &acct).await {
            Ok(r) => {
                assert_ne!(
                    r.state,
                    OrderState::Failed,
                    "{acct}: chaos must never fail an order"
                );
                keys.push(r.client_key);
            }
            Err(cardcat_engine::EngineError::Offline(_)) => refused += 1,
            Err(e) => panic!("{acct}: {e:?}"),
        }
    }
    // phase 2: latency spikes longer than the client's time limit
    c.env
        .set_chaos(&ChaosConfig {
            latency_ms: 1200,
            ..Default::default()
        })
        .await;
    for i in 40..50 {
        let acct = format!("133{:05}000", i);
        let r = c.sell("CM-HF-20", &acct).await.unwrap();
        assert_eq!(r.state, OrderState::Unknown, "a timeout is UNKNOWN");
        keys.push(r.client_key);
    }
    let r = c.engine.resume(true).await.unwrap();
    assert!(
        r.still_open >= 10,
        "nothing resolves while every answer is late"
    );
    // calm again: everything converges
    c.env.set_chaos(&ChaosConfig::default()).await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    c.settle(30).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    c.settle(10).await;

    let snap = cardcat_sandbox::orders_snapshot(&c.env.sandbox_db, 1, 1).unwrap();
    let (mut dup, mut lost, mut mism, mut unknown_seen) = (0, 0, 0, 0);
    let s = c.cashier.clone();
    for k in &keys {
        let local = c.engine.show(&s, &k.to_string(), false).unwrap();
        match snap.iter().find(|(pk, ..)| pk == k) {
            None => lost += 1,
            Some((_, remote, n)) => {
                dup += n.saturating_sub(1);
                if OrderState::from(*remote) != local.state {
                    mism += 1;
                }
            }
        }
        assert!(local.state.is_final(), "{k} still {:?}", local.state);
        assert_ne!(local.state, OrderState::Failed, "nothing in this mix fails");
        let went_unknown: i64 = c
            .engine
            .store()
            .conn()
            .query_row(
                "SELECT count(*) FROM order_events WHERE client_key = ?1 AND event = 'no_answer'",
                [k.to_string()],
                |r| r.get(0),
            )
            .unwrap();
        unknown_seen += i64::from(went_unknown > 0);
    }
    println!(
        "chaos: orders={} refused_up_front={refused} went_unknown={unknown_seen} duplicates={dup} lost={lost} mismatches={mism}",
        keys.len()
    );
    assert!(unknown_seen >= 15, "the chaos really hit: {unknown_seen}");
    assert_eq!((dup, lost, mism), (0, 0, 0));
}
