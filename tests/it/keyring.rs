//! The terminal secret in the real OS keyring (the backend `CARDCAT_KEYRING` selects;
//! `./x test` runs these inside a private D-Bus session with gnome-keyring unlocked).

use cardcat_client::secrets;

#[test]
fn os_keyring_roundtrip() {
    let store = secrets::from_env();
    assert_ne!(
        store.backend(),
        "memory",
        "this test is about the OS keyring; run it via ./x test"
    );
    store
        .probe()
        .unwrap_or_else(|e| panic!("OS keyring unavailable ({e}); run the tests via ./x test"));
    let acct = format!("it-{}", uuid::Uuid::now_v7());
    assert_eq!(store.get(&acct).unwrap(), None);
    store.set(&acct, "00ff").unwrap();
    assert_eq!(store.get(&acct).unwrap().as_deref(), Some("00ff"));
    store.set(&acct, "11ee").unwrap();
    assert_eq!(
        store.get(&acct).unwrap().as_deref(),
        Some("11ee"),
        "overwrite"
    );
    store.delete(&acct).unwrap();
    assert_eq!(store.get(&acct).unwrap(), None);
}
