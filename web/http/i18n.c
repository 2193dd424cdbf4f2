/* i18n.c - see i18n.h.  One table: a key, then Japanese, then English. */
#include "i18n.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define WEB_ACCEPT_LANG_MAX 512 /* bytes of Accept-Language examined */

static const char *const msgs[M_COUNT][2] = {
    [M_SITE_TAGLINE] = {"サポートセンター", "Support Center"},
    [M_NAV_FAQ] = {"よくある質問", "FAQ"},
    [M_NAV_TERMS] = {"利用規約", "Terms"},
    [M_NAV_HOME] = {"トップ", "Home"},
    [M_SWITCH_LANG] = {"English", "日本語"},
    [M_SEARCH_LABEL] = {"よくある質問を検索", "Search the FAQ"},
    [M_SEARCH_BUTTON] = {"検索", "Search"},
    [M_SEARCH_PLACEHOLDER] = {"例: 請求書、障害、パスワード",
                              "e.g. invoice, outage, password"},
    [M_SEARCH_TITLE] = {"検索結果", "Search results"},
    [M_SEARCH_RESULTS] = {"件見つかりました", "articles found"},
    [M_SEARCH_NONE] = {"該当する記事が見つかりませんでした。",
                       "No articles matched your search."},
    [M_SEARCH_DID_YOU_MEAN] = {"もしかして:", "Did you mean:"},
    [M_SEARCH_BAD] = {"検索語を読み取れませんでした。",
                      "The search text could not be read."},
    [M_POPULAR] = {"よく読まれている記事", "Popular articles"},
    [M_CATEGORIES] = {"カテゴリ", "Categories"},
    [M_ALL_ARTICLES] = {"すべての記事", "All articles"},
    [M_CONTACT] = {"お問い合わせ", "Contact us"},
    [M_INCIDENT] = {"障害・緊急のご連絡", "Incidents and emergencies"},
    [M_INCIDENT_HOURS] = {"24時間365日受付", "24/7"},
    [M_GENERAL] = {"一般のお問い合わせ", "General questions"},
    [M_GENERAL_HOURS] = {"営業時間内に対応（平日 10:00〜19:00）",
                         "Business hours (weekdays 10:00-19:00)"},
    [M_OPEN_NOW] = {"現在受付中", "Open now"},
    [M_OPENS_AT] = {"次の受付開始:", "Opens"},
    [M_ANNOUNCEMENTS] = {"お知らせ", "Announcements"},
    [M_ANN_MAINTENANCE] = {"メンテナンス", "Maintenance"},
    [M_ANN_SERVICE_END] = {"提供終了", "End of service"},
    [M_ANN_STATUS] = {"稼働状況", "Status"},
    [M_ANN_FROM_TO] = {"〜", "to"},
    [M_UPDATED] = {"最終更新", "Last updated"},
    [M_HELPFUL_Q] = {"この記事は役に立ちましたか？",
                     "Was this article helpful?"},
    [M_HELPFUL_YES] = {"はい", "Yes"},
    [M_HELPFUL_NO] = {"いいえ", "No"},
    [M_HELPFUL_THANKS] = {"ご回答ありがとうございました。",
                          "Thank you for your feedback."},
    [M_RELATED] = {"関連する記事", "Related articles"},
    [M_OTHER_LANG_ONLY] = {"この記事は英語版のみです。",
                           "This article is only available in Japanese."},
    [M_TERMS_TITLE] = {"利用規約", "Terms of service"},
    [M_TERMS_EMPTY] = {"利用規約は準備中です。",
                       "The terms of service are being prepared."},
    [M_NOT_FOUND] = {"ページが見つかりません", "Page not found"},
    [M_NOT_FOUND_TEXT] = {"お探しのページは移動または削除された可能性が"
                          "あります。検索をお試しください。",
                          "The page may have moved or been removed. Try a "
                          "search."},
    [M_METHOD] = {"この操作はできません", "Method not allowed"},
    [M_TOO_BIG] = {"送信データが大きすぎます", "Request too large"},
    [M_TOO_MANY] = {"アクセスが集中しています。しばらくしてから再度お試し"
                    "ください。",
                    "Too many requests. Please try again shortly."},
    [M_BAD_REQUEST] = {"リクエストが正しくありません", "Bad request"},
    [M_FORBIDDEN] = {"この操作は許可されていません。ページを再読み込みして"
                     "ください。",
                     "This action is not allowed. Please reload the page."},
    [M_SERVER_ERROR] = {"エラーが発生しました", "Something went wrong"},
    [M_HOME_TITLE] = {"サポートセンター", "Support Center"},
    [M_HOME_DESC] = {"よくある質問の検索、お問い合わせ先、お知らせ。",
                     "Search the FAQ, contact support, read announcements."},
    [M_FAQ_TITLE] = {"よくある質問", "Frequently asked questions"},
    [M_FAQ_DESC] = {"カテゴリ別のよくある質問の一覧です。",
                    "All frequently asked questions by category."},
    [M_UNCATEGORISED] = {"その他", "Other"},
    [M_FEED] = {"更新情報 (Atom)", "Updates (Atom)"},
    [M_NO_ARTICLES] = {"記事はまだありません。", "No articles yet."},
    [M_SKIP] = {"本文へ移動", "Skip to content"},
    [M_STILL_STUCK] = {"解決しない場合はお問い合わせください",
                       "Still stuck? Contact us"},
    [M_CONTACT_INSTEAD] = {"記事で解決しない場合は、こちらへご連絡ください",
                           "If no article helps, write to us"},
    [M_SEARCH_TRY] = {"別の言葉やより短い言葉でお試しいただくか、よく読まれて"
                      "いる記事をご覧ください。",
                      "Try other or fewer words, or one of the popular "
                      "articles."},
    [M_BACK_TO_QUEUE] = {"キューに戻る", "Back to the queue"},
    [M_AGENT_FORBIDDEN] = {"このページはあなたの役割では開けません。必要なら"
                           "管理者に権限を依頼してください。",
                           "Your role does not allow this page. Ask an "
                           "admin for access if you need it."},
    [M_AGENT_NOT_FOUND] = {"そのチケットやページはありません。番号を確かめて"
                           "ください。",
                           "There is no such ticket or page. Check the "
                           "number."},
    [M_FORBIDDEN_AGENT] = {"この操作は許可されていません", "Not allowed"},
    [M_UPLOAD_FILE] = {"ファイル「", "The file \""},
    [M_UPLOAD_TYPE] = {"」は受け付けられません。内容から判定した種類: ",
                       "\" was refused: by its content it is "},
    [M_UPLOAD_NOT_ALLOWED] = {"。この種類 (プログラムなど) は添付できません。"
                              "何も送信・保存していません。",
                              ", a type that cannot be attached (programs "
                              "and the like). Nothing was sent or stored."},
    [M_UPLOAD_SIZE] = {"」は大きすぎます。1ファイルの上限 (バイト): ",
                       "\" is over the size limit; the limit per file "
                       "in bytes is "},
    [M_UPLOAD_NOTHING] = {"。何も送信・保存していません。",
                          ". Nothing was sent or stored."},
    [M_UPLOAD_COUNT] = {"一度に添付できるのは20ファイルまでです。何も送信・"
                        "保存していません。",
                        "At most 20 files can be attached at once. Nothing "
                        "was sent or stored."},
    [M_UPLOAD_QUOTA] = {"添付ファイルの保存容量の上限に達しているため、何も"
                        "送信・保存していません。管理者にご連絡ください。",
                        "The attachment storage quota is full, so nothing "
                        "was sent or stored. Please tell an administrator."},
    [M_ATTACH_FILES] = {"ファイルを添付", "Attach files"},
    [M_ATTACH_HINT] = {"添付ファイルはウイルス検査で問題がないと確認されて"
                       "から送信・表示されます。",
                       "Files are sent and shown once the virus scan finds "
                       "them clean."},
    [M_FILE_REFUSED] = {"添付ファイルを受け付けられませんでした",
                        "File refused"},
    [M_DOWNLOAD] = {"ダウンロード", "Download"},
    [M_SCAN_PENDING] = {"ウイルス検査待ち", "waiting for the virus scan"},
    [M_HELD_INFECTED] = {"ウイルスが見つかったため隔離しました。このメッセージ"
                         "は送信しません。",
                         "A virus was found: the file is quarantined and "
                         "this message will not be sent."},
    [M_LINK_GONE] = {"このリンクは使えません",
                     "This link does not work any more"},
    [M_LINK_GONE_TEXT] = {"お問い合わせのリンクが正しくないか、完了から時間が"
                          "経ったため無効になりました。受付番号を添えて、下記"
                          "のアドレスへメールでご連絡ください。",
                          "The link is wrong, or the request was closed a "
                          "while ago. Write to the address below and quote "
                          "your reference number: we will pick it up."},
};

static const char *const wdays[7][2] = {
    {"日曜", "Sunday"},   {"月曜", "Monday"}, {"火曜", "Tuesday"},
    {"水曜", "Wednesday"}, {"木曜", "Thursday"}, {"金曜", "Friday"},
    {"土曜", "Saturday"},
};

static int idx(const char *lang)
{
    return lang != NULL && strcmp(lang, "ja") == 0 ? 0 : 1;
}

const char *web_t(const char *lang, enum web_msg m)
{
    hd_assert(m < M_COUNT && msgs[m][0] != NULL);
    return msgs[m][idx(lang)];
}

const char *web_weekday(const char *lang, int wday)
{
    return wdays[((wday % 7) + 7) % 7][idx(lang)];
}

const char *web_lang_norm(const char *s)
{
    if (s == NULL)
        return NULL;
    if (strcmp(s, "ja") == 0)
        return "ja";
    if (strcmp(s, "en") == 0)
        return "en";
    return NULL;
}

/* Accept-Language: "en-US,en;q=0.9,ja;q=0.8": the ja or en item with the
 * highest q (the first on a tie). */
const char *web_lang_accept(const char *header)
{
    if (header == NULL)
        return NULL;
    const char *best = NULL;
    double best_q = 0;
    const char *p = header, *end = header + strnlen(header, WEB_ACCEPT_LANG_MAX);
    while (p < end) {
        while (p < end && (*p == ' ' || *p == ','))
            p++;
        const char *item = p;
        while (p < end && *p != ',')
            p++;
        const char *lang = NULL;
        if (strncasecmp(item, "ja", 2) == 0 && !isalpha((unsigned char)item[2]))
            lang = "ja";
        else if (strncasecmp(item, "en", 2) == 0 &&
                 !isalpha((unsigned char)item[2]))
            lang = "en";
        if (lang == NULL)
            continue;
        double q = 1.0;
        const char *qp = strstr(item, ";q=");
        if (qp != NULL && qp < p)
            q = strtod(qp + 3, NULL);
        if (q > best_q) {
            best_q = q;
            best = lang;
        }
    }
    return best;
}
