//! Who is logged in at this window. The webview holds only an opaque random token; the
//! session (user, name, role) stays here and cannot be forged or widened from the UI.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use cardcat_counter::Session;

/// A session unused for this long needs the PIN again.
pub const IDLE: Duration = Duration::from_secs(8 * 3600);
/// At most this many sessions at once (a counter has a few people, not thousands).
const MAX: usize = 64;

#[derive(Default)]
pub struct Sessions {
    map: Mutex<HashMap<String, (Session, Instant)>>,
}

impl Sessions {
    pub fn insert(&self, s: Session) -> String {
        let token = uuid::Uuid::new_v4().simple().to_string();
        let mut m = self.map.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        m.retain(|_, (_, t)| now.duration_since(*t) < IDLE);
        if m.len() >= MAX
            && let Some(oldest) = m
                .iter()
                .min_by_key(|(_, (_, t))| *t)
                .map(|(k, _)| k.clone())
        {
            m.remove(&oldest);
        }
        m.insert(token.clone(), (s, now));
        token
    }

    /// The session of `token`, if it is live (and marks it used).
    pub fn get(&self, token: &str) -> Option<Session> {
        let mut m = self.map.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        match m.get_mut(token) {
            Some((s, t)) if now.duration_since(*t) < IDLE => {
                *t = now;
                Some(s.clone())
            }
            Some(_) => {
                m.remove(token);
                None
            }
            None => None,
        }
    }

    pub fn remove(&self, token: &str) {
        self.map
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(token);
    }
}
