//! The first-start data: the default store, realistic Chinese virtual goods, plus
//! deterministic generated SKUs for load tests, plus the documented test vouchers.
//! Works on a migrated connection handed in by the `db` module.

use cardcat_core::{AccountTemplate, Category, Money, Product, ProductKind};
use rusqlite::{Connection, TransactionBehavior, params};

use crate::aliases::aliases_for;
use crate::clock::now_ms;

/// The store every fresh database has, and the default for pairing codes.
pub const DEFAULT_STORE_ID: &str = "S001";
pub const DEFAULT_STORE_NAME: &str = "CardCat 演示便利店（福田店）";

/// Most generated SKUs a database will hold.
pub const MAX_EXTRA_SKUS: u32 = 100_000;

/// Creates a store row if it does not exist yet.
pub(crate) fn ensure_store(conn: &Connection, store_id: &str) -> rusqlite::Result<()> {
    let name = if store_id == DEFAULT_STORE_ID {
        DEFAULT_STORE_NAME.to_string()
    } else {
        format!("CardCat 门店 {store_id}")
    };
    conn.execute(
        "INSERT OR IGNORE INTO stores (id, name, created_at_ms) VALUES (?1, ?2, ?3)",
        params![store_id, name, now_ms()],
    )?;
    Ok(())
}

/// FNV-1a, for stable per-SKU pricing variation.
fn fnv(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

pub(crate) fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// A 13-digit GTIN from its first 12 digits, with the GS1 check digit.
pub fn gtin13(body12: &str) -> String {
    let sum: u32 = body12
        .bytes()
        .enumerate()
        .map(|(i, b)| u32::from(b.wrapping_sub(b'0')) * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    format!("{body12}{}", (10 - sum % 10) % 10)
}

/// True when `code` is 13 digits with a correct GS1 check digit.
pub fn gtin13_valid(code: &str) -> bool {
    code.len() == 13 && code.bytes().all(|b| b.is_ascii_digit()) && gtin13(&code[..12]) == code
}

fn yuan(fen: i64) -> Money {
    Money::from_fen(fen)
}

/// Cost as a share of `base_fen` in basis points between `lo_bp` and `hi_bp`, stable per SKU.
fn cost_bp(sku: &str, base_fen: i64, lo_bp: i64, hi_bp: i64) -> i64 {
    let span = u64::try_from(hi_bp - lo_bp + 1).unwrap_or(1).max(1);
    let bp = lo_bp + i64::try_from(fnv(sku) % span).unwrap_or(0);
    (base_fen * bp / 10_000).max(1)
}

pub fn categories() -> Vec<Category> {
    let c = |id: &str, name: &str, parent: Option<&str>, sort: i64| Category {
        id: id.into(),
        name: name.into(),
        parent: parent.map(Into::into),
        sort,
    };
    vec![
        c("mobile", "话费充值", None, 10),
        c("data", "流量包", None, 20),
        c("game", "游戏点卡", None, 30),
        c("qq", "腾讯QQ", Some("game"), 31),
        c("video", "视频会员", None, 40),
        c("music", "音乐会员", None, 50),
        c("ecard", "电商卡券", None, 60),
        c("food", "餐饮券", None, 70),
        c("coffee", "咖啡", Some("food"), 71),
        c("tea", "茶饮", Some("food"), 72),
        c("local", "本地生活/旅游", None, 80),
        c("bundle", "组合套餐", None, 90),
    ]
}

fn game_zones() -> AccountTemplate {
    AccountTemplate::GameAccount {
        zones: vec!["电信一区".into(), "网通一区".into(), "双线区".into()],
    }
}

struct Builder {
    out: Vec<Product>,
    barcode_seq: u64,
}

impl Builder {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        sku: String,
        name: String,
        brand: &str,
        category: &str,
        kind: ProductKind,
        face_fen: i64,
        retail_fen: i64,
        cost_fen: i64,
        barcode: bool,
        template: AccountTemplate,
    ) {
        let barcode = barcode.then(|| {
            self.barcode_seq += 1;
            gtin13(&format!("6901{:08}", 20_240_000 + self.barcode_seq))
        });
        let cost_fen = cost_fen.min(retail_fen);
        let aliases = aliases_for(brand, &name);
        self.out.push(Product {
            sku,
            name,
            brand: brand.into(),
            category: category.into(),
            kind,
            face_value: yuan(face_fen),
            retail_price: yuan(retail_fen),
            cost: yuan(cost_fen),
            barcode,
            template,
            available: true,
            version: 1,
            aliases,
        });
    }
}

/// The base catalog (about 190 SKUs), all at version 1.
pub fn base_products() -> Vec<Product> {
    let mut b = Builder {
        out: Vec::with_capacity(256),
        barcode_seq: 0,
    };
    let carriers = [("CM", "中国移动"), ("CU", "中国联通"), ("CT", "中国电信")];

    // 话费
    for (code, carrier) in carriers {
        for face in [10, 20, 30, 50, 100, 200, 300, 500] {
            let sku = format!("{code}-HF-{face}");
            let cost = cost_bp(&sku, face * 100, 9850, 9960);
            b.push(
                sku,
                format!("{carrier}话费{face}元"),
                carrier,
                "mobile",
                ProductKind::MobileTopup,
                face * 100,
                face * 100,
                cost,
                false,
                AccountTemplate::Mobile,
            );
        }
    }
    // 流量包
    let packs7 = [(1, 5), (3, 10), (5, 15), (10, 25), (20, 40)];
    let packs30 = [(1, 10), (3, 20), (5, 30), (10, 50), (20, 80)];
    for (code, carrier) in carriers {
        for (days, packs) in [(7, packs7), (30, packs30)] {
            for (gb, price) in packs {
                let sku = format!("{code}-LL-{gb}G-{days}D");
                let cost = cost_bp(&sku, price * 100, 9300, 9700);
                b.push(
                    sku,
                    format!("{carrier}全国流量{gb}GB {days}天"),
                    carrier,
                    "data",
                    ProductKind::DataPack,
                    price * 100,
                    price * 100,
                    cost,
                    false,
                    AccountTemplate::Mobile,
                );
            }
        }
    }
    // Q币 and QQ memberships
    for face in [10, 30, 50, 100] {
        let sku = format!("QB-{face}");
        let cost = cost_bp(&sku, face * 100, 9700, 9850);
        b.push(
            sku,
            format!("Q币{face}元"),
            "腾讯",
            "qq",
            ProductKind::DirectTopup,
            face * 100,
            face * 100,
            cost,
            false,
            AccountTemplate::Qq,
        );
    }
    for (sku, name, price) in [
        ("QQVIP-M", "QQ会员月卡", 10),
        ("QQVIP-Q", "QQ会员季卡", 30),
        ("QQSVIP-M", "QQ超级会员月卡", 20),
        ("QQSVIP-Y", "QQ超级会员年卡", 240),
    ] {
        let cost = cost_bp(sku, price * 100, 9200, 9600);
        b.push(
            sku.into(),
            name.into(),
            "腾讯",
            "qq",
            ProductKind::DirectTopup,
            price * 100,
            price * 100,
            cost,
            false,
            AccountTemplate::Qq,
        );
    }
    // Game point cards (卡密) with barcodes
    let cards: [(&str, &str, &[i64]); 10] = [
        ("WY-YKT", "网易一卡通", &[15, 30, 50, 100]),
        ("JW-YKT", "骏网一卡通", &[10, 30, 50, 100]),
        ("SD-YKT", "盛大一卡通", &[10, 30, 50, 100]),
        ("WM-YKT", "完美一卡通", &[15, 30, 50, 100]),
        ("ZT-YKT", "征途一卡通", &[30, 50, 100]),
        ("SH-YKT", "搜狐一卡通", &[15, 30, 50]),
        ("TH-YKT", "天宏一卡通", &[10, 30, 50]),
        ("JY-YKT", "久游一卡通", &[10, 30, 50]),
        ("JR-YKT", "巨人一卡通", &[30, 50, 100]),
        ("JS-YKT", "金山一卡通", &[15, 30, 50, 100]),
    ];
    for (prefix, brand, faces) in cards {
        for &face in faces {
            let sku = format!("{prefix}-{face}");
            let cost = cost_bp(&sku, face * 100, 9550, 9800);
            b.push(
                sku,
                format!("{brand}{face}元"),
                brand,
                "game",
                ProductKind::PinCard,
                face * 100,
                face * 100,
                cost,
                true,
                AccountTemplate::None,
            );
        }
    }
    // Game direct top-ups (直充, account + zone)
    let direct: [(&str, &str, &str, &[i64]); 5] = [
        ("MHXY-ZC", "梦幻西游", "网易", &[15, 30, 50, 100]),
        ("DHXY-ZC", "大话西游2", "网易", &[30, 50, 100]),
        ("JX3-ZC", "剑网3通宝", "西山居", &[30, 50, 100]),
        ("CQSJ-ZC", "传奇世界元宝", "盛趣游戏", &[10, 50]),
        ("ZT2-ZC", "征途2点券", "巨人网络", &[50, 100]),
    ];
    for (prefix, game, brand, faces) in direct {
        for &face in faces {
            let sku = format!("{prefix}-{face}");
            let cost = cost_bp(&sku, face * 100, 9500, 9750);
            b.push(
                sku,
                format!("{game}直充{face}元"),
                brand,
                "game",
                ProductKind::DirectTopup,
                face * 100,
                face * 100,
                cost,
                false,
                game_zones(),
            );
        }
    }
    // Video memberships
    let video = [
        ("TX-VIP", "腾讯视频VIP", "腾讯视频", [30, 88, 258]),
        ("AQY-GOLD", "爱奇艺黄金会员", "爱奇艺", [30, 88, 258]),
        ("YK-VIP", "优酷VIP会员", "优酷", [30, 88, 258]),
        ("MG-VIP", "芒果TV会员", "芒果TV", [25, 68, 218]),
        ("BILI-DHY", "哔哩哔哩大会员(B站)", "哔哩哔哩", [25, 68, 168]),
    ];
    for (prefix, name, brand, prices) in video {
        for (period, (suffix, label)) in [("M", "月卡"), ("Q", "季卡"), ("Y", "年卡")]
            .into_iter()
            .enumerate()
        {
            let price = prices.get(period).copied().unwrap_or(30);
            let sku = format!("{prefix}-{suffix}");
            let cost = cost_bp(&sku, price * 100, 9100, 9600);
            b.push(
                sku,
                format!("{name}{label}"),
                brand,
                "video",
                ProductKind::DirectTopup,
                price * 100,
                price * 100,
                cost,
                false,
                AccountTemplate::MobileOrEmail,
            );
        }
    }
    // Music memberships
    for (prefix, name, brand, month, year) in [
        ("QQMUSIC-LZ", "QQ音乐绿钻豪华版", "QQ音乐", 18, 178),
        ("WYY-HJ", "网易云音乐黑胶VIP", "网易云音乐", 18, 158),
        ("KG-VIP", "酷狗音乐豪华VIP", "酷狗音乐", 15, 128),
    ] {
        for (suffix, label, price) in [("M", "月卡", month), ("Y", "年卡", year)] {
            let sku = format!("{prefix}-{suffix}");
            let cost = cost_bp(&sku, price * 100, 9100, 9600);
            b.push(
                sku,
                format!("{name}{label}"),
                brand,
                "music",
                ProductKind::DirectTopup,
                price * 100,
                price * 100,
                cost,
                false,
                AccountTemplate::MobileOrEmail,
            );
        }
    }
    // E-commerce cards (delivered as card number + PIN)
    let ecards: [(&str, &str, &str, &[i64]); 4] = [
        ("JD-ECARD", "京东E卡", "京东", &[50, 100, 200, 500]),
        ("TMCS", "天猫超市卡", "天猫", &[50, 100, 200]),
        ("WMT-GWK", "沃尔玛购物卡", "沃尔玛", &[100, 200]),
        ("HEMA-LPK", "盒马礼品卡", "盒马", &[100]),
    ];
    for (prefix, name, brand, faces) in ecards {
        for &face in faces {
            let sku = format!("{prefix}-{face}");
            let cost = cost_bp(&sku, face * 100, 9800, 9920);
            b.push(
                sku,
                format!("{name}{face}元"),
                brand,
                "ecard",
                ProductKind::Voucher,
                face * 100,
                face * 100,
                cost,
                true,
                AccountTemplate::None,
            );
        }
    }
    // Coffee and tea coupons: (sku, name, brand, category, face, retail, cost) in fen
    let food: [(&str, &str, &str, &str, i64, i64, i64); 14] = [
        (
            "SBK-LATTE-M",
            "星巴克中杯拿铁电子券",
            "星巴克",
            "coffee",
            3500,
            3300,
            3000,
        ),
        (
            "SBK-AMERICANO-L",
            "星巴克大杯美式咖啡券",
            "星巴克",
            "coffee",
            3300,
            3100,
            2800,
        ),
        (
            "SBK-XLK-50",
            "星巴克星礼卡50元",
            "星巴克",
            "coffee",
            5000,
            5000,
            4750,
        ),
        (
            "LK-SYNT",
            "瑞幸咖啡生椰拿铁券",
            "瑞幸咖啡",
            "coffee",
            2900,
            1290,
            1050,
        ),
        (
            "LK-DJQ-20",
            "瑞幸咖啡20元代金券",
            "瑞幸咖啡",
            "coffee",
            2000,
            1800,
            1500,
        ),
        (
            "COTTI-ANY",
            "库迪咖啡任意饮品券",
            "库迪咖啡",
            "coffee",
            2000,
            990,
            800,
        ),
        (
            "HEYTEA-DRPT",
            "喜茶多肉葡萄券",
            "喜茶",
            "tea",
            2800,
            2500,
            2200,
        ),
        (
            "HEYTEA-DJQ-30",
            "喜茶30元代金券",
            "喜茶",
            "tea",
            3000,
            2800,
            2500,
        ),
        (
            "NAYUKI-ZSCM",
            "奈雪的茶霸气芝士草莓券",
            "奈雪的茶",
            "tea",
            3200,
            2800,
            2500,
        ),
        (
            "NAYUKI-DJQ-30",
            "奈雪的茶30元代金券",
            "奈雪的茶",
            "tea",
            3000,
            2800,
            2550,
        ),
        (
            "MXBC-NMS",
            "蜜雪冰城柠檬水券",
            "蜜雪冰城",
            "tea",
            400,
            400,
            350,
        ),
        (
            "MXBC-DJQ-10",
            "蜜雪冰城10元代金券",
            "蜜雪冰城",
            "tea",
            1000,
            950,
            850,
        ),
        (
            "CBD-YZGL",
            "茶百道杨枝甘露券",
            "茶百道",
            "tea",
            1800,
            1600,
            1400,
        ),
        (
            "GM-DJQ-20",
            "古茗20元代金券",
            "古茗",
            "tea",
            2000,
            1850,
            1650,
        ),
    ];
    for (sku, name, brand, cat, face, retail, cost) in food {
        b.push(
            sku.into(),
            name.into(),
            brand,
            cat,
            ProductKind::Voucher,
            face,
            retail,
            cost,
            false,
            AccountTemplate::None,
        );
    }
    // Local life and tourism
    let local: [(&str, &str, &str, i64, i64, i64); 12] = [
        ("XH-YC", "西湖游船（成人票）", "杭州西湖", 5500, 5500, 5000),
        (
            "GG-MP",
            "故宫博物院门票（旺季）",
            "故宫博物院",
            6000,
            6000,
            5600,
        ),
        ("BDL-CC", "八达岭长城门票", "八达岭长城", 4000, 4000, 3700),
        ("HS-MP", "黄山风景区门票", "黄山", 19000, 19000, 17500),
        (
            "BMY-MP",
            "秦始皇帝陵博物院（兵马俑）门票",
            "兵马俑",
            12000,
            12000,
            11100,
        ),
        (
            "ZJJ-MP",
            "张家界国家森林公园门票",
            "张家界",
            22500,
            22500,
            20800,
        ),
        ("GLY-LD", "鼓浪屿轮渡往返票", "鼓浪屿", 3500, 3500, 3250),
        (
            "DFMZ-TZ",
            "上海东方明珠（塔+展）套票",
            "东方明珠",
            19900,
            19900,
            18300,
        ),
        ("EMS-MP", "峨眉山门票", "峨眉山", 16000, 16000, 14800),
        (
            "JZG-MP",
            "九寨沟门票（含观光车）",
            "九寨沟",
            16900,
            16900,
            15600,
        ),
        ("MY-DYP-TDQ", "猫眼电影通兑券", "猫眼", 5000, 3990, 3500),
        ("MT-WM-20", "美团外卖20元红包", "美团", 2000, 1900, 1700),
    ];
    for (sku, name, brand, face, retail, cost) in local {
        b.push(
            sku.into(),
            name.into(),
            brand,
            "local",
            ProductKind::Voucher,
            face,
            retail,
            cost,
            false,
            AccountTemplate::None,
        );
    }
    // Bundles
    for (code, carrier) in carriers {
        for (hf, gb, face, retail) in [(50, 5, 65, 60), (100, 10, 130, 118)] {
            let sku = format!("BUNDLE-{code}-{hf}-{gb}G");
            let cost = cost_bp(&sku, retail * 100, 9600, 9800);
            b.push(
                sku,
                format!("{carrier}话费{hf}元+流量{gb}GB组合"),
                carrier,
                "bundle",
                ProductKind::Bundle,
                face * 100,
                retail * 100,
                cost,
                false,
                AccountTemplate::Mobile,
            );
        }
    }
    for (sku, name, brand, face, retail) in [
        (
            "BUNDLE-TXSP-QQMUSIC-M",
            "腾讯视频VIP月卡+QQ音乐绿钻月卡组合",
            "腾讯",
            48,
            45,
        ),
        (
            "BUNDLE-AQY-WYY-M",
            "爱奇艺黄金会员月卡+网易云黑胶VIP月卡组合",
            "爱奇艺",
            48,
            45,
        ),
    ] {
        let cost = cost_bp(sku, retail * 100, 9000, 9400);
        b.push(
            sku.into(),
            name.into(),
            brand,
            "bundle",
            ProductKind::Bundle,
            face * 100,
            retail * 100,
            cost,
            false,
            AccountTemplate::MobileOrEmail,
        );
    }
    b.out
}

struct Gen {
    prefix: &'static str,
    brand: &'static str,
    title: &'static str,
    category: &'static str,
    kind: ProductKind,
    denoms: &'static [i64],
    variant: &'static str,
    barcode: bool,
}

const GENS: &[Gen] = &[
    Gen {
        prefix: "JW-YKT",
        brand: "骏网一卡通",
        title: "骏网一卡通",
        category: "game",
        kind: ProductKind::PinCard,
        denoms: &[10, 15, 30, 50, 100],
        variant: "批次",
        barcode: true,
    },
    Gen {
        prefix: "WY-YKT",
        brand: "网易一卡通",
        title: "网易一卡通",
        category: "game",
        kind: ProductKind::PinCard,
        denoms: &[15, 30, 50, 100],
        variant: "批次",
        barcode: true,
    },
    Gen {
        prefix: "SD-YKT",
        brand: "盛大一卡通",
        title: "盛大一卡通",
        category: "game",
        kind: ProductKind::PinCard,
        denoms: &[10, 30, 50, 100],
        variant: "批次",
        barcode: true,
    },
    Gen {
        prefix: "CM-HF",
        brand: "中国移动",
        title: "中国移动话费",
        category: "mobile",
        kind: ProductKind::MobileTopup,
        denoms: &[10, 20, 30, 50, 100, 200],
        variant: "省份通道",
        barcode: false,
    },
    Gen {
        prefix: "CU-HF",
        brand: "中国联通",
        title: "中国联通话费",
        category: "mobile",
        kind: ProductKind::MobileTopup,
        denoms: &[10, 20, 30, 50, 100, 200],
        variant: "省份通道",
        barcode: false,
    },
    Gen {
        prefix: "CT-HF",
        brand: "中国电信",
        title: "中国电信话费",
        category: "mobile",
        kind: ProductKind::MobileTopup,
        denoms: &[10, 20, 30, 50, 100, 200],
        variant: "省份通道",
        barcode: false,
    },
    Gen {
        prefix: "TX-VIP",
        brand: "腾讯视频",
        title: "腾讯视频VIP月卡",
        category: "video",
        kind: ProductKind::DirectTopup,
        denoms: &[30],
        variant: "区域",
        barcode: false,
    },
    Gen {
        prefix: "AQY-GOLD",
        brand: "爱奇艺",
        title: "爱奇艺黄金会员月卡",
        category: "video",
        kind: ProductKind::DirectTopup,
        denoms: &[30],
        variant: "区域",
        barcode: false,
    },
    Gen {
        prefix: "QB",
        brand: "腾讯",
        title: "Q币",
        category: "qq",
        kind: ProductKind::DirectTopup,
        denoms: &[5, 10, 20, 30, 50, 100],
        variant: "渠道",
        barcode: false,
    },
    Gen {
        prefix: "JD-ECARD",
        brand: "京东",
        title: "京东E卡",
        category: "ecard",
        kind: ProductKind::Voucher,
        denoms: &[50, 100, 200, 300, 500],
        variant: "批次",
        barcode: true,
    },
    Gen {
        prefix: "MHXY-ZC",
        brand: "网易",
        title: "梦幻西游直充",
        category: "game",
        kind: ProductKind::DirectTopup,
        denoms: &[15, 30, 50, 100],
        variant: "渠道",
        barcode: false,
    },
    Gen {
        prefix: "LK-DJQ",
        brand: "瑞幸咖啡",
        title: "瑞幸咖啡代金券",
        category: "coffee",
        kind: ProductKind::Voucher,
        denoms: &[10, 20, 50],
        variant: "城市",
        barcode: false,
    },
];

fn template_for(g: &Gen) -> AccountTemplate {
    match (g.kind, g.category) {
        (ProductKind::MobileTopup | ProductKind::DataPack, _) => AccountTemplate::Mobile,
        (ProductKind::DirectTopup, "qq") => AccountTemplate::Qq,
        (ProductKind::DirectTopup, "game") => game_zones(),
        (ProductKind::DirectTopup, _) => AccountTemplate::MobileOrEmail,
        _ => AccountTemplate::None,
    }
}

/// The `i`-th generated SKU for `seed`: deterministic and unique by `i`.
pub fn extra_product(seed: u64, i: u32, version: i64) -> Product {
    let r = splitmix(seed ^ splitmix(u64::from(i)));
    let len = u64::try_from(GENS.len()).unwrap_or(1);
    let g = &GENS[usize::try_from(r % len).unwrap_or(0)];
    let dl = u64::try_from(g.denoms.len()).unwrap_or(1).max(1);
    let face = g
        .denoms
        .get(usize::try_from((r >> 16) % dl).unwrap_or(0))
        .copied()
        .unwrap_or(10);
    let variant_no = (r >> 32) % 10_000;
    let sku = format!("{}-{face}-X{i:06}", g.prefix);
    let name = if g.denoms.len() == 1 {
        format!("{}-{}{variant_no:04}", g.title, g.variant)
    } else {
        format!("{}{face}元({}{variant_no:04})", g.title, g.variant)
    };
    let (lo, hi) = match g.kind {
        ProductKind::MobileTopup => (9850, 9960),
        ProductKind::PinCard => (9550, 9800),
        ProductKind::Voucher => (9000, 9900),
        _ => (9100, 9700),
    };
    let cost = cost_bp(&sku, face * 100, lo, hi);
    let barcode = g.barcode.then(|| gtin13(&format!("6902{:08}", i)));
    let aliases = aliases_for(g.brand, &name);
    Product {
        sku,
        name,
        brand: g.brand.into(),
        category: g.category.into(),
        kind: g.kind,
        face_value: yuan(face * 100),
        retail_price: yuan(face * 100),
        cost: yuan(cost),
        barcode,
        template: template_for(g),
        // about one in 50 generated SKUs starts withdrawn
        available: (r >> 48) % 50 >= 1,
        version,
        aliases,
    }
}

pub(crate) fn insert_product(conn: &Connection, p: &Product) -> rusqlite::Result<()> {
    let template =
        serde_json::to_string(&p.template).unwrap_or_else(|_| "{\"type\":\"none\"}".into());
    let aliases = serde_json::to_string(&p.aliases).unwrap_or_else(|_| "[]".into());
    let mut stmt = conn.prepare_cached(
        "INSERT OR REPLACE INTO products (sku, name, brand, category, kind, face_value, retail_price, cost, barcode, template, available, version, aliases)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?;
    stmt.execute(params![
        p.sku,
        p.name,
        p.brand,
        p.category,
        p.kind.as_str(),
        p.face_value.to_string(),
        p.retail_price.to_string(),
        p.cost.to_string(),
        p.barcode,
        template,
        p.available,
        p.version,
        aliases
    ])?;
    Ok(())
}

/// The documented test vouchers (see README): (code, title, merchant, value fen, status, expires in secs).
pub const SEED_VOUCHERS: &[(&str, &str, &str, i64, &str, i64)] = &[
    (
        "CC-TEST-0001",
        "星巴克50元代金券",
        "星巴克（深圳福田店）",
        5000,
        "unused",
        365 * 86_400,
    ),
    (
        "CC-TEST-0002",
        "喜茶多肉葡萄兑换券",
        "喜茶（深圳万象天地店）",
        2800,
        "unused",
        365 * 86_400,
    ),
    (
        "CC-TEST-0003",
        "瑞幸咖啡20元代金券（已过期）",
        "瑞幸咖啡",
        2000,
        "unused",
        -86_400,
    ),
    (
        "CC-TEST-0004",
        "京东E卡100元（已核销）",
        "京东",
        10_000,
        "redeemed",
        365 * 86_400,
    ),
    (
        "CC-TEST-0005",
        "西湖游船成人票（已作废）",
        "杭州西湖风景区",
        5500,
        "cancelled",
        365 * 86_400,
    ),
    (
        "CC-TEST-0006",
        "蜜雪冰城10元代金券",
        "蜜雪冰城",
        1000,
        "unused",
        365 * 86_400,
    ),
];

/// Seeds a fresh database once: default store, categories, base products, vouchers.
pub(crate) fn ensure_seed(conn: &mut Connection) -> anyhow::Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let seeded: i64 = tx.query_row("SELECT seeded FROM catalog_meta WHERE id = 1", [], |r| {
        r.get(0)
    })?;
    if seeded != 0 {
        return Ok(());
    }
    ensure_store(&tx, DEFAULT_STORE_ID)?;
    for c in categories() {
        tx.execute(
            "INSERT OR REPLACE INTO categories (id, name, parent, sort) VALUES (?1, ?2, ?3, ?4)",
            params![c.id, c.name, c.parent, c.sort],
        )?;
    }
    for p in base_products() {
        insert_product(&tx, &p)?;
    }
    let now = now_ms();
    for (code, title, merchant, fen, status, secs) in SEED_VOUCHERS {
        tx.execute(
            "INSERT OR IGNORE INTO vouchers (code, title, merchant, value, status, expires_at_ms, created_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![code, title, merchant, Money::from_fen(*fen).to_string(), status, now + secs * 1000, now],
        )?;
    }
    tx.execute("UPDATE catalog_meta SET seeded = 1 WHERE id = 1", [])?;
    tx.commit()?;
    tracing::info!("seeded sandbox catalog");
    Ok(())
}

/// Makes sure at least `want` generated SKUs exist (never removes any). Rows added to a
/// catalog that has already moved past version 1 arrive as a new catalog version.
pub(crate) fn ensure_extra_skus(conn: &mut Connection, want: u32, seed: u64) -> anyhow::Result<()> {
    let want = want.min(MAX_EXTRA_SKUS);
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let (have, version): (i64, i64) = tx.query_row(
        "SELECT extra_skus, version FROM catalog_meta WHERE id = 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let have = u32::try_from(have).unwrap_or(0);
    if have >= want {
        return Ok(());
    }
    let version = if version == 1 { 1 } else { version + 1 };
    for i in have..want {
        insert_product(&tx, &extra_product(seed, i, version))?;
    }
    tx.execute(
        "UPDATE catalog_meta SET extra_skus = ?1, version = ?2 WHERE id = 1",
        params![want, version],
    )?;
    tx.commit()?;
    tracing::info!(added = want - have, "generated extra SKUs");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn base_catalog_is_sane() {
        let ps = base_products();
        assert!((150..=300).contains(&ps.len()), "{}", ps.len());
        let skus: HashSet<_> = ps.iter().map(|p| p.sku.as_str()).collect();
        assert_eq!(skus.len(), ps.len(), "duplicate sku");
        let cats: HashSet<_> = categories().into_iter().map(|c| c.id).collect();
        for p in &ps {
            assert!(p.retail_price >= p.cost, "{}", p.sku);
            assert!(!p.cost.is_negative() && !p.cost.is_zero(), "{}", p.sku);
            assert!(cats.contains(&p.category), "{}", p.sku);
            if let Some(bc) = &p.barcode {
                assert!(gtin13_valid(bc) && bc.starts_with("69"), "{bc}");
            }
            if p.kind == ProductKind::MobileTopup {
                let bp = p.cost.fen() * 10_000 / p.face_value.fen();
                assert!((9850..=9960).contains(&bp), "{} {bp}", p.sku);
                assert_eq!(p.retail_price, p.face_value);
            }
        }
        assert!(skus.contains("CM-HF-50") && skus.contains("WY-YKT-30"));
        assert!(
            ps.iter()
                .filter(|p| p.kind == ProductKind::PinCard)
                .all(|p| p.barcode.is_some())
        );
    }

    #[test]
    fn gtin_check_digit() {
        assert_eq!(gtin13("690123456789"), "6901234567892");
        assert!(gtin13_valid("6901234567892"));
        assert!(!gtin13_valid("6901234567893"));
    }

    #[test]
    fn extras_are_deterministic_and_unique() {
        let a: Vec<_> = (0..2000).map(|i| extra_product(42, i, 1)).collect();
        let b: Vec<_> = (0..2000).map(|i| extra_product(42, i, 1)).collect();
        assert_eq!(a, b);
        let skus: HashSet<_> = a.iter().map(|p| p.sku.clone()).collect();
        assert_eq!(skus.len(), a.len());
        assert!(a.iter().all(|p| p.retail_price >= p.cost));
        assert!(
            a.iter()
                .filter_map(|p| p.barcode.as_deref())
                .all(gtin13_valid)
        );
        assert_ne!(extra_product(7, 1, 1), extra_product(42, 1, 1));
    }
}
