//! Languages and localised messages. zh-CN is the default everywhere.
//!
//! Every user-facing text lives in one Fluent catalog:
//! `crates/core/locales/<lang>/core.ftl` (messages of the library crates) and
//! `crates/core/locales/<lang>/app.ftl` (counter / CLI texts). Code refers to a
//! message by its stable dotted key (`"order.duplicate"`); the Fluent id is the
//! same key with `.` replaced by `-` (`order-duplicate`).

use std::collections::HashMap;
use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use serde::{Deserialize, Serialize};
use unic_langid::LanguageIdentifier;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
}

impl Lang {
    /// Parses a locale tag such as `zh-CN`, `zh_CN.UTF-8`, `en`, `en-US`.
    /// Anything unrecognised falls back to zh-CN.
    pub fn from_tag(tag: &str) -> Lang {
        let t = tag.trim().to_ascii_lowercase();
        if t.starts_with("en") {
            Lang::En
        } else {
            Lang::ZhCn
        }
    }

    /// Every supported language, default first.
    pub const ALL: [Lang; 2] = [Lang::ZhCn, Lang::En];

    /// The BCP-47 tag of the language (`zh-CN`, `en`), also the folder name under `locales/`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }
}

/// A named argument value for a message.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Str(String),
    Int(i64),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Str(s.to_owned())
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Str(s)
    }
}

impl From<&String> for Arg {
    fn from(s: &String) -> Arg {
        Arg::Str(s.clone())
    }
}

impl From<i64> for Arg {
    fn from(n: i64) -> Arg {
        Arg::Int(n)
    }
}

impl From<i32> for Arg {
    fn from(n: i32) -> Arg {
        Arg::Int(i64::from(n))
    }
}

impl From<u8> for Arg {
    fn from(n: u8) -> Arg {
        Arg::Int(i64::from(n))
    }
}

impl From<u16> for Arg {
    fn from(n: u16) -> Arg {
        Arg::Int(i64::from(n))
    }
}

impl From<i16> for Arg {
    fn from(n: i16) -> Arg {
        Arg::Int(i64::from(n))
    }
}

impl From<u32> for Arg {
    fn from(n: u32) -> Arg {
        Arg::Int(i64::from(n))
    }
}

impl From<u64> for Arg {
    fn from(n: u64) -> Arg {
        Arg::Int(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

impl From<usize> for Arg {
    fn from(n: usize) -> Arg {
        Arg::Int(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

/// Money is passed as its plain decimal string (`"50.00"`); the message adds the ¥ sign.
impl From<crate::Money> for Arg {
    fn from(m: crate::Money) -> Arg {
        Arg::Str(m.to_string())
    }
}

impl From<&crate::Money> for Arg {
    fn from(m: &crate::Money) -> Arg {
        Arg::Str(m.to_string())
    }
}

/// Named message arguments, as returned by [`Localized::args`].
pub type Args = Vec<(&'static str, Arg)>;

/// An error or message that can be shown to a cashier in either language,
/// with a stable machine-readable code the UI can switch on.
pub trait Localized {
    /// Stable dotted code, also the catalog key of the message (`"order.duplicate"`).
    fn code(&self) -> &'static str;
    /// Named arguments of the message (nested errors pass their own already-localised
    /// message as a Str).
    fn args(&self, _lang: Lang) -> Args {
        Vec::new()
    }
    fn message(&self, lang: Lang) -> String {
        tr(lang, self.code(), &self.args(lang))
    }
}

static SOURCES: [(Lang, &str, &str); 6] = [
    (
        Lang::ZhCn,
        "core.ftl",
        include_str!("../locales/zh-CN/core.ftl"),
    ),
    (
        Lang::ZhCn,
        "app.ftl",
        include_str!("../locales/zh-CN/app.ftl"),
    ),
    (
        Lang::ZhCn,
        "ui.ftl",
        include_str!("../locales/zh-CN/ui.ftl"),
    ),
    (Lang::En, "core.ftl", include_str!("../locales/en/core.ftl")),
    (Lang::En, "app.ftl", include_str!("../locales/en/app.ftl")),
    (Lang::En, "ui.ftl", include_str!("../locales/en/ui.ftl")),
];

/// The raw .ftl sources, for exporting to the UI and for tests: `[(lang, file name, source)]`.
pub fn sources() -> &'static [(Lang, &'static str, &'static str)] {
    &SOURCES
}

struct Catalog {
    zh: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
    /// Messages without arguments, rendered once (for `&'static str` labels).
    zh_plain: HashMap<String, String>,
    en_plain: HashMap<String, String>,
}

impl Catalog {
    fn bundle(&self, lang: Lang) -> &FluentBundle<FluentResource> {
        match lang {
            Lang::ZhCn => &self.zh,
            Lang::En => &self.en,
        }
    }
    fn plain(&self, lang: Lang) -> &HashMap<String, String> {
        match lang {
            Lang::ZhCn => &self.zh_plain,
            Lang::En => &self.en_plain,
        }
    }
}

/// Renders every message that needs no argument.
fn plain_messages(lang: Lang, bundle: &FluentBundle<FluentResource>) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for id in keys(lang) {
        let Some(pattern) = bundle.get_message(&id).and_then(|m| m.value()) else {
            continue;
        };
        let mut errs = Vec::new();
        let text = bundle.format_pattern(pattern, None, &mut errs);
        if errs.is_empty() {
            out.insert(id, text.into_owned());
        }
    }
    out
}

fn build(lang: Lang) -> FluentBundle<FluentResource> {
    let id: LanguageIdentifier = lang.tag().parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    bundle.set_use_isolating(false);
    for &(l, _, src) in SOURCES.iter() {
        if l != lang {
            continue;
        }
        // Never panic at runtime: a syntax error drops only the broken entries
        // (a unit test keeps the files error-free).
        let res = match FluentResource::try_new(src.to_owned()) {
            Ok(r) => r,
            Err((r, _errors)) => r,
        };
        // Duplicate ids keep the first definition; the test suite rejects duplicates.
        let _ = bundle.add_resource(res);
    }
    bundle
}

static CATALOG: LazyLock<Catalog> = LazyLock::new(|| {
    let zh = build(Lang::ZhCn);
    let en = build(Lang::En);
    Catalog {
        zh_plain: plain_messages(Lang::ZhCn, &zh),
        en_plain: plain_messages(Lang::En, &en),
        zh,
        en,
    }
});

/// The Fluent message id of a dotted key: `order.duplicate` → `order-duplicate`.
pub fn ftl_id(key: &str) -> String {
    key.replace('.', "-")
}

fn to_value(a: &Arg) -> FluentValue<'_> {
    match a {
        Arg::Str(s) => FluentValue::from(s.as_str()),
        // Numbers stay numbers (so plural selectors work); fluent formats them
        // with `f64::to_string`, i.e. plain digits without grouping separators.
        Arg::Int(n) => FluentValue::from(*n),
    }
}

/// Renders `key` in `lang`, collecting Fluent resolver errors (missing variables, ...).
fn render(lang: Lang, key: &str, args: &[(&str, Arg)], errors: &mut Vec<String>) -> String {
    let bundle = CATALOG.bundle(lang);
    let id = ftl_id(key);
    let Some(pattern) = bundle.get_message(&id).and_then(|m| m.value()) else {
        errors.push(format!("missing message {id}"));
        return key.to_owned();
    };
    let mut fargs = FluentArgs::with_capacity(args.len());
    for (name, value) in args {
        fargs.set(*name, to_value(value));
    }
    let mut errs = Vec::new();
    let out = bundle.format_pattern(
        pattern,
        if args.is_empty() { None } else { Some(&fargs) },
        &mut errs,
    );
    errors.extend(errs.into_iter().map(|e| e.to_string()));
    out.into_owned()
}

/// The text of `key` in `lang`, with named arguments. Keys are the stable dotted codes such
/// as `"order.duplicate"`; in the .ftl files the id is the same with '.' replaced by '-'
/// (`order-duplicate`); both spellings are accepted. A missing key yields the key itself
/// (and a test makes sure none is missing).
pub fn tr(lang: Lang, key: &str, args: &[(&str, Arg)]) -> String {
    if args.is_empty()
        && let Some(s) = CATALOG.plain(lang).get(&ftl_id(key))
    {
        return s.clone();
    }
    render(lang, key, args, &mut Vec::new())
}

/// The text of an argument-free message as a `&'static str` (messages without arguments
/// are rendered once). A missing key, or a message that needs arguments, yields the key.
pub fn tr_static(lang: Lang, key: &'static str) -> &'static str {
    match CATALOG.plain(lang).get(&ftl_id(key)) {
        Some(s) => s.as_str(),
        None => key,
    }
}

/// Whether `key` (dotted or Fluent id) has a message in `lang`.
pub fn has(lang: Lang, key: &str) -> bool {
    CATALOG
        .bundle(lang)
        .get_message(&ftl_id(key))
        .is_some_and(|m| m.value().is_some())
}

/// The audit log's actions this program writes (`order.create`, …), each with a name for
/// people in the catalog (`audit.act_order_create`).
pub const AUDIT_ACTIONS: [&str; 22] = [
    "commission.reconcile",
    "order.create",
    "order.duplicate_override",
    "order.handed_over",
    "order.rejected",
    "order.repeat_confirmed",
    "order.set_aside",
    "pin.reveal",
    "pin.shown",
    "redeem.cancel",
    "redeem.verify",
    "settings.change",
    "shift.close",
    "shift.open",
    "store.restore",
    "user.add",
    "user.disable",
    "user.enable",
    "user.locked",
    "user.reset_pin",
    "user.unlock",
    "user.wrong_pin",
];

/// An audit action's name for people; an action this catalog does not know (written by a
/// newer program) shows as its code.
pub fn audit_action_label(lang: Lang, action: &str) -> String {
    let key = format!("audit.act_{}", action.replace('.', "_"));
    if has(lang, &key) {
        tr(lang, &key, &[])
    } else {
        action.to_string()
    }
}

/// Every message id defined for `lang`, as written in the .ftl files (`order-duplicate`),
/// sorted. [`tr`] accepts these ids as well as the dotted keys.
pub fn keys(lang: Lang) -> Vec<String> {
    let mut out = Vec::new();
    for &(l, _, src) in SOURCES.iter() {
        if l != lang {
            continue;
        }
        let res = match FluentResource::try_new(src.to_owned()) {
            Ok(r) => r,
            Err((r, _)) => r,
        };
        for entry in res.entries() {
            if let fluent_syntax::ast::Entry::Message(m) = entry {
                out.push(m.id.name.to_owned());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Translates with named arguments.
///
/// `t!(lang, "shift.opened")` or `t!(lang, "catalog.info", n = 5, version = v)`.
#[macro_export]
macro_rules! t {
    ($lang:expr, $key:expr $(,)?) => {
        $crate::i18n::tr($lang, $key, &[])
    };
    ($lang:expr, $key:expr, $($name:ident = $val:expr),+ $(,)?) => {
        $crate::i18n::tr(
            $lang,
            $key,
            &[$((stringify!($name), $crate::i18n::Arg::from($val))),+],
        )
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use fluent_syntax::ast;
    use std::collections::{BTreeMap, BTreeSet};

    /// Latin tokens a Chinese cashier sees on screen as product or tech names. Anything else
    /// with three or more ASCII letters in a zh-CN message is an untranslated English word.
    /// (QQ, X/Z in "X 报表" and GB18030 have fewer than three letters in a row.)
    const ZH_LATIN_ALLOWED: &[&str] = &[
        "SKU", // the catalog's item code, printed on shelf labels
        "USB", // printer cable
        "ESC", "POS",  // ESC/POS, the receipt printer command set named on printer boxes
        "VIP",  // video memberships are sold as "VIP 会员"
        "Ctrl", // the key as labelled on the keyboard ("按 Ctrl-C 结束")
        "Enter", "Esc", // keys as labelled on the keyboard, in the counter's key hints
        "UTF", // "UTF-8", the encoding as a text editor's save dialog names it
    ];

    fn parsed(lang: Lang) -> Vec<FluentResource> {
        SOURCES
            .iter()
            .filter(|(l, _, _)| *l == lang)
            .map(|(_, name, src)| {
                FluentResource::try_new(src.to_string())
                    .unwrap_or_else(|(_, e)| panic!("{lang:?} {name}: {e:?}"))
            })
            .collect()
    }

    /// Per message: the variables it references, and for selectors the variant keys.
    #[derive(Default)]
    struct Vars {
        names: BTreeSet<String>,
        selectors: BTreeMap<String, Vec<String>>,
        texts: Vec<String>,
    }

    fn walk_pattern(p: &ast::Pattern<&str>, v: &mut Vars) {
        for el in &p.elements {
            match el {
                ast::PatternElement::TextElement { value } => v.texts.push(value.to_string()),
                ast::PatternElement::Placeable { expression } => walk_expr(expression, v),
            }
        }
    }

    fn walk_expr(e: &ast::Expression<&str>, v: &mut Vars) {
        match e {
            ast::Expression::Inline(i) => walk_inline(i, v),
            ast::Expression::Select { selector, variants } => {
                walk_inline(selector, v);
                if let ast::InlineExpression::VariableReference { id } = selector {
                    let keys = variants.iter().map(|var| match &var.key {
                        ast::VariantKey::Identifier { name } => name.to_string(),
                        ast::VariantKey::NumberLiteral { value } => value.to_string(),
                    });
                    v.selectors
                        .entry(id.name.to_string())
                        .or_default()
                        .extend(keys);
                }
                for var in variants {
                    walk_pattern(&var.value, v);
                }
            }
        }
    }

    fn walk_inline(i: &ast::InlineExpression<&str>, v: &mut Vars) {
        match i {
            ast::InlineExpression::VariableReference { id } => {
                v.names.insert(id.name.to_string());
            }
            ast::InlineExpression::StringLiteral { value } => v.texts.push(value.to_string()),
            ast::InlineExpression::Placeable { expression } => walk_expr(expression, v),
            ast::InlineExpression::FunctionReference { arguments, .. } => {
                for a in &arguments.positional {
                    walk_inline(a, v);
                }
                for a in &arguments.named {
                    walk_inline(&a.value, v);
                }
            }
            ast::InlineExpression::TermReference {
                arguments: Some(arguments),
                ..
            } => {
                for a in &arguments.positional {
                    walk_inline(a, v);
                }
            }
            _ => {}
        }
    }

    fn messages(lang: Lang) -> BTreeMap<String, Vars> {
        let mut out = BTreeMap::new();
        for res in parsed(lang) {
            for entry in res.entries() {
                if let ast::Entry::Message(m) = entry {
                    let mut v = Vars::default();
                    let value = m
                        .value
                        .as_ref()
                        .unwrap_or_else(|| panic!("{lang:?} {} has no value", m.id.name));
                    walk_pattern(value, &mut v);
                    for a in &m.attributes {
                        walk_pattern(&a.value, &mut v);
                    }
                    out.insert(m.id.name.to_string(), v);
                }
            }
        }
        out
    }

    /// Every rendering of every message: dummy args, plus each selector variant once.
    fn renderings(lang: Lang) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (id, vars) in messages(lang) {
            let base: Vec<(&str, Arg)> = vars
                .names
                .iter()
                .map(|n| (n.as_str(), Arg::Int(7)))
                .collect();
            let mut runs = vec![base.clone()];
            for (sel, keys) in &vars.selectors {
                for k in keys {
                    let value = k.parse::<i64>().map_or(Arg::Str(k.clone()), Arg::Int);
                    let mut args = base.clone();
                    for a in &mut args {
                        if a.0 == sel {
                            a.1 = value.clone();
                        }
                    }
                    runs.push(args);
                }
            }
            for args in runs {
                let mut errors = Vec::new();
                let text = render(lang, &id, &args, &mut errors);
                assert!(errors.is_empty(), "{lang:?} {id}: {errors:?}");
                assert!(!text.trim().is_empty(), "{lang:?} {id} is empty");
                out.push((id.clone(), text));
            }
        }
        out
    }

    /// The message's own words: every text piece of every variant, and what it renders to.
    fn all_texts(lang: Lang) -> Vec<(String, String)> {
        let mut out = renderings(lang);
        for (id, vars) in messages(lang) {
            out.extend(vars.texts.into_iter().map(|t| (id.clone(), t)));
        }
        out
    }

    fn is_cjk(c: char) -> bool {
        matches!(c,
            '\u{2e80}'..='\u{2fdf}' | '\u{3000}'..='\u{303f}' | '\u{3040}'..='\u{30ff}'
            | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}'
            | '\u{fe30}'..='\u{fe4f}' | '\u{ff00}'..='\u{ffef}')
    }

    fn latin_words(s: &str) -> Vec<String> {
        let mut words = Vec::new();
        let mut cur = String::new();
        for c in s.chars().chain(std::iter::once(' ')) {
            if c.is_ascii_alphabetic() {
                cur.push(c);
            } else {
                if cur.len() >= 3 {
                    words.push(cur.clone());
                }
                cur.clear();
            }
        }
        words
    }

    #[test]
    fn every_resource_parses_and_no_id_is_defined_twice() {
        for &(lang, name, src) in sources() {
            if let Err((_, errors)) = FluentResource::try_new(src.to_owned()) {
                panic!("{lang:?} {name}: {errors:?}");
            }
        }
        for lang in Lang::ALL {
            let mut bundle = FluentBundle::new_concurrent(vec![]);
            for res in parsed(lang) {
                if let Err(e) = bundle.add_resource(res) {
                    panic!("{lang:?}: {e:?}");
                }
            }
        }
        assert_eq!(sources().len(), 6);
        assert!(
            sources()
                .iter()
                .any(|(l, n, _)| *l == Lang::ZhCn && *n == "app.ftl")
        );
    }

    #[test]
    fn both_languages_define_the_same_keys() {
        let zh = keys(Lang::ZhCn);
        let en = keys(Lang::En);
        let only_zh: Vec<_> = zh.iter().filter(|k| !en.contains(k)).collect();
        let only_en: Vec<_> = en.iter().filter(|k| !zh.contains(k)).collect();
        assert!(
            only_zh.is_empty() && only_en.is_empty(),
            "only in zh-CN: {only_zh:?}; only in en: {only_en:?}"
        );
        assert!(zh.len() > 100, "{}", zh.len());
        for k in &zh {
            assert!(has(Lang::ZhCn, k) && has(Lang::En, k), "{k}");
        }
    }

    #[test]
    fn messages_use_the_same_variables_in_both_languages() {
        let zh = messages(Lang::ZhCn);
        let en = messages(Lang::En);
        for (id, v) in &zh {
            let Some(e) = en.get(id) else { continue };
            let (zs, es): (BTreeSet<_>, BTreeSet<_>) =
                (v.selectors.keys().collect(), e.selectors.keys().collect());
            // zh may leave out English-only technical details, but never needs a variable
            // that the English text does not get too.
            let extra: Vec<_> = v.names.difference(&e.names).collect();
            assert!(
                extra.is_empty(),
                "{id}: zh-CN uses {extra:?} that en does not"
            );
            for s in zs.intersection(&es) {
                let a: BTreeSet<_> = v.selectors[*s].iter().collect();
                let b: BTreeSet<_> = e.selectors[*s].iter().collect();
                // plural categories differ by language; identifier keys must match
                let ids = |x: &BTreeSet<&String>| -> BTreeSet<String> {
                    x.iter()
                        .filter(|k| {
                            !["zero", "one", "two", "few", "many", "other"].contains(&k.as_str())
                        })
                        .map(|k| k.to_string())
                        .collect()
                };
                assert_eq!(ids(&a), ids(&b), "{id}: variants of ${s}");
            }
        }
    }

    #[test]
    fn every_message_renders_in_both_languages() {
        for lang in Lang::ALL {
            let r = renderings(lang);
            assert!(!r.is_empty());
            for (id, text) in r {
                assert!(
                    !text.contains('\u{2068}') && !text.contains('\u{2069}'),
                    "{id}"
                );
                assert!(
                    !text.contains("{$") && !text.contains("{ $"),
                    "{id}: {text}"
                );
            }
        }
    }

    #[test]
    fn zh_cn_has_no_english_words() {
        let mut bad = Vec::new();
        for (id, text) in all_texts(Lang::ZhCn) {
            for w in latin_words(&text) {
                if !ZH_LATIN_ALLOWED.contains(&w.as_str()) {
                    bad.push(format!("{id}: {w:?} in {text:?}"));
                }
            }
        }
        assert!(bad.is_empty(), "{bad:#?}");
    }

    #[test]
    fn english_has_no_cjk() {
        let bad: Vec<_> = all_texts(Lang::En)
            .into_iter()
            .filter(|(_, t)| t.chars().any(is_cjk))
            .collect();
        assert!(bad.is_empty(), "{bad:#?}");
    }

    /// Top-level words of the `cardcat` command line (and the usual verbs), which a message
    /// must never ask a cashier to type ("请运行 cardcat activate").
    const COMMAND_WORDS: &[&str] = &[
        "activate",
        "catalog",
        "doctor",
        "sell",
        "sync",
        "search",
        "info",
        "printer",
        "order",
        "orders",
        "shift",
        "user",
        "users",
        "report",
        "reconcile",
        "redeem",
        "voucher",
        "demo",
        "serve",
        "login",
        "setup",
        "config",
        "init",
        "help",
        "run",
        "open",
        "close",
        "pending",
        "resume",
        "reprint",
        "show",
        "test",
        "find",
        "set",
        "status",
        "add",
        "list",
    ];

    #[test]
    fn no_message_tells_people_to_type_a_command() {
        for lang in Lang::ALL {
            for (id, text) in all_texts(lang) {
                let lower = text.to_lowercase();
                for (i, _) in lower.match_indices("cardcat ") {
                    let word: String = lower[i + "cardcat ".len()..]
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                        .collect();
                    assert!(
                        !word.starts_with('-') && !COMMAND_WORDS.contains(&word.as_str()),
                        "{lang:?} {id}: {text}"
                    );
                }
                assert!(
                    !lower.contains("run cardcat") && !lower.contains("运行 cardcat"),
                    "{lang:?} {id}: {text}"
                );
                assert!(!lower.contains("keyctl"), "{lang:?} {id}: {text}");
            }
        }
    }

    #[test]
    fn api_and_macro() {
        assert_eq!(t!(Lang::En, "no.such.key"), "no.such.key");
        assert_eq!(tr(Lang::ZhCn, "no.such.key", &[]), "no.such.key");
        assert_eq!(tr_static(Lang::En, "no.such.key"), "no.such.key");
        for a in AUDIT_ACTIONS {
            for l in [Lang::ZhCn, Lang::En] {
                assert_ne!(audit_action_label(l, a), a, "{a} has no name in {l:?}");
            }
        }
        assert_eq!(
            audit_action_label(Lang::ZhCn, "future.thing"),
            "future.thing"
        );
        assert_eq!(t!(Lang::ZhCn, "payment.cash"), "现金");
        assert_eq!(t!(Lang::En, "payment-cash"), "Cash");
        assert_eq!(tr_static(Lang::En, "payment.wechat"), "WeChat Pay");
        // a message with arguments is not a static one
        assert_eq!(
            tr_static(Lang::En, "phone.wrong_length"),
            "phone.wrong_length"
        );
        // integers: plain digits, no grouping, no isolation marks
        assert_eq!(
            t!(Lang::En, "phone.wrong_length", n = 1234567),
            "A mobile number has 11 digits, this has 1234567"
        );
        assert_eq!(
            t!(Lang::ZhCn, "phone.wrong_length", n = 10usize),
            "手机号应为11位，当前为10位"
        );
        let zone = String::from("火星区");
        assert_eq!(
            t!(Lang::ZhCn, "account.unknown_zone", zone = &zone),
            "没有这个区服：火星区"
        );
        assert_eq!(
            t!(
                Lang::En,
                "money.not_a_number",
                input = crate::Money::from_yuan(50),
            ),
            "Not a valid amount: 50.00"
        );
        // English plural selection works on Int
        assert!(t!(Lang::En, "auth.locked", minutes = 1).contains("1 more minute."));
        assert!(t!(Lang::En, "auth.locked", minutes = 5).contains("5 more minutes."));
        // string selectors
        assert_eq!(
            t!(Lang::ZhCn, "order.quote", reason = "quantity"),
            "数量应为1到99"
        );
        assert_eq!(Arg::from(7usize), Arg::Int(7));
        assert_eq!(Arg::from(u64::MAX), Arg::Int(i64::MAX));
        assert_eq!(Arg::from(-3i32), Arg::Int(-3));
        assert_eq!(Arg::from("x"), Arg::Str("x".into()));
        assert_eq!(
            Arg::from(crate::Money::from_fen(5)),
            Arg::Str("0.05".into())
        );
        assert!(keys(Lang::ZhCn).contains(&"order-duplicate".to_string()));
    }

    #[test]
    fn localized_default_message_uses_the_catalog() {
        struct E(usize);
        impl Localized for E {
            fn code(&self) -> &'static str {
                "phone.wrong_length"
            }
            fn args(&self, _lang: Lang) -> Args {
                vec![("n", Arg::from(self.0))]
            }
        }
        assert_eq!(E(10).message(Lang::ZhCn), "手机号应为11位，当前为10位");
        assert_eq!(
            E(12).message(Lang::En),
            "A mobile number has 11 digits, this has 12"
        );
    }
}
