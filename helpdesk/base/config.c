/* config.c - see config.h.  The table below is the complete list of
 * settings; the sample config written by `init` is generated from it. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct key {
    const char *name;
    const char *def;
    const char *help;
};

static const struct key keys[] = {
    /* ---- instance ---- */
    {"instance.name", "Support", "Name shown to customers and in mail"},
    {"instance.timezone", "Asia/Tokyo",
     "Time zone for display and business hours (IANA name)"},
    {"instance.public_url", "",
     "Public base URL, e.g. https://support.example.com (empty: no links)"},
    {"instance.default_lang", "ja", "Language when none can be detected"},
    {"store.busy_timeout_ms", "5000",
     "How long a writer waits for the database lock"},
    /* ---- mail ---- */
    {"mail.from_address", "support@example.com",
     "Address our mail comes from"},
    {"mail.subject_tag", "Support", "Tag in subjects: [Support #10001]"},
    {"mail.reopen_resolved", "true",
     "A customer reply to a resolved ticket reopens it"},
    {"mail.max_message_bytes", "26214400",
     "Largest message kept whole; larger parts are dropped (ticket says so)"},
    {"mail.max_attachment_bytes", "20971520", "Largest single attachment"},
    {"mail.attachment_deny_types",
     "application/x-dosexec application/x-executable "
     "application/x-msdownload application/x-sharedlib "
     "application/x-pie-executable "
     "application/vnd.microsoft.portable-executable",
     "Detected types refused (space-separated)"},
    {"mail.attachment_allow_types", "",
     "Only these detected types are stored (space-separated; empty: all "
     "not refused)"},
    {"mail.loop_marker", "helpdesk", "Value of our X-Loop header"},
    {"mail.japanese_charset", "utf-8",
     "Body charset of Japanese mail we send: utf-8, or iso-2022-jp for old "
     "clients (falls back to utf-8 when a character has no JIS form)"},
    {"mail.deliver_busy_ms", "20000",
     "deliver: wait this long for the database, then exit 75"},
    {"mail.lmtp_socket", "",
     "LMTP socket of `helpdesk-mailgw lmtp`; deliver hands mail to it when "
     "it answers (empty: DIR/run/lmtp.sock; relative: under DIR)"},
    {"mail.lmtp_listen", "",
     "Also serve LMTP on TCP, 127.x.x.x:PORT only (empty: off)"},
    {"mail.lmtp_max_connections", "16", "LMTP connections at once"},
    {"mail.lmtp_timeout_seconds", "300",
     "LMTP: drop a connection idle this long"},
    /* ---- smtp (outbound) ---- */
    {"smtp.host", "127.0.0.1", "SMTP relay for outbound mail"},
    {"smtp.port", "25", "SMTP port"},
    {"smtp.tls", "starttls", "none, starttls or tls"},
    {"smtp.ca_file", "", "CA bundle (empty: system bundle)"},
    {"smtp.verify", "true", "Verify the server certificate and host name"},
    {"smtp.user", "", "AUTH user (empty: no AUTH)"},
    {"smtp.password_file", "", "File holding the AUTH password"},
    {"smtp.give_up_hours", "48", "Stop retrying an outbound mail after"},
    /* ---- fetch (IMAP/POP3) ---- */
    {"fetch.url", "", "imaps://user@host:993/INBOX or pop3s://... (empty: off)"},
    {"fetch.password_file", "", "File holding the mailbox password"},
    {"fetch.ca_file", "", "CA bundle for the mailbox server"},
    {"fetch.done_folder", "", "IMAP folder to move processed mail to"},
    {"fetch.verify", "true",
     "Verify the server certificate and host name (false: tests only)"},
    {"fetch.tls_name", "",
     "Name the server certificate must carry (empty: the URL's host)"},
    {"fetch.poll_seconds", "60",
     "Wait between rounds when the server offers no IMAP IDLE, and for POP3"},
    {"fetch.idle_minutes", "25", "Renew IMAP IDLE after this long"},
    /* ---- web ---- */
    {"web.listen", "127.0.0.1:8080", "Address and port to listen on"},
    {"web.threads", "4", "HTTP worker threads"},
    {"web.tls_cert", "", "PEM certificate chain (empty: plain HTTP)"},
    {"web.tls_key", "", "PEM private key"},
    {"web.max_body_bytes", "1048576", "Largest request body"},
    {"web.rate_limit_per_minute", "600", "Requests per client IP per minute"},
    {"web.trusted_proxy", "", "Proxy address whose X-Forwarded-For we trust"},
    {"web.max_connections", "256", "Open connections in total"},
    {"web.per_ip_connections", "64", "Open connections per client IP"},
    {"web.timeout_seconds", "30", "Idle connection timeout"},
    {"api.rate_limit_per_minute", "600", "API requests per token per minute"},
    {"ops.min_free_disk_mb", "100", "/readyz fails below this much free disk"},
    {"ops.heartbeat_max_age_seconds", "120",
     "/readyz fails when the worker's heartbeat is older"},
    /* ---- support channels ---- */
    {"support.incident_address", "incident@example.com",
     "Address for incidents (24/7)"},
    {"support.general_address", "support@example.com",
     "Address for general questions (business hours)"},
    {"support.oncall_addresses", "",
     "Who gets incident alerts at once, day or night (comma-separated)"},
    {"calendar.hours", "mon-fri 10:00-19:00", "Business hours"},
    {"calendar.jp_holidays", "true", "Close on Japanese national holidays"},
    {"calendar.year_end", "12-29..01-03", "Year-end closure (empty: none)"},
    /* ---- security ---- */
    {"auth.lockout_failures", "5", "Failed sign-ins before lockout"},
    {"auth.lockout_window_minutes", "10", "Window for counting failures"},
    {"auth.session_idle_minutes", "60", "Idle timeout of a session"},
    {"auth.session_max_hours", "12", "Absolute session lifetime"},
    {"auth.require_2fa_roles", "admin", "Roles that must use TOTP"},
    {"auth.allow_ips.admin", "",
     "Networks admins may sign in from (CIDR list; empty: any)"},
    {"auth.allow_ips.agent", "",
     "Networks agents may sign in from (CIDR list; empty: any)"},
    {"auth.allow_ips.viewer", "",
     "Networks viewers may sign in from (CIDR list; empty: any)"},
    /* ---- data safety ---- */
    {"backup.dir", "", "Where backups go (empty: DIR.backups beside DIR)"},
    {"backup.generations", "20", "Backup generations kept"},
    {"backup.hour", "3", "Hour of the daily backup (instance time zone)"},
    {"backup.key_file", "", "Backup key (empty: DIR.backup-key)"},
    {"log.retention_days", "730", "Audit and security log retention"},
    {"scan.clamd_socket", "", "clamd socket (empty: no scanning)"},
    {"attachments.org_quota_bytes", "1073741824",
     "Default attachment quota per organisation"},
    /* ---- report: the service checklist (helpdesk report checklist) ---- */
    {"report.availability_target", "99.9",
     "Availability (percent) below which checklist row 13 needs attention"},
    {"report.row1", "",
     "Checklist row 1, answered by the operator: Terms: confidentiality binds both sides equally (empty: unanswered)"},
    {"report.row2", "",
     "Checklist row 2, answered by the operator: Terms: data-loss measures (empty: unanswered)"},
    {"report.row3", "",
     "Checklist row 3, answered by the operator: Terms: damages on data loss and outages (empty: unanswered)"},
    {"report.row4", "",
     "Checklist row 4, answered by the operator: Terms: data return and complete erasure at contract end (empty: unanswered)"},
    {"report.row5", "",
     "Checklist row 5, answered by the operator: Terms: rules for service changes (content, notice, channel) (empty: unanswered)"},
    {"report.row6", "",
     "Checklist row 6, answered by the operator: Terms: no unilateral termination by the provider (empty: unanswered)"},
    {"report.row7", "",
     "Checklist row 7, answered by the operator: Terms: no penalty when the customer cancels (empty: unanswered)"},
    {"report.row8", "",
     "Checklist row 8, answered by the operator: Terms: disclaimers (empty: unanswered)"},
    {"report.row17", "",
     "Checklist row 17, answered by the operator: Upgrade and patch policy (empty: unanswered)"},
    {"report.row18", "",
     "Checklist row 18, answered by the operator: Redundancy of servers, storage and network (empty: unanswered)"},
    {"report.row36", "",
     "Checklist row 36, answered by the operator: Time source of every machine (e.g. chrony with NTP servers) (empty: unanswered)"},
    {"report.row44", "",
     "Checklist row 44, answered by the operator: Data handling environment of the provider (empty: unanswered)"},
    {"report.row54", "",
     "Checklist row 54, answered by the operator: Laws of the data location and their constraints (empty: unanswered)"},
    {"report.row55", "",
     "Checklist row 55, answered by the operator: Physical and environmental security of the premises (empty: unanswered)"},
};

struct hd_config {
    char *values[HD_ARRAY_LEN(keys)]; /* NULL: default */
};

static int key_index(const char *name)
{
    for (size_t i = 0; i < HD_ARRAY_LEN(keys); i++)
        if (strcmp(keys[i].name, name) == 0)
            return (int)i;
    return -1;
}

struct hd_config *hd_config_new(void)
{
    return hd_xcalloc(1, sizeof(struct hd_config));
}

void hd_config_free(struct hd_config **cfgp)
{
    struct hd_config *cfg = *cfgp;
    if (cfg == NULL)
        return;
    for (size_t i = 0; i < HD_ARRAY_LEN(keys); i++)
        free(cfg->values[i]);
    free(cfg);
    *cfgp = NULL;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

int hd_config_set(struct hd_config *cfg, const char *key, const char *value,
                  struct hd_error *err)
{
    int i = key_index(key);
    if (i < 0) {
        hd_error_set(err, HD_E_CONFIG, "unknown key '%.80s'", key);
        return -1;
    }
    free(cfg->values[i]);
    cfg->values[i] = hd_xstrdup(value);
    return 0;
}

int hd_config_load(struct hd_config *cfg, const char *path,
                   struct hd_error *err)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        hd_error_set(err, errno == ENOENT ? HD_E_NOTFOUND : HD_E_IO,
                     "%s: %s", path, strerror(errno));
        return -1;
    }
    char line[HD_CONFIG_LINE_MAX];
    int lineno = 0, rc = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        lineno++;
        if (strchr(line, '\n') == NULL && !feof(f)) {
            hd_error_set(err, HD_E_CONFIG, "%s:%d: line longer than %d bytes",
                         path, lineno, HD_CONFIG_LINE_MAX - 2);
            rc = -1;
            break;
        }
        char *s = trim(line);
        if (*s == '\0' || *s == '#')
            continue;
        char *eq = strchr(s, '=');
        if (eq == NULL) {
            hd_error_set(err, HD_E_CONFIG,
                         "%s:%d: expected 'key = value', got '%.60s'", path,
                         lineno, s);
            rc = -1;
            break;
        }
        *eq = '\0';
        char *key = trim(s), *value = trim(eq + 1);
        size_t vl = strlen(value);
        if (vl >= 2 && value[0] == '"' && value[vl - 1] == '"') {
            value[vl - 1] = '\0';
            value++;
        }
        if (key_index(key) < 0) {
            hd_error_set(err, HD_E_CONFIG, "%s:%d: unknown key '%.80s'",
                         path, lineno, key);
            rc = -1;
            break;
        }
        if (hd_config_set(cfg, key, value, err) < 0) {
            rc = -1;
            break;
        }
    }
    fclose(f);
    return rc;
}

const char *hd_config_get(const struct hd_config *cfg, const char *key)
{
    int i = key_index(key);
    if (i < 0)
        hd_panic(__FILE__, __LINE__, "undeclared config key %s", key);
    return cfg->values[i] != NULL ? cfg->values[i] : keys[i].def;
}

long long hd_config_get_int(const struct hd_config *cfg, const char *key)
{
    return strtoll(hd_config_get(cfg, key), NULL, 10);
}

bool hd_config_get_bool(const struct hd_config *cfg, const char *key)
{
    const char *v = hd_config_get(cfg, key);
    return strcmp(v, "true") == 0 || strcmp(v, "yes") == 0 ||
           strcmp(v, "1") == 0 || strcmp(v, "on") == 0;
}

int hd_config_write_sample(struct hd_buf *out, struct hd_error *err)
{
    if (hd_buf_puts(out,
                    "# helpdesk.conf - every setting with its default.\n"
                    "# Uncomment and change what you need; unknown keys are "
                    "refused.\n",
                    err) < 0)
        return -1;
    const char *section = "";
    for (size_t i = 0; i < HD_ARRAY_LEN(keys); i++) {
        const char *dot = strchr(keys[i].name, '.');
        size_t sl = (size_t)(dot - keys[i].name);
        if (strncmp(section, keys[i].name, sl) != 0 || section[sl] != '.') {
            if (hd_buf_printf(out, err, "\n# [%.*s]\n", (int)sl,
                              keys[i].name) < 0)
                return -1;
            section = keys[i].name;
        }
        if (hd_buf_printf(out, err, "# %s\n#%s = %s\n", keys[i].help,
                          keys[i].name, keys[i].def) < 0)
            return -1;
    }
    return 0;
}
