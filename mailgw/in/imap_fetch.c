/* imap_fetch.c - the IMAP side of `fetch` (see imap_fetch.h).  Owns the
 * IMAP conversation only; certificates are checked by tlsverify.c,
 * progress is kept by store_fetch.c, messages go through fetch.c. */
#include "imap_fetch.h"

#include "log.h"
#include "store_fetch.h"
#include "tlsverify.h"

#include <libetpan/libetpan.h>
#include <stdlib.h>
#include <string.h>

#define MG_IMAP_TIMEOUT_S 60           /* one command's reply */
#define MG_IMAP_ROUND_MAX 5000         /* UIDs listed per round */
#define MG_IMAP_BATCH_MAX 25           /* messages per UID FETCH */
#define MG_IMAP_BATCH_BYTES (32u << 20) /* bytes per UID FETCH (soft) */

struct imap_item {
    uint32_t uid, size;
    const char *body; /* into the fetch result */
    size_t len;
};

static bool imap_ok(int r)
{
    return r == MAILIMAP_NO_ERROR || r == MAILIMAP_NO_ERROR_AUTHENTICATED ||
           r == MAILIMAP_NO_ERROR_NON_AUTHENTICATED;
}

static int imap_fail(struct mg_fetch *f, int r, const char *what,
                     struct hd_error *err)
{
    enum hd_errcode code = r == MAILIMAP_ERROR_LOGIN ? HD_E_PERM : HD_E_TEMP;
    hd_error_set(err, code, "imap %s:%u: %s failed (libetpan %d)", f->host,
                 f->port, what, r);
    return -1;
}

static const char *cert_name(const struct mg_fetch *f)
{
    return f->tls_name && *f->tls_name ? f->tls_name : f->host;
}

static int refresh_caps(mailimap *imap)
{
    struct mailimap_capability_data *cap = NULL;
    int r = mailimap_capability(imap, &cap);
    if (cap != NULL)
        mailimap_capability_data_free(cap);
    return r;
}

/* Connects and brings the session to "TLS verified", not yet logged in. */
static int imap_connect(struct mg_fetch *f, mailimap *imap,
                        struct hd_error *err)
{
    void *name = (void *)cert_name(f);
    int r = f->tls == MG_FETCH_TLS_IMPLICIT
                ? mailimap_ssl_connect_with_callback(
                      imap, f->host, f->port, mg_tls_sni_callback, name)
                : mailimap_socket_connect(imap, f->host, f->port);
    if (!imap_ok(r))
        return imap_fail(f, r, "connect", err);
    if (f->tls == MG_FETCH_TLS_STARTTLS) {
        if (refresh_caps(imap) != MAILIMAP_NO_ERROR ||
            !mailimap_has_extension(imap, "STARTTLS")) {
            hd_error_set(err, HD_E_PERM,
                         "imap %s:%u offers no STARTTLS (use imaps:// or, "
                         "for tests only, ?tls=none)", f->host, f->port);
            return -1;
        }
        r = mailimap_socket_starttls_with_callback(imap, mg_tls_sni_callback,
                                                   name);
        if (!imap_ok(r))
            return imap_fail(f, r, "STARTTLS", err);
    }
    if (f->tls != MG_FETCH_TLS_NONE && f->verify &&
        mg_tls_verify(imap->imap_stream, cert_name(f), f->ca_file, err) < 0)
        return -1;
    return 0;
}

static int imap_login_select(struct mg_fetch *f, mailimap *imap,
                             struct hd_error *err)
{
    int r = mailimap_login(imap, f->user, f->password);
    if (!imap_ok(r))
        return imap_fail(f, r, "LOGIN", err);
    if ((r = refresh_caps(imap)) != MAILIMAP_NO_ERROR)
        return imap_fail(f, r, "CAPABILITY", err);
    if (f->done_folder && *f->done_folder)
        (void)mailimap_create(imap, f->done_folder); /* may exist: fine */
    r = mailimap_select(imap, f->mailbox);
    if (!imap_ok(r))
        return imap_fail(f, r, "SELECT", err);
    return 0;
}

/* UID and RFC822.SIZE (and the body when asked) of one fetch result. */
static void item_from_att(struct mailimap_msg_att *att, struct imap_item *it)
{
    memset(it, 0, sizeof *it);
    for (clistiter *c = clist_begin(att->att_list); c; c = clist_next(c)) {
        struct mailimap_msg_att_item *ai = clist_content(c);
        if (ai->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC)
            continue;
        struct mailimap_msg_att_static *s = ai->att_data.att_static;
        if (s->att_type == MAILIMAP_MSG_ATT_UID)
            it->uid = s->att_data.att_uid;
        else if (s->att_type == MAILIMAP_MSG_ATT_RFC822_SIZE)
            it->size = s->att_data.att_rfc822_size;
        else if (s->att_type == MAILIMAP_MSG_ATT_BODY_SECTION &&
                 s->att_data.att_body_section->sec_body_part != NULL) {
            it->body = s->att_data.att_body_section->sec_body_part;
            it->len = s->att_data.att_body_section->sec_length;
        }
    }
}

static int item_cmp(const void *a, const void *b)
{
    uint32_t x = ((const struct imap_item *)a)->uid;
    uint32_t y = ((const struct imap_item *)b)->uid;
    return x < y ? -1 : x > y;
}

/* Runs UID FETCH on set with or without the body; the items (sorted by
 * UID, only UIDs above 'above') point into *result_r, which the caller
 * frees with mailimap_fetch_list_free(). */
static int uid_fetch(mailimap *imap, struct mailimap_set *set, bool body,
                     uint32_t above, clist **result_r,
                     struct imap_item **items_r, size_t *n_r)
{
    struct mailimap_fetch_type *ft =
        mailimap_fetch_type_new_fetch_att_list_empty();
    mailimap_fetch_type_new_fetch_att_list_add(ft,
                                               mailimap_fetch_att_new_uid());
    mailimap_fetch_type_new_fetch_att_list_add(
        ft, mailimap_fetch_att_new_rfc822_size());
    if (body)
        mailimap_fetch_type_new_fetch_att_list_add(
            ft, mailimap_fetch_att_new_body_peek_section(
                    mailimap_section_new(NULL)));
    int r = mailimap_uid_fetch(imap, set, ft, result_r);
    mailimap_fetch_type_free(ft);
    if (r != MAILIMAP_NO_ERROR)
        return r;
    size_t cap = clist_count(*result_r), n = 0;
    struct imap_item *items = hd_xcalloc(cap ? cap : 1, sizeof *items);
    for (clistiter *c = clist_begin(*result_r); c; c = clist_next(c)) {
        item_from_att(clist_content(c), &items[n]);
        if (items[n].uid > above && (!body || items[n].body != NULL))
            n++;
    }
    qsort(items, n, sizeof *items, item_cmp);
    *items_r = items;
    *n_r = n;
    return MAILIMAP_NO_ERROR;
}

static int store_flag(mailimap *imap, struct mailimap_set *set,
                      struct mailimap_flag *flag)
{
    struct mailimap_flag_list *fl = mailimap_flag_list_new_empty();
    mailimap_flag_list_add(fl, flag);
    struct mailimap_store_att_flags *sa =
        mailimap_store_att_flags_new_add_flags_silent(fl);
    int r = mailimap_uid_store(imap, set, sa);
    mailimap_store_att_flags_free(sa);
    return r;
}

/* Marks a committed message on the server: moved to the done folder, or
 * seen.  Without MOVE the copy is made and the original flagged
 * \Deleted; UID EXPUNGE (UIDPLUS) removes only that one. */
static int imap_mark(struct mg_fetch *f, mailimap *imap, uint32_t uid,
                     struct hd_error *err)
{
    struct mailimap_set *set = mailimap_set_new_single(uid);
    int r;
    const char *what = "UID STORE";
    if (f->done_folder == NULL || *f->done_folder == '\0') {
        r = store_flag(imap, set, mailimap_flag_new_seen());
    } else if (mailimap_has_extension(imap, "MOVE")) {
        what = "UID MOVE";
        r = mailimap_uid_move(imap, set, f->done_folder);
    } else {
        what = "UID COPY";
        r = mailimap_uid_copy(imap, set, f->done_folder);
        if (r == MAILIMAP_NO_ERROR)
            r = store_flag(imap, set, mailimap_flag_new_deleted());
        if (r == MAILIMAP_NO_ERROR && mailimap_has_extension(imap, "UIDPLUS"))
            r = mailimap_uid_expunge(imap, set);
    }
    mailimap_set_free(set);
    return r == MAILIMAP_NO_ERROR ? 0 : imap_fail(f, r, what, err);
}

/* One message: committed, marked, recorded, with stop signals held so a
 * SIGTERM lets it finish. */
static int imap_take(struct mg_fetch *f, mailimap *imap, uint32_t validity,
                     const struct imap_item *it, struct hd_error *err)
{
    struct hd_store *st = hd_instance_store(f->inst);
    mg_fetch_signals_hold(true);
    int rc = mg_fetch_intake(f, it->body, it->len, err);
    if (rc == 0)
        rc = imap_mark(f, imap, it->uid, err);
    if (rc == 0)
        rc = hd_store_fetch_imap_set(st, f->source, validity, it->uid, err);
    mg_fetch_signals_hold(false);
    return rc;
}

/* Takes the messages of items[0..n) in UID order; 0, or -1 at the first
 * failure (that message stays on the server for the next round). */
static int imap_batch(struct mg_fetch *f, mailimap *imap, uint32_t validity,
                      const struct imap_item *items, size_t n,
                      struct hd_error *err)
{
    struct mailimap_set *set = mailimap_set_new_empty();
    for (size_t i = 0; i < n; i++)
        mailimap_set_add_single(set, items[i].uid);
    clist *res = NULL;
    struct imap_item *got = NULL;
    size_t ng = 0;
    int r = uid_fetch(imap, set, true, 0, &res, &got, &ng);
    mailimap_set_free(set);
    int rc = r == MAILIMAP_NO_ERROR ? 0 : imap_fail(f, r, "UID FETCH", err);
    for (size_t i = 0; rc == 0 && i < ng && !mg_fetch_stopping(); i++)
        rc = imap_take(f, imap, validity, &got[i], err);
    free(got);
    if (res != NULL)
        mailimap_fetch_list_free(res);
    return rc;
}

static int imap_progress(struct mg_fetch *f, uint32_t validity,
                         uint32_t *last_r, struct hd_error *err)
{
    int64_t uv = 0, last = 0;
    int found = hd_store_fetch_imap_get(hd_instance_store(f->inst),
                                        f->source, &uv, &last, err);
    if (found < 0)
        return -1;
    if (found && uv != (int64_t)validity) {
        hd_warn("fetch", "uidvalidity", "source=%s old=%lld new=%u: "
                "starting over (duplicates are dropped)", f->source,
                (long long)uv, validity);
        last = 0;
    }
    *last_r = (uint32_t)last;
    return 0;
}

/* Lists the UIDs above the recorded one and takes them batch by batch. */
static int imap_round(struct mg_fetch *f, mailimap *imap,
                      struct hd_error *err)
{
    struct mailimap_selection_info *sel = imap->imap_selection_info;
    uint32_t validity = sel ? sel->sel_uidvalidity : 0, last;
    if (imap_progress(f, validity, &last, err) < 0)
        return -1;
    if (sel != NULL && sel->sel_exists == 0)
        return 0;
    struct mailimap_set *set = mailimap_set_new_interval(last + 1, 0);
    clist *res = NULL;
    struct imap_item *items = NULL;
    size_t n = 0;
    int r = uid_fetch(imap, set, false, last, &res, &items, &n);
    mailimap_set_free(set);
    int rc = r == MAILIMAP_NO_ERROR ? 0 : imap_fail(f, r, "UID FETCH", err);
    if (n > MG_IMAP_ROUND_MAX)
        n = MG_IMAP_ROUND_MAX;
    for (size_t i = 0; rc == 0 && i < n && !mg_fetch_stopping();) {
        size_t k = 0, bytes = 0;
        while (i + k < n && k < MG_IMAP_BATCH_MAX &&
               (k == 0 || bytes + items[i + k].size <= MG_IMAP_BATCH_BYTES))
            bytes += items[i + k++].size;
        rc = imap_batch(f, imap, validity, items + i, k, err);
        i += k;
    }
    free(items);
    if (res != NULL)
        mailimap_fetch_list_free(res);
    return rc;
}

/* Waits for new mail: IDLE (RFC 2177) when offered, renewed after
 * f->idle_seconds (servers may drop an IDLE after 30 minutes), else a
 * plain sleep of f->poll_seconds.  0 on wake or timeout, -1 on error;
 * a stop request returns 0 with mg_fetch_stopping() true. */
static int imap_wait(struct mg_fetch *f, mailimap *imap,
                     struct hd_error *err)
{
    if (!mailimap_has_extension(imap, "IDLE")) {
        (void)mg_fetch_wait(-1, f->poll_seconds);
        int r = mailimap_noop(imap); /* collects EXISTS updates */
        return mg_fetch_stopping() || r == MAILIMAP_NO_ERROR
                   ? 0 : imap_fail(f, r, "NOOP", err);
    }
    int r = mailimap_idle(imap);
    if (r != MAILIMAP_NO_ERROR)
        return mg_fetch_stopping() ? 0 : imap_fail(f, r, "IDLE", err);
    (void)mg_fetch_wait(mailimap_idle_get_fd(imap), f->idle_seconds);
    r = mailimap_idle_done(imap);
    if (r != MAILIMAP_NO_ERROR && !mg_fetch_stopping())
        return imap_fail(f, r, "DONE", err);
    return 0;
}

static int imap_session(struct mg_fetch *f, mailimap *imap,
                        struct hd_error *err)
{
    if (imap_connect(f, imap, err) < 0 || imap_login_select(f, imap, err) < 0)
        return -1;
    hd_info("fetch", "session", "source=%s idle=%d move=%d", f->source,
            mailimap_has_extension(imap, "IDLE"),
            mailimap_has_extension(imap, "MOVE"));
    for (;;) {
        if (imap_round(f, imap, err) < 0)
            return mg_fetch_stopping() ? 0 : -1;
        if (f->once || mg_fetch_stopping())
            return 0;
        if (imap_wait(f, imap, err) < 0)
            return -1;
        if (mg_fetch_stopping())
            return 0;
    }
}

int mg_imap_fetch_run(struct mg_fetch *f, struct hd_error *err)
{
    mailimap *imap = mailimap_new(0, NULL);
    hd_assert(imap != NULL);
    mailimap_set_timeout(imap, MG_IMAP_TIMEOUT_S);
    int rc = imap_session(f, imap, err);
    if (imap->imap_state != MAILIMAP_STATE_DISCONNECTED)
        (void)mailimap_logout(imap);
    mailimap_free(imap);
    return rc;
}
