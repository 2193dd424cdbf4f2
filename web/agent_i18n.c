/* agent_i18n.c - every string of the agents' pages, in Japanese and
 * English (see agent_int.h, enum web_amsg).  One table, as in i18n.c. */
#include "agent_int.h"

#include <string.h>

static const char *const msgs[A_COUNT][2] = {
    [A_SIGNIN_TITLE] = {"サインイン", "Sign in"},
    [A_EMAIL] = {"メールアドレス", "Email"},
    [A_PASSWORD] = {"パスワード", "Password"},
    [A_SIGNIN] = {"サインイン", "Sign in"},
    [A_SIGNIN_FAILED] = {"サインインできませんでした。", "Sign-in failed."},
    [A_SIGNOUT] = {"サインアウト", "Sign out"},
    [A_SIGNOUT_ALL] = {"すべての端末からサインアウト", "Sign out everywhere"},
    [A_2FA_TITLE] = {"2段階認証", "Two-step verification"},
    [A_2FA_CODE] = {"認証コード（または回復コード）",
                    "Code (or a recovery code)"},
    [A_VERIFY] = {"確認", "Verify"},
    [A_ENROL_TITLE] = {"2段階認証の設定", "Set up two-step verification"},
    [A_ENROL_TEXT] = {"認証アプリでQRコードを読み取り、表示されたコードを"
                      "入力してください。",
                      "Scan the QR code with your authenticator app and "
                      "enter the code it shows."},
    [A_ENROL_SECRET] = {"手入力用のキー", "Key for manual entry"},
    [A_QR_ALT] = {"認証アプリ用のQRコード", "QR code for the authenticator app"},
    [A_RECOVERY_TITLE] = {"回復コード", "Recovery codes"},
    [A_RECOVERY_TEXT] = {"各コードは一度だけ使えます。今すぐ安全な場所に"
                         "保管してください。再表示はできません。",
                         "Each code works once. Store them safely now: they "
                         "are not shown again."},
    [A_CONTINUE] = {"続ける", "Continue"},
    [A_QUEUE] = {"キュー", "Queue"},
    [A_VIEW_MINE] = {"自分の担当", "My tickets"},
    [A_VIEW_UNASSIGNED] = {"未割り当て", "Unassigned"},
    [A_VIEW_INCIDENTS] = {"障害", "Incidents"},
    [A_VIEW_BREACHING] = {"期限間近", "Breaching soon"},
    [A_VIEW_OPEN] = {"すべての未完了", "All open"},
    [A_SEARCH] = {"検索", "Search"},
    [A_FILTER] = {"絞り込み", "Filter"},
    [A_STATUS] = {"状態", "Status"},
    [A_PRIORITY] = {"優先度", "Priority"},
    [A_CATEGORY] = {"種別", "Category"},
    [A_ASSIGNEE] = {"担当者", "Assignee"},
    [A_TAG] = {"タグ", "Tag"},
    [A_ANY] = {"すべて", "Any"},
    [A_SORT] = {"並び順", "Sort"},
    [A_SORT_DUE] = {"SLA期限順", "SLA due first"},
    [A_SORT_NEW] = {"新しい順", "Newest first"},
    [A_NUMBER] = {"番号", "No."},
    [A_SUBJECT] = {"件名", "Subject"},
    [A_REQUESTER] = {"依頼者", "Requester"},
    [A_SLA_LEFT] = {"SLA残り", "SLA left"},
    [A_OVERDUE] = {"超過", "overdue"},
    [A_INCIDENT_LABEL] = {"障害", "INCIDENT"},
    [A_NEXT_PAGE] = {"次の50件", "Next 50"},
    [A_NO_TICKETS] = {"該当するチケットはありません。", "No tickets."},
    [A_NEW_ARRIVED] = {"新しいチケットが届きました。", "New tickets arrived."},
    [A_RELOAD] = {"再読み込み", "Reload"},
    [A_THREAD] = {"やり取り", "Conversation"},
    [A_NOTE_LABEL] = {"社内メモ", "Internal note"},
    [A_OUR_REPLY] = {"返信", "Our reply"},
    [A_CUSTOMER] = {"お客様", "Customer"},
    [A_QUOTED] = {"引用を表示", "Show quoted text"},
    [A_SIGNATURE] = {"署名を表示", "Show signature"},
    [A_SHOW_HTML] = {"HTML表示（外部画像なし）",
                     "HTML view (remote images off)"},
    [A_SHOW_TEXT] = {"テキスト表示", "Text view"},
    [A_ATTACHMENTS] = {"添付ファイル", "Attachments"},
    [A_REPLY] = {"返信する", "Reply"},
    [A_ADD_NOTE] = {"メモを追加", "Add note"},
    [A_SEND] = {"送信", "Send"},
    [A_UPDATE] = {"更新", "Update"},
    [A_NONE] = {"なし", "None"},
    [A_COLLISION_VIEW] = {"最近このチケットを見た他の担当者:",
                          "Also viewed recently by:"},
    [A_COLLISION_NEW] = {"ページを開いた後に新しいメッセージが追加されました。"
                         "内容を確認してから再送信してください。",
                         "A message was added after you opened this page. "
                         "Review it, then send again."},
    [A_FIRST_RESPONSE] = {"初回応答", "First response"},
    [A_RESOLUTION] = {"解決", "Resolution"},
    [A_MET] = {"達成", "met"},
    [A_HISTORY] = {"履歴", "History"},
    [A_USERS] = {"ユーザー", "Users"},
    [A_ROLE] = {"役割", "Role"},
    [A_QUEUES] = {"キュー", "Queues"},
    [A_ON] = {"有効", "on"},
    [A_OFF] = {"無効", "off"},
    [A_LAST_LOGIN] = {"最終サインイン", "Last sign-in"},
    [A_LAST_ACTIVITY] = {"最終操作", "Last activity"},
    [A_NEVER] = {"なし", "never"},
    [A_DORMANT] = {"休眠（90日以上サインインなし）",
                   "dormant (no sign-in for 90 days)"},
    [A_DISABLE] = {"無効化", "Disable"},
    [A_DISABLED] = {"無効", "disabled"},
    [A_CONFIRM_DISABLE] = {"このユーザーを無効にしてよろしいですか？",
                           "Really disable this user?"},
    [A_NAME] = {"名前", "Name"},
    [A_KEYS] = {"ショートカット: j/k 移動、r 返信",
                "Shortcuts: j/k move, r reply"},
    [A_READ_ONLY] = {"閲覧のみの権限です。", "You have read-only access."},
    [A_GRANT] = {"付与", "Grant"},
    [A_REVOKE] = {"取消", "Revoke"},
    [A_SIZE] = {"サイズ", "size"},
    [A_SCAN] = {"検査", "scan"},
    [A_SYSTEM] = {"システム", "System"},
    [A_LOCKED_USER] = {"無効化されています", "is disabled"},
    [A_BYTES] = {"バイト", "bytes"},
    [A_ADMIN] = {"管理", "Admin"},
    [A_CHECKLIST] = {"チェックリスト", "Checklist"},
    [A_ITEM] = {"項目", "Item"},
    [A_ANSWER] = {"回答", "Answer"},
    [A_EVIDENCE] = {"根拠", "Evidence"},
    [A_ST_OK] = {"適合", "OK"},
    [A_ST_ATTENTION] = {"要対応", "Attention"},
    [A_ST_OPERATOR] = {"運用者の回答待ち", "Operator to answer"},
    [A_DOWNLOAD_JSON] = {"JSONでダウンロード", "Download JSON"},
    [A_DOWNLOAD_CSV] = {"CSVでダウンロード", "Download CSV"},
    [A_LOGS] = {"ログ", "Logs"},
    [A_LOG_KIND] = {"ログの種類", "Log"},
    [A_LOG_AUDIT] = {"監査ログ", "Audit log"},
    [A_LOG_SECURITY] = {"セキュリティログ", "Security log"},
    [A_LOG_BACKUP] = {"バックアップログ", "Backup log"},
    [A_USER] = {"ユーザー（メールアドレスまたはID）", "User (email or id)"},
    [A_TICKET] = {"チケット番号", "Ticket number"},
    [A_REQUEST_ID] = {"リクエストID", "Request ID"},
    [A_IP] = {"IPアドレス", "IP address"},
    [A_FROM] = {"開始（RFC 3339）", "From (RFC 3339)"},
    [A_UNTIL] = {"終了（RFC 3339）", "Until (RFC 3339)"},
    [A_TIME] = {"日時", "Time"},
    [A_WHO] = {"誰が", "Who"},
    [A_OBJECT] = {"対象", "Object"},
    [A_ACTION] = {"操作", "Action"},
    [A_DETAIL] = {"詳細", "Detail"},
    [A_PREV_PAGE] = {"前の100件", "Previous 100"},
    [A_NEXT_ROWS] = {"次の100件", "Next 100"},
    [A_NO_ROWS] = {"該当する行はありません。", "No rows."},
    [A_BAD_FILTER] = {"日時はRFC 3339形式で入力してください。",
                      "Enter times as RFC 3339."},
    [A_RULES] = {"振り分けルール", "Routing rules"},
    [A_RULE_NAME] = {"ルール名", "Rule name"},
    [A_CONDITIONS] = {"条件（1行に1つ: 項目 演算子 値）",
                      "Conditions (one per line: FIELD OP VALUE)"},
    [A_ACTIONS] = {"動作（1行に1つ: 動作=値）",
                   "Actions (one per line: ACTION=VALUE)"},
    [A_STOP] = {"一致したら以降のルールを評価しない",
                "Stop after this rule matches"},
    [A_ADD] = {"追加", "Add"},
    [A_DELETE] = {"削除", "Delete"},
    [A_POSITION] = {"順序", "Position"},
    [A_RULE_REFUSED] = {"ルールは保存されませんでした: ",
                        "The rule was not saved: "},
    [A_RULE_ADDED] = {"ルールを追加しました。", "Rule added."},
    [A_RULE_TEST] = {"貼り付けたメールで試す", "Test against a pasted message"},
    [A_RAW_MESSAGE] = {"メールの原文（RFC 5322）", "Raw message (RFC 5322)"},
    [A_RECIPIENT] = {"宛先アドレス（任意）", "Recipient address (optional)"},
    [A_TEST] = {"試す", "Test"},
    [A_DECISION] = {"判定", "Decision"},
    [A_REASONS] = {"理由", "Reasons"},
    [A_NO_MATCH] = {"一致したルールはありません。", "No rule matched."},
    [A_AUTOMATIC] = {"自動送信メール", "Automatic mail"},
    [A_BACKUPS] = {"バックアップ", "Backups"},
    [A_GENERATION] = {"世代", "Generation"},
    [A_CREATED] = {"作成日時", "Created"},
    [A_VERIFIED] = {"検証", "Verified"},
    [A_VERIFIED_AT_RUN] = {"作成時に検証済み", "Verified when taken"},
    [A_NOT_VERIFIED] = {"未検証", "Not verified"},
    [A_VERIFY_OK] = {"検証に成功しました: ", "Verified intact: "},
    [A_VERIFY_FAILED] = {"検証に失敗しました: ", "Verification failed: "},
    [A_NO_BACKUPS] = {"バックアップはまだありません。", "No backups yet."},
    [A_RESULT] = {"結果", "Result"},
    [A_CALENDAR] = {"営業日カレンダー", "Business calendar"},
    [A_HOURS] = {"営業時間", "Business hours"},
    [A_TIMEZONE] = {"タイムゾーン", "Time zone"},
    [A_HOLIDAYS] = {"祝日", "Holidays"},
    [A_DAYS] = {"日", "days"},
    [A_CLOSURES] = {"臨時休業", "Closures"},
    [A_FIRST_DAY] = {"初日", "First day"},
    [A_LAST_DAY] = {"最終日", "Last day"},
    [A_SOURCE] = {"登録元", "Source"},
    [A_DATE] = {"日付", "Date"},
    [A_OPEN_NOW] = {"一般窓口は現在営業中です。",
                    "The general desk is open now."},
    [A_CLOSED_NOW] = {"一般窓口は現在営業時間外です。",
                      "The general desk is closed now."},
    [A_NEXT_OPEN] = {"次の営業開始", "Next opening"},
    [A_SLA] = {"SLAポリシー", "SLA policies"},
    [A_CLOCK] = {"計測", "Clock"},
    [A_BUSINESS_HOURS] = {"営業時間内", "business hours"},
    [A_ALWAYS] = {"24時間365日", "24/7"},
    [A_HOURS_UNIT] = {"時間", "h"},
    [A_TEMPLATES] = {"メールテンプレート", "Mail templates"},
    [A_EDIT_FILE] = {"編集するファイル: ", "Edit the file: "},
    [A_ANNOUNCEMENTS] = {"お知らせ", "Announcements"},
    [A_KIND] = {"種類", "Kind"},
    [A_TITLE] = {"タイトル", "Title"},
    [A_STARTS] = {"開始", "Starts"},
    [A_ENDS] = {"終了", "Ends"},
    [A_PUBLISHED] = {"公開", "Published"},
    [A_ENDED] = {"終了済み", "Ended"},
    [A_FORCED] = {"強制表示", "Forced"},
    [A_YES] = {"はい", "yes"},
    [A_TOKENS] = {"APIトークン", "API tokens"},
    [A_SCOPE] = {"スコープ", "Scope"},
    [A_EXPIRES] = {"有効期限", "Expires"},
    [A_LAST_USED] = {"最終使用", "Last used"},
    [A_EXPIRES_DAYS] = {"有効日数（空欄: 無期限）",
                        "Valid for days (empty: no expiry)"},
    [A_CREATE] = {"作成", "Create"},
    [A_TOKEN_ONCE] = {"このトークンは今だけ表示されます。安全な場所に保管して"
                      "ください。",
                      "This token is shown only now. Store it safely."},
    [A_TOKEN_REFUSED] = {"トークンを作成できませんでした: ",
                         "The token was not created: "},
    [A_TOKEN_REVOKED] = {"トークンを失効させました。", "Token revoked."},
    [A_ACTIVE] = {"有効", "active"},
    [A_REVOKED] = {"失効済み", "revoked"},
};

static const char *const statuses[HD_STATUS_COUNT][2] = {
    {"新規", "new"},       {"対応中", "open"}, {"保留", "pending"},
    {"解決済み", "resolved"}, {"完了", "closed"},
};
static const char *const prios[HD_PRIO_COUNT][2] = {
    {"低", "low"}, {"通常", "normal"}, {"高", "high"}, {"緊急", "urgent"},
};
static const char *const cats[HD_CAT_COUNT][2] = {
    {"一般", "general"}, {"障害", "incident"},
};

static int idx(const char *lang)
{
    return lang != NULL && strcmp(lang, "ja") == 0 ? 0 : 1;
}

const char *web_at(const char *lang, enum web_amsg m)
{
    hd_assert(m < A_COUNT && msgs[m][0] != NULL);
    return msgs[m][idx(lang)];
}

const char *web_at_status(const char *lang, enum hd_status s)
{
    hd_assert(s < HD_STATUS_COUNT);
    return statuses[s][idx(lang)];
}

const char *web_at_priority(const char *lang, enum hd_priority p)
{
    hd_assert(p < HD_PRIO_COUNT);
    return prios[p][idx(lang)];
}

const char *web_at_category(const char *lang, enum hd_category c)
{
    hd_assert(c < HD_CAT_COUNT);
    return cats[c][idx(lang)];
}
