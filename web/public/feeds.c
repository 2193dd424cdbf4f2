/* feeds.c - /sitemap.xml and /faq/feed.atom, written with libxml2's
 * xmlTextWriter (which escapes markup characters but writes C0 controls
 * raw, making the XML invalid: every text goes through xml_clean()
 * first).  URLs are absolute from instance.public_url. */
#include "clock.h"
#include "i18n.h"
#include "log.h"
#include "store_faq.h"
#include "web_int.h"

#include <libxml/xmlwriter.h>
#include <string.h>

#define WEB_FEED_ENTRIES 20
#define WEB_SUMMARY_MAX 300

/* Copy of s without C0 controls other than TAB, LF and CR, cut at max
 * bytes on a character boundary (0: no cut). */
static const xmlChar *xml_clean(struct hd_arena *a, const char *s, size_t max)
{
    size_t n = strlen(s);
    if (max && n > max) {
        n = max;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    char *out = hd_arena_alloc(a, n + 1), *w = out;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
            continue;
        *w++ = (char)c;
    }
    *w = '\0';
    return (const xmlChar *)out;
}

static const char *base_url(struct web_req *r)
{
    return r->app->public_url;
}

static void element(xmlTextWriterPtr w, struct web_req *r, const char *name,
                    const char *text)
{
    xmlTextWriterWriteElement(w, (const xmlChar *)name,
                              xml_clean(r->a, text, 0));
}

static void finish(struct web_req *r, xmlBufferPtr buf, xmlTextWriterPtr w,
                   const char *ctype)
{
    xmlTextWriterEndDocument(w);
    xmlFreeTextWriter(w);
    char *body = hd_arena_strndup(r->a, (const char *)xmlBufferContent(buf),
                                  (size_t)xmlBufferLength(buf));
    web_resp_data(r, 200, ctype, body, strlen(body), true);
    xmlBufferFree(buf);
}

static void sitemap_url(xmlTextWriterPtr w, struct web_req *r,
                        const char *path, int64_t lastmod)
{
    xmlTextWriterStartElement(w, BAD_CAST "url");
    element(w, r, "loc", hd_arena_printf(r->a, "%s%s", base_url(r), path));
    if (lastmod > 0) {
        char t[32];
        hd_time_format_utc(lastmod, t);
        element(w, r, "lastmod", t);
    }
    xmlTextWriterEndElement(w);
}

static bool load(struct web_req *r, enum hd_faq_order order, size_t limit,
                 struct hd_faq_article **as, size_t *n)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_faq_filter f = {.public_only = true, .order = order,
                              .limit = limit};
    if (*base_url(r) == '\0') {
        web_error_page(r, 404); /* no public URL configured: no feeds */
        return false;
    }
    if (hd_store_faq_article_list(r->st, &f, r->a, as, n, &err) < 0) {
        hd_err("web", "store", "error=\"%s\"", err.msg);
        web_error_page(r, 500);
        return false;
    }
    return true;
}

void web_feed_sitemap(struct web_req *r, const char *arg)
{
    (void)arg;
    struct hd_faq_article *as;
    size_t n;
    if (!load(r, HD_FAQ_BY_CATEGORY, 0, &as, &n))
        return;
    xmlBufferPtr buf = xmlBufferCreate();
    xmlTextWriterPtr w = xmlNewTextWriterMemory(buf, 0);
    xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL);
    xmlTextWriterStartElement(w, BAD_CAST "urlset");
    xmlTextWriterWriteAttribute(
        w, BAD_CAST "xmlns",
        BAD_CAST "http://www.sitemaps.org/schemas/sitemap/0.9");
    sitemap_url(w, r, "/", 0);
    sitemap_url(w, r, "/faq/", 0);
    sitemap_url(w, r, "/terms", 0);
    for (size_t i = 0; i < n; i++)
        sitemap_url(w, r, hd_arena_printf(r->a, "/faq/%s", as[i].slug),
                    as[i].updated_at);
    xmlTextWriterEndElement(w);
    finish(r, buf, w, "application/xml; charset=utf-8");
}

static void atom_entry(xmlTextWriterPtr w, struct web_req *r,
                       const struct hd_faq_article *a)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_faq_text t;
    bool ja = strcmp(r->lang, "ja") == 0;
    int found = hd_store_faq_text_get(r->st, a->id, ja ? "ja" : "en", r->a,
                                      &t, &err);
    if (found == 0)
        found = hd_store_faq_text_get(r->st, a->id, ja ? "en" : "ja", r->a,
                                      &t, &err);
    if (found != 1)
        return;
    const char *url = hd_arena_printf(r->a, "%s/faq/%s", base_url(r), a->slug);
    char upd[32];
    hd_time_format_utc(a->updated_at, upd);
    xmlTextWriterStartElement(w, BAD_CAST "entry");
    element(w, r, "title", t.title);
    element(w, r, "id", url);
    element(w, r, "updated", upd);
    xmlTextWriterStartElement(w, BAD_CAST "link");
    xmlTextWriterWriteAttribute(w, BAD_CAST "href", xml_clean(r->a, url, 0));
    xmlTextWriterEndElement(w);
    xmlTextWriterWriteElement(w, BAD_CAST "summary",
                              xml_clean(r->a, t.body_text, WEB_SUMMARY_MAX));
    xmlTextWriterEndElement(w);
}

void web_feed_atom(struct web_req *r, const char *arg)
{
    (void)arg;
    struct hd_faq_article *as;
    size_t n;
    if (!load(r, HD_FAQ_BY_UPDATED, WEB_FEED_ENTRIES, &as, &n))
        return;
    xmlBufferPtr buf = xmlBufferCreate();
    xmlTextWriterPtr w = xmlNewTextWriterMemory(buf, 0);
    char upd[32];
    hd_time_format_utc(n ? as[0].updated_at : r->app->started_at, upd);
    xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL);
    xmlTextWriterStartElement(w, BAD_CAST "feed");
    xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns",
                                BAD_CAST "http://www.w3.org/2005/Atom");
    xmlTextWriterWriteAttribute(w, BAD_CAST "xml:lang",
                                (const xmlChar *)r->lang);
    element(w, r, "title", web_t(r->lang, M_FAQ_TITLE));
    element(w, r, "id", hd_arena_printf(r->a, "%s/faq/", base_url(r)));
    element(w, r, "updated", upd);
    xmlTextWriterStartElement(w, BAD_CAST "link");
    xmlTextWriterWriteAttribute(w, BAD_CAST "rel", BAD_CAST "self");
    xmlTextWriterWriteAttribute(
        w, BAD_CAST "href",
        xml_clean(r->a, hd_arena_printf(r->a, "%s/faq/feed.atom",
                                        base_url(r)), 0));
    xmlTextWriterEndElement(w);
    xmlTextWriterStartElement(w, BAD_CAST "author");
    element(w, r, "name", hd_config_instance_name(r->app->cfg, r->lang));
    xmlTextWriterEndElement(w);
    for (size_t i = 0; i < n; i++)
        atom_entry(w, r, &as[i]);
    xmlTextWriterEndElement(w);
    finish(r, buf, w, "application/atom+xml; charset=utf-8");
}
