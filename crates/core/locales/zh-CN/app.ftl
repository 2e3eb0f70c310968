# CardCat POS — counter / CLI texts (owned by the app).
# Message ids are the dotted keys with '.' replaced by '-' (e.g. "shift.opened" -> shift-opened).
# Every id here must also exist in the other language's app.ftl.

## errors of the counter service
auth-login_needed = 请先输入工号和密码登录
catalog-empty = 本机还没有商品目录，请先同步目录（需要联网）
printer-not_set = 本机还没有设置小票打印机，请店主或安装人员先设置打印机
file-error = { $reason ->
    [not_found] 找不到文件 { $path }：请检查文件名和所在的文件夹
    [denied] 没有权限读写 { $path }：请让安装人员检查这个文件的权限
    [directory] { $path } 是一个文件夹，不是文件：请选文件夹里的那个文件
    [not_text] { $path } 不是文本文件，或者编码不对：请照着示例文件重新编写，保存时编码选 UTF-8
    [too_large] 文件 { $path } 太大，不是要找的那种文件：请检查选的是不是对的文件
    [full] 磁盘已满，写不了 { $path }：请清理磁盘空间后再试
   *[other] 无法读写文件 { $path }（{ $error }）：请检查磁盘和文件权限
}
internal-task = 后台任务出错：{ $error }；请重试，若仍失败请联系技术支持
input-payment = 不认识的支付方式「{ $value }」，请选择现金、微信、支付宝或银行卡
input-amount = 金额「{ $value }」格式不对，请输入如 50 或 50.00 的金额
input-cash_amount = 现金金额「{ $value }」不合理：不能为负数，且不超过 100000 元
input-order_key = 单号「{ $value }」格式不对，请核对小票上的单号
input-role = 不认识的角色「{ $value }」，请选择收银员、店主或安装人员
input-group_by = 不认识的分组方式「{ $value }」，请按日期、商品或收银员分组
input-date = 日期「{ $value }」不对，请按 2026-11-29 的格式输入真实日期
input-date_range = 开始日期 { $from } 晚于结束日期 { $to }，请调换后再查
input-limit = 显示条数「{ $value }」不对，应为 1 到 200
input-profile = 不认识的打印机型号「{ $value }」，请从型号列表中选择
input-width = 纸宽「{ $value }」不对，应为 58 或 80 毫米
input-subnet = 网段「{ $value }」格式不对，应如 192.168.1.0/24（最大 /22）
input-host = 地址「{ $value }」不是有效的 IP 地址
input-voucher_code = 请输入或扫描券码
input-override_pair = 店主授权需要同时提供店主工号和密码
input-quantity = 数量「{ $value }」不对，应为 1 到 99

## printing
print-no_printer = 未设置打印机，本次没有打印小票
print-printed = 小票已打印
print-queued = 小票未打印（{ $reason }），已排队，打印机恢复后会自动补打；交易不受影响
print-uncertain = 打印中途连接中断（{ $reason }），小票可能已打出；为避免重复不会自动重打，请查看打印机后再决定是否补打
print-failed = 小票无法打印（{ $reason }）；交易不受影响，可稍后补打
print-printer_unreachable = 连接不上打印机
print-earlier_jobs_waiting = 前面还有小票在等待打印
print-job_state-queued = 排队中
print-job_state-sending = 发送中
print-job_state-printed = 已打印
print-job_state-uncertain = 待确认
printer-no_live_status = 此连接方式不报告实时状态
printer-no_status_answer = 未应答状态查询
printer-usb_device_file = USB 设备文件
receipt-default_footer = 谢谢惠顾，欢迎再来
receipt-default_store_name = 卡盟猫便利店
receipt-installer = 安装人员

## sample receipts
sample-store_name = 卡盟猫便利店（福田店）
sample-cashier = 小王
sample-topup_product = 中国移动话费50元
sample-pin_product = 网易一卡通50元
sample-direct_product = 腾讯视频VIP月卡
sample-voucher_title = 喜茶多肉葡萄兑换券

## doctor
doctor-database_ok = 数据库完整（{ $path }，结构版本 { $schema }）
doctor-database_fix = 请店主用最近的备份恢复数据库，恢复前不要继续收银
doctor-writable_ok = 数据库可写入
doctor-writable_fail = 数据库无法写入（{ $path }）
doctor-writable_fix = 请检查磁盘空间和数据文件的权限，修好前不能收银
doctor-keyring_ok = 系统密钥环可用（{ $backend }）
doctor-keyring_fix = 请登录桌面会话并解锁系统密钥环，然后重新检查
doctor-catalog = 离线目录：{ $n } 个商品，上次同步 { $last }
doctor-catalog_fix = 请联网后同步商品目录
doctor-printer = 小票打印机 { $target }（{ $profile }）：{ $status }
doctor-printer_fix = 请检查打印机电源、纸卷和网线，然后打印一张测试页
doctor-platform_ok = 平台可达：{ $url }（{ $ms } 毫秒，目录版本 { $version }）
doctor-platform_fix = 请检查网络连接；目录和搜索可离线使用，但充值需要联网
doctor-clock = 本机时钟与平台相差 { $skew } 秒（允许 ±{ $allowed } 秒）
doctor-clock_fix = 请校准本机的系统时间（开启自动对时），否则平台会拒收订单
doctor-signed_ok = 签名请求被平台接受
doctor-signed_fix = 本终端的密钥不被平台接受，请店主或安装人员重新配对本终端
doctor-pair_fix = 请店主或安装人员用配对码激活本终端
time-never = 从未
time-seconds_ago = { $secs } 秒前

## orders
order-copy_mark = 【副本】
order-in_progress_advice = 处理中，请保留此单号；系统会用同一单号自动查询结果，切勿重新下单
redemption-state-verifying = 核销中
redemption-state-unknown = 结果待确认
redemption-state-redeemed = 已核销
redemption-state-cancelled = 已撤销
redemption-state-failed = 核销失败
voucher-status-unused = 未使用
voucher-status-redeemed = 已核销
voucher-status-cancelled = 已作废
voucher-status-expired = 已过期
search-tier-barcode = 条码
search-tier-exact = 精确
search-tier-prefix = 前缀
search-tier-substring = 包含
search-tier-fuzzy = 近似（一处输错）

## shifts and reports
shift-opened_title = 已开班
shift-x_title = X 报表（班中）
shift-z_title = Z 报表（交班）
shift-summary = 备用金 { $float }  销售 { $sales_n } 笔 { $sales }  处理中 { $pending_n } 笔 { $pending }  退款 { $refunds_n } 笔 { $refunds }  佣金 { $commission }  核销 { $redemptions_n } 笔 { $redemptions }
shift-expected_cash = 应有现金 { $amount }
shift-counted = 实点现金 { $counted }  长短款 { $over_short }
report-col_group = 分组
report-col_orders = 笔数
report-col_sales = 销售额
report-col_cost = 成本
report-col_commission = 佣金
reconcile-summary = { $date } 对账：一致 { $matched } 笔，差异 { $diffs } 笔；本地 成本 { $local_cost } 佣金 { $local_commission }；平台 成本 { $platform_cost } 佣金 { $platform_commission }
reconcile-still_open = 仍在处理、暂不对账的订单：{ $n } 笔
reconcile-amount_mismatch = 金额不符 { $key }：本地 { $local_cost }/{ $local_commission }，平台 { $platform_cost }/{ $platform_commission }
reconcile-missing_on_platform = 平台缺少 { $key }：本地 { $local_cost }/{ $local_commission }
reconcile-missing_locally = 本地缺少 { $key }：平台 { $platform_cost }/{ $platform_commission }

## command line
cli-error_prefix = 错误：
cli-arg_invalid = 参数 { $arg } 的值不对
cli-arg_unknown = 不认识的参数 { $arg }
cli-arg_unknown_command = 不认识的命令 { $arg }
cli-arg_missing = 缺少必需的参数 { $arg }
cli-arg_other = 参数有误
cli-arg_help = 加上 -h 可查看用法
cli-login_needed = 请先输入工号和密码登录
cli-activated = 终端已激活：{ $terminal }（门店 { $store_id } { $store }），密钥已存入系统密钥环（{ $keyring }）
cli-sync_full = 全量同步
cli-sync_delta = 增量同步
cli-sync_done_full = 同步完成：全量 { $n } 个商品，增量变更 { $changes } 条，目录版本 { $version }，用时 { $ms } 毫秒
cli-sync_done = 同步完成：{ $n } 个商品，增量变更 { $changes } 条，目录版本 { $version }，用时 { $ms } 毫秒
cli-search_none = 没有找到匹配的商品：{ $query }
cli-search_hit = { $sku } { $name }  售价 { $price }  面值 { $face }  佣金 { $commission }  [{ $kind }|{ $tier }]
cli-unavailable = 暂停销售
cli-catalog_info = 商品 { $n } 个，目录版本 { $version }，上次成功同步 { $last }
cli-catalog_last_error = ，上次错误：{ $error }
cli-order_head = 订单 { $key }{ $copy }
cli-order_line1 = {"  "}商品 { $product } ×{ $qty }  账号 { $account }
cli-order_line2 = {"  "}金额 { $price }（{ $payment }）  佣金 { $commission }  收银员 { $cashier }
cli-order_state = {"  "}状态 { $state }
cli-needs_attention = （需人工处理）
cli-order_reason = {"  "}原因 { $reason }
cli-order_pin = {"  "}卡号 { $card }  卡密 { $pin }
cli-no_open_orders = 没有处理中的订单
cli-resume_report = 已查询 { $checked } 笔，状态变化 { $changed } 笔，同单号重发 { $resent } 笔，仍在处理 { $open } 笔，需人工处理 { $attention } 笔
cli-platform_unreachable_note = （平台暂不可达）
cli-redeem_cancelled = 已撤销核销 { $id }（{ $code } { $title }）
cli-redeem_query = { $id } { $code } { $title } { $value } { $state }
cli-voucher_info = 券码 { $code }：{ $title }（{ $merchant }）面值 { $value }，状态 { $status }
cli-redeemed = 核销成功：{ $title } { $value }，核销单号 { $id }（10分钟内可撤销）
cli-redeem_pending = 核销结果待确认，单号 { $id }，系统将用同一单号查询
cli-user_added = 已添加{ $role } { $id }（{ $name }）
cli-user_locked = 已锁定
cli-emulator_failed = 虚拟打印机无法启动：{ $error }
cli-emulator_started = 虚拟打印机已启动：{ $target }（{ $mm } 毫米），小票保存到 { $dir }；按 Ctrl-C 结束
cli-emulator_started_paper_out = 虚拟打印机已启动：{ $target }（{ $mm } 毫米，模拟缺纸），小票保存到 { $dir }；按 Ctrl-C 结束
cli-find_scanned = 已扫描 { $subnet } 的 { $port } 端口
cli-find_none = 网络上没有找到打印机；请确认打印机已开机，并与收银机接在同一个网络
cli-printer_set = 打印机已设置：{ $target }（{ $name }）
cli-test_page_printed = 测试页已打印（打印机状态：{ $status }）
cli-queue_report = 补打 { $printed } 张，仍在等待 { $waiting } 张，需确认 { $uncertain } 张

## developer demo
demo-sandbox = 沙箱平台已启动：
demo-pairing_code = 配对码：
demo-sync = 目录同步
demo-search = 搜索
demo-churn = 平台改价、上下架 100 条，增量同步到目录版本
demo-doctor = 诊断
demo-printer = 柜台：虚拟小票打印机
demo-owner_name = 老板
demo-cashier_name = 小王
demo-sale_topup = 话费充值
demo-sale_pin = 点卡（卡密只显示、打印一次）
demo-sale_direct = 视频会员直充
demo-sale_invalid = 账号无效：失败单
demo-sale_lost_answer = 平台已下单但应答丢失：处理中，同单号自动确认
demo-redemption = 核销
demo-receipts = 小票（打印机收到的字节与预览图）：
demo-serving = 沙箱继续运行，按 Ctrl-C 结束

## owed deliveries
cli-owed_head = 未交付：{ $n } 笔订单的结果还没交给顾客
cli-owed_line = { $time } { $product } 账号 { $account } { $state }（单号 { $key }）
cli-nothing_owed = 没有未交付的订单
cli-set_aside = 已登记搁置：{ $key }

## store health and pairing
store-damaged_read_only = 本机数据库已损坏，现在只能查询，不能收银；请店主从最近的备份恢复数据库
store-read_only = 本机数据库无法写入，现在只能查询，不能收银；请检查磁盘空间和数据文件权限
store-missing = 本终端已激活过，但数据库 { $path } 不见了或是空的；为免丢失账目不会自动新建。请店主从备份恢复；确需作为新店重新开始，请由安装人员选择“新建门店数据”
terminal-repair_blocked = 还有 { $open } 笔订单在处理中、{ $owed } 笔结果未交给顾客，现在不能重新配对；请先处理完这些订单
terminal-other_store = 这个配对码属于另一家门店（{ $new }），本终端属于门店 { $old }；配对没有生效。要把终端转到另一家门店，需由店主选择“转店”（旧门店账目会先存档），再用新的配对码

## the desktop app
app-error_internal = 本机出了点问题，这一步没有完成；请重试，若仍失败请联系技术支持
app-demo_not_built = 这个版本不含演示模式；请用开发者的演示版本，或先完成终端配对
app-advice_pending = 已经提交给运营商，正在充值。一般几分钟到账，到账后运营商会发短信给您。请先别在别处给这个号码重复充值。
app-advice_unknown = 暂时没拿到运营商的结果，不等于失败，系统会一直查。请先别在别处重复充值；钱不会白扣，没充上会自动退回。小票上有订单号，请收好，明天这个时候还没到账就拿小票来找我们。
app-advice_succeeded = 已经充值成功，到账后运营商会发短信给您。
app-advice_pin = 卡密已出，每张卡密仅限使用一次，请顾客妥善保管小票。
app-advice_failed = 这笔没有充上，钱会退回：付现金的请当场退还，其他方式会原路退回。
owner-uncategorised = 其他
owner-diff_mismatch = 金额不一致
owner-diff_missing_on_platform = 平台没有这笔
owner-diff_missing_locally = 本机没有这笔
backup-not_a_backup = 这个文件不是卡盟猫收银台的备份（或已损坏）：没有做任何改动，请从备份文件夹里选一个备份
backup-too_new = 这个备份由更新版本的卡盟猫收银台生成（数据库第 { $found } 版，本程序只认到第 { $known } 版）：没有做任何改动，请先升级本程序再恢复
backup-other_store = 这个备份属于门店 { $backup }，本终端属于门店 { $this }：不能恢复，请选本店的备份
backup-store_present = 本机的数据库还在，不需要这样恢复：请店主登录后，在“管理 → 备份”里选择要恢复的备份
backup-restoring = 正在恢复备份，请等几秒钟再操作
backup-other_terminal = 这个备份来自本店的另一台终端 { $backup }（本机是 { $this }）：那台终端的卡密和未完成订单只属于它，不能恢复到本机，请选本机的备份
backup-restore_blocked = 还有 { $open } 笔订单待确认、{ $owed } 笔结果未交付：请先处理完再恢复备份
cli-backup_saved = 已备份到 { $path }
cli-backup_none = 还没有备份
cli-backup_line = { $day }  门店 { $store }  结构版本 { $schema }  订单 { $orders } 笔  { $kb } 千字节  { $path }
cli-backup_restored = 已从备份恢复：门店 { $store }，订单 { $orders } 笔。恢复前的数据库已另存在备份目录
cli-backup_restored_lost = 已用本机的备份找回数据库：门店 { $store }，订单 { $orders } 笔。备份之后的订单请到平台的订单记录核对
input-backup_name = 备份“{ $value }”不在本机的备份列表里，请从列表中选择
update-blocked_orders = 还有 { $open } 笔订单或核销没有最终结果：等它们有结果后再更新，请稍后再试
update-blocked_shift = 正在交班：打印 Z 报表后再更新，请稍后再试
update-already_installing = 已经在安装更新：完成后收银台会自动重启
update-installing = 正在安装更新：收银台马上会自动重启，重启后再收银
update-demo = 演示模式不检查更新
update-check_failed = 连不上更新服务器：请检查网络后再试
update-bad_signature = 更新包的签名不对：已丢弃，没有安装。请联系卡盟猫客服
update-install_failed = 更新没有装上，收银台照常使用：请稍后再试，或联系卡盟猫客服
update-none_pending = 请先检查更新
input-update_channel = “{ $value }”不是更新渠道：请选择正式版或测试版
input-provision_missing = 配置文件第 { $line } 行：缺少“{ $key }”。请按示例文件补上后再运行，本机没有做任何改动
input-provision_unknown = 配置文件第 { $line } 行：不认识“{ $key }”。请检查拼写（按示例文件），本机没有做任何改动
input-provision_type = 配置文件第 { $line } 行：值的类型不对（文字要加引号，数字和是否不加）。本机没有做任何改动
input-provision_syntax = 配置文件第 { $line } 行写法有误，请对照示例文件改正。本机没有做任何改动
input-provision_value = 配置文件第 { $line } 行：“{ $key }”的值不能用，请对照示例文件改正。本机没有做任何改动
cli-provision_pin = 请输入店主密码（4 到 8 位数字），回车确认：
provision-paired_elsewhere = 本机已配对到 { $have }，但配置文件写的是 { $file }：没有做任何改动。如要改到另一个平台，请店主在设置向导里重新配对
cli-provisioned = 设置完成：门店 { $store }；本次配对：{ $paired }；打印机 { $printer }，测试页：{ $printed }；新建店主：{ $owner }
cli-update_status = 更新渠道：{ $channel }；更新服务器：{ $endpoint }。现在：{ $now }
cli-update_may_install = 可以安装更新
cli-update_channel_set = 已改为跟随 { $channel } 渠道更新
cli-yes = 是
cli-no = 否
cli-kiosk_state = 看不懂“{ $value }”：全屏收银只能打开或关闭
cli-kiosk_on = 已打开全屏收银：登录桌面后自动启动，崩溃后自动重启（{ $path }）
cli-kiosk_off = 已关闭全屏收银，登录后不再自动启动
