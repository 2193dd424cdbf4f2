/* i18n.h - every string of the public site's interface, in Japanese and
 * English, and the language a request is answered in. */
#ifndef WEB_I18N_H
#define WEB_I18N_H

#include "hd.h"

enum web_msg {
    M_SITE_TAGLINE, M_NAV_FAQ, M_NAV_TERMS, M_NAV_HOME, M_SWITCH_LANG,
    M_SEARCH_LABEL, M_SEARCH_BUTTON, M_SEARCH_PLACEHOLDER, M_SEARCH_TITLE,
    M_SEARCH_RESULTS, M_SEARCH_NONE, M_SEARCH_DID_YOU_MEAN, M_SEARCH_BAD,
    M_POPULAR, M_CATEGORIES, M_ALL_ARTICLES, M_CONTACT, M_INCIDENT,
    M_INCIDENT_HOURS, M_GENERAL, M_GENERAL_HOURS, M_OPEN_NOW, M_OPENS_AT,
    M_ANNOUNCEMENTS, M_ANN_MAINTENANCE, M_ANN_SERVICE_END, M_ANN_STATUS,
    M_ANN_FROM_TO, M_UPDATED, M_HELPFUL_Q, M_HELPFUL_YES, M_HELPFUL_NO,
    M_HELPFUL_THANKS, M_RELATED, M_OTHER_LANG_ONLY, M_TERMS_TITLE,
    M_TERMS_EMPTY, M_NOT_FOUND, M_NOT_FOUND_TEXT, M_METHOD, M_TOO_BIG,
    M_TOO_MANY, M_BAD_REQUEST, M_FORBIDDEN, M_SERVER_ERROR, M_HOME_TITLE,
    M_HOME_DESC, M_FAQ_TITLE, M_FAQ_DESC, M_UNCATEGORISED, M_FEED,
    M_NO_ARTICLES, M_SKIP, M_STILL_STUCK, M_CONTACT_INSTEAD, M_SEARCH_TRY,
    M_LINK_GONE, M_LINK_GONE_TEXT, M_BACK_TO_QUEUE, M_AGENT_FORBIDDEN,
    M_AGENT_NOT_FOUND, M_FORBIDDEN_AGENT, M_UPLOAD_FILE, M_UPLOAD_TYPE,
    M_UPLOAD_NOT_ALLOWED, M_UPLOAD_SIZE, M_UPLOAD_NOTHING, M_UPLOAD_COUNT,
    M_UPLOAD_QUOTA, M_ATTACH_FILES, M_ATTACH_HINT, M_DOWNLOAD,
    M_SCAN_PENDING, M_HELD_INFECTED, M_FILE_REFUSED, M_COUNT
};

/* The string for lang ("ja" or anything else: "en"). */
const char *web_t(const char *lang, enum web_msg m);
/* Weekday name, 0 = Sunday. */
const char *web_weekday(const char *lang, int wday);
/* "ja" or "en" when s names one of them, else NULL. */
const char *web_lang_norm(const char *s);
/* Best of ja/en in an Accept-Language header, or NULL. */
const char *web_lang_accept(const char *header);

#endif
