/* config_keys.h - every setting of helpdesk.conf, once: its name in the
 * code, its key in the file, its default and its help line.  config.c
 * builds its table (and so `helpdesk config sample`) from this list, and
 * config.h builds enum hd_cfg_key from it, so a lookup names
 * HD_CFG_SCAN_CLAMD_SOCKET and a misspelt key does not compile.
 *
 * X(ID, "section.key", "default", "help"): ID is the key in capitals with
 * '.' as '_'.  The order is the sample's order; a new section starts where
 * the part before the first '.' changes. */
#ifndef HD_CONFIG_KEYS_H
#define HD_CONFIG_KEYS_H

#define HD_CONFIG_KEYS(X)                                                    \
    /* ---- instance ---- */                                                 \
    X(INSTANCE_NAME, "instance.name", "Support",                             \
      "Name shown to customers and in mail; when unset, Support in English " \
      "and the Japanese word for support centre in Japanese")                \
    X(INSTANCE_TIMEZONE, "instance.timezone", "Asia/Tokyo",                  \
      "Time zone for display and business hours (IANA name)")                \
    X(INSTANCE_PUBLIC_URL, "instance.public_url", "",                        \
      "Public base URL, e.g. https://support.example.com (empty: no links)") \
    X(INSTANCE_DEFAULT_LANG, "instance.default_lang", "ja",                  \
      "Language when none can be detected")                                  \
    X(STORE_URL, "store.url", "",                                             \
      "PostgreSQL database of the store (postgresql://...; a multi-host "   \
      "URL with target_session_attrs=read-write follows a failover); "      \
      "empty: SQLite in DIR/helpdesk.db (docs/scale-out.md)")                \
    X(STORE_BUSY_TIMEOUT_MS, "store.busy_timeout_ms", "5000",                \
      "How long a writer waits for the database lock")                       \
    /* ---- mail ---- */                                                     \
    X(MAIL_FROM_ADDRESS, "mail.from_address", "support@example.com",         \
      "Address our mail comes from")                                         \
    X(MAIL_SUBJECT_TAG, "mail.subject_tag", "Support",                       \
      "Tag in subjects: [Support #10001]")                                   \
    X(MAIL_REOPEN_RESOLVED, "mail.reopen_resolved", "true",                  \
      "A customer reply to a resolved ticket reopens it")                    \
    X(MAIL_SPAM_HEADERS, "mail.spam_headers", "true",                        \
      "Hold new mail our MTA marked as spam (topmost X-Spam-Flag, "          \
      "X-Spam-Status, X-Spamd-Result; docs/mail.md)")                        \
    X(MAIL_CSAT_MAIL, "mail.csat_mail", "true",                              \
      "Mail the requester when a ticket is solved, with a link to rate the " \
      "answer (needs instance.public_url)")                                  \
    X(MAIL_AUTHSERV_ID, "mail.authserv_id", "",                              \
      "Authentication-Results trusted only from this authserv-id (empty: "   \
      "the topmost one); DMARC fail: no acknowledgement")                    \
    X(MAIL_MAX_MESSAGE_BYTES, "mail.max_message_bytes", "26214400",          \
      "Largest message kept whole; larger parts are dropped (ticket says "   \
      "so)")                                                                 \
    X(MAIL_MAX_ATTACHMENT_BYTES, "mail.max_attachment_bytes", "20971520",    \
      "Largest single attachment")                                           \
    X(MAIL_ATTACHMENT_DENY_TYPES, "mail.attachment_deny_types",              \
      "application/x-dosexec application/x-executable "                      \
      "application/x-msdownload application/x-sharedlib "                    \
      "application/x-pie-executable "                                        \
      "application/vnd.microsoft.portable-executable",                       \
      "Detected types refused (space-separated)")                            \
    X(MAIL_ATTACHMENT_ALLOW_TYPES, "mail.attachment_allow_types", "",        \
      "Only these detected types are stored (space-separated; empty: all "   \
      "not refused)")                                                        \
    X(MAIL_REPLY_BY_MAIL, "mail.reply_by_mail", "true",                      \
      "Mail to agents (alerts, escalations) carries a per-ticket, per-agent "\
      "Reply-To; the agent's answer to it becomes their reply, or a note "   \
      "with #note (docs/agents.md)")                                         \
    X(MAIL_REPLY_LOCAL_PART, "mail.reply_local_part", "",                    \
      "Local part of reply addresses (LOCAL+tN.uN.MAC@DOMAIN); empty: that " \
      "of mail.from_address")                                                \
    X(MAIL_REPLY_DOMAIN, "mail.reply_domain", "",                            \
      "Domain of reply addresses; empty: that of mail.from_address")         \
    X(MAIL_LOOP_MARKER, "mail.loop_marker", "helpdesk",                      \
      "Value of our X-Loop header")                                          \
    X(MAIL_JAPANESE_CHARSET, "mail.japanese_charset", "utf-8",               \
      "Body charset of Japanese mail we send: utf-8, or iso-2022-jp for "    \
      "old clients (falls back to utf-8 when a character has no JIS form)")  \
    X(MAIL_DELIVER_BUSY_MS, "mail.deliver_busy_ms", "20000",                 \
      "deliver: wait this long for the database, then exit 75")              \
    X(MAIL_LMTP_SOCKET, "mail.lmtp_socket", "",                              \
      "LMTP socket of `helpdesk-mailgw lmtp`; deliver hands mail to it "     \
      "when it answers (empty: DIR/run/lmtp.sock; relative: under DIR)")     \
    X(MAIL_LMTP_LISTEN, "mail.lmtp_listen", "",                              \
      "Also serve LMTP on TCP, 127.x.x.x:PORT only (empty: off)")            \
    X(MAIL_LMTP_MAX_CONNECTIONS, "mail.lmtp_max_connections", "16",          \
      "LMTP connections at once")                                            \
    X(MAIL_LMTP_TIMEOUT_SECONDS, "mail.lmtp_timeout_seconds", "300",         \
      "LMTP: drop a connection idle this long")                              \
    /* ---- smtp (outbound) ---- */                                          \
    X(SMTP_HOST, "smtp.host", "127.0.0.1", "SMTP relay for outbound mail")   \
    X(SMTP_PORT, "smtp.port", "25", "SMTP port")                             \
    X(SMTP_TLS, "smtp.tls", "starttls", "none, starttls or tls")             \
    X(SMTP_CA_FILE, "smtp.ca_file", "", "CA bundle (empty: system bundle)")  \
    X(SMTP_VERIFY, "smtp.verify", "true",                                    \
      "Verify the server certificate and host name")                         \
    X(SMTP_USER, "smtp.user", "", "AUTH user (empty: no AUTH)")              \
    X(SMTP_PASSWORD_FILE, "smtp.password_file", "",                          \
      "File holding the AUTH password")                                      \
    X(SMTP_GIVE_UP_HOURS, "smtp.give_up_hours", "48",                        \
      "Stop retrying an outbound mail after")                                \
    X(SMTP_MAILDIR, "smtp.maildir", "",                                      \
      "Demo: write outbound mail into this Maildir instead of sending it")   \
    /* ---- fetch (IMAP/POP3) ---- */                                        \
    X(FETCH_URL, "fetch.url", "",                                            \
      "imaps://user@host:993/INBOX or pop3s://... (empty: off)")             \
    X(FETCH_PASSWORD_FILE, "fetch.password_file", "",                        \
      "File holding the mailbox password")                                   \
    X(FETCH_CA_FILE, "fetch.ca_file", "",                                    \
      "CA bundle for the mailbox server")                                    \
    X(FETCH_DONE_FOLDER, "fetch.done_folder", "",                            \
      "IMAP folder to move processed mail to")                               \
    X(FETCH_VERIFY, "fetch.verify", "true",                                  \
      "Verify the server certificate and host name (false: tests only)")     \
    X(FETCH_TLS_NAME, "fetch.tls_name", "",                                  \
      "Name the server certificate must carry (empty: the URL's host)")      \
    X(FETCH_POLL_SECONDS, "fetch.poll_seconds", "60",                        \
      "Wait between rounds when the server offers no IMAP IDLE, and for "    \
      "POP3")                                                                \
    X(FETCH_IDLE_MINUTES, "fetch.idle_minutes", "25",                        \
      "Renew IMAP IDLE after this long")                                     \
    /* ---- web ---- */                                                      \
    X(WEB_LISTEN, "web.listen", "127.0.0.1:8080",                            \
      "Address and port to listen on")                                       \
    X(WEB_THREADS, "web.threads", "4", "HTTP worker threads")                \
    X(WEB_TLS_CERT, "web.tls_cert", "",                                      \
      "PEM certificate chain (empty: plain HTTP)")                           \
    X(WEB_TLS_KEY, "web.tls_key", "", "PEM private key")                     \
    X(WEB_MAX_BODY_BYTES, "web.max_body_bytes", "1048576",                   \
      "Largest request body")                                                \
    X(WEB_RATE_LIMIT_PER_MINUTE, "web.rate_limit_per_minute", "600",         \
      "Requests per client IP per minute")                                   \
    X(WEB_TRUSTED_PROXY, "web.trusted_proxy", "",                            \
      "Proxy addresses (CIDR list) whose X-Forwarded-For/-Proto we trust")   \
    X(WEB_METRICS_ALLOW_IPS, "web.metrics_allow_ips", "127.0.0.0/8 ::1",     \
      "Client addresses (CIDR list) served /metrics without an admin "       \
      "token; empty: none")                                                  \
    X(WEB_MAX_CONNECTIONS, "web.max_connections", "1024",                    \
      "Open connections in total")                                           \
    X(WEB_PER_IP_CONNECTIONS, "web.per_ip_connections", "32",                \
      "Open connections per client IP")                                      \
    X(WEB_TIMEOUT_SECONDS, "web.timeout_seconds", "30",                      \
      "Idle connection timeout")                                             \
    X(WEB_HEAD_TIMEOUT_SECONDS, "web.head_timeout_seconds", "10",            \
      "Longest time to send a request's headers, however slowly")            \
    X(WEB_MIN_BODY_BYTES_PER_SECOND, "web.min_body_bytes_per_second",        \
      "1024",                                                                \
      "Slowest request body accepted once the head timeout has passed")      \
    X(API_RATE_LIMIT_PER_MINUTE, "api.rate_limit_per_minute", "600",         \
      "API requests per token per minute")                                   \
    X(OPS_MIN_FREE_DISK_MB, "ops.min_free_disk_mb", "100",                   \
      "/readyz fails below this much free disk")                             \
    X(OPS_HEARTBEAT_MAX_AGE_SECONDS, "ops.heartbeat_max_age_seconds", "120", \
      "/readyz fails when the worker's heartbeat is older")                  \
    /* ---- support channels ---- */                                         \
    X(SUPPORT_INCIDENT_ADDRESS, "support.incident_address",                  \
      "incident@example.com",                                                \
      "Address for incidents (24/7)")                                        \
    X(SUPPORT_GENERAL_ADDRESS, "support.general_address",                    \
      "support@example.com",                                                 \
      "Address for general questions (business hours)")                      \
    X(SUPPORT_DEFAULT_QUEUE, "support.default_queue", "support",             \
      "Queue for mail whose recipient matches no queue's address")           \
    X(SUPPORT_ONCALL_ADDRESSES, "support.oncall_addresses", "",              \
      "Who gets incident alerts at once, day or night (comma-separated)")    \
    X(SUPPORT_NOTIFY_DIGEST_SECONDS, "support.notify_digest_seconds",        \
      "120",                                                                 \
      "Agents' notification mail waits this long after the first one; "      \
      "what arrived meanwhile goes out as one digest (docs/agents.md)")      \
    X(CALENDAR_HOURS, "calendar.hours", "mon-fri 10:00-19:00",               \
      "Business hours")                                                      \
    X(CALENDAR_JP_HOLIDAYS, "calendar.jp_holidays", "true",                  \
      "Close on Japanese national holidays")                                 \
    X(CALENDAR_YEAR_END, "calendar.year_end", "12-29..01-03",                \
      "Year-end closure (empty: none)")                                      \
    /* ---- security ---- */                                                 \
    X(AUTH_LOCKOUT_FAILURES, "auth.lockout_failures", "5",                   \
      "Failed sign-ins before lockout")                                      \
    X(AUTH_LOCKOUT_WINDOW_MINUTES, "auth.lockout_window_minutes", "10",      \
      "Window for counting failures")                                        \
    X(AUTH_SESSION_IDLE_MINUTES, "auth.session_idle_minutes", "60",          \
      "Idle timeout of a session")                                           \
    X(AUTH_SESSION_MAX_HOURS, "auth.session_max_hours", "12",                \
      "Absolute session lifetime")                                           \
    X(AUTH_REQUIRE_2FA_ROLES, "auth.require_2fa_roles", "admin",             \
      "Roles that must use TOTP")                                            \
    X(AUTH_ALLOW_IPS_ADMIN, "auth.allow_ips.admin", "",                      \
      "Networks admins may sign in from (CIDR list; empty: any)")            \
    X(AUTH_ALLOW_IPS_AGENT, "auth.allow_ips.agent", "",                      \
      "Networks agents may sign in from (CIDR list; empty: any)")            \
    X(AUTH_ALLOW_IPS_VIEWER, "auth.allow_ips.viewer", "",                    \
      "Networks viewers may sign in from (CIDR list; empty: any)")           \
    /* ---- data safety ---- */                                              \
    X(BACKUP_DIR, "backup.dir", "",                                          \
      "Where backups go (empty: DIR.backups beside DIR)")                    \
    X(BACKUP_GENERATIONS, "backup.generations", "20",                        \
      "Backup generations kept")                                             \
    X(BACKUP_HOUR, "backup.hour", "3",                                       \
      "Hour of the daily backup (instance time zone)")                       \
    X(BACKUP_KEY_FILE, "backup.key_file", "",                                \
      "Backup key (empty: DIR.backup-key)")                                  \
    X(BLOB_ENCRYPT, "blob.encrypt", "true",                                  \
      "Encrypt new attachments and raw mail under the data key")             \
    X(BLOB_KEY_FILE, "blob.key_file", "",                                    \
      "Data key of attachments and raw mail (empty: DIR/data.key)")          \
    X(LOG_RETENTION_DAYS, "log.retention_days", "730",                       \
      "Audit and security log retention")                                    \
    X(SCAN_CLAMD_SOCKET, "scan.clamd_socket", "",                            \
      "clamd socket (empty: no scanning)")                                   \
    X(SCAN_SPAMD_SOCKET, "scan.spamd_socket", "",                            \
      "SpamAssassin spamd, path or host:port, asked about new mail (empty: " \
      "only the MTA's headers)")                                             \
    X(ATTACHMENTS_ORG_QUOTA_BYTES, "attachments.org_quota_bytes",            \
      "1073741824",                                                          \
      "Default attachment quota per organisation")                           \
    /* ---- report: the service checklist (helpdesk report checklist) ---- */\
    X(REPORT_AVAILABILITY_TARGET, "report.availability_target", "99.9",      \
      "Availability (percent) below which checklist row 13 is ng")          \
    X(REPORT_UNUSED_DAYS, "report.unused_days", "90",                        \
      "Checklist row 59: enabled accounts unused this many days are ng")     \
    X(REPORT_REVIEW_DAYS, "report.review_days", "180",                       \
      "Checklist row 59: the last account review (helpdesk user review) "    \
      "must be this recent")                                                 \
    X(REPORT_ROW1, "report.row1", "",                                        \
      "Checklist row 1, answered by the operator: Terms: confidentiality "   \
      "binds both sides equally (empty: unanswered)")                        \
    X(REPORT_ROW2, "report.row2", "",                                        \
      "Checklist row 2, answered by the operator: Terms: data-loss "         \
      "measures (empty: unanswered)")                                        \
    X(REPORT_ROW3, "report.row3", "",                                        \
      "Checklist row 3, answered by the operator: Terms: damages on data "   \
      "loss and outages (empty: unanswered)")                                \
    X(REPORT_ROW4, "report.row4", "",                                        \
      "Checklist row 4, answered by the operator: Terms: data return and "   \
      "complete erasure at contract end (empty: unanswered)")                \
    X(REPORT_ROW5, "report.row5", "",                                        \
      "Checklist row 5, answered by the operator: Terms: rules for service " \
      "changes (content, notice, channel) (empty: unanswered)")              \
    X(REPORT_ROW6, "report.row6", "",                                        \
      "Checklist row 6, answered by the operator: Terms: no unilateral "     \
      "termination by the provider (empty: unanswered)")                     \
    X(REPORT_ROW7, "report.row7", "",                                        \
      "Checklist row 7, answered by the operator: Terms: no penalty when "   \
      "the customer cancels (empty: unanswered)")                            \
    X(REPORT_ROW8, "report.row8", "",                                        \
      "Checklist row 8, answered by the operator: Terms: disclaimers "       \
      "(empty: unanswered)")                                                 \
    X(REPORT_ROW10, "report.row10", "",                                      \
      "Checklist row 10, answered by the operator: notice of maintenance "   \
      "(empty: not known)")                                                  \
    X(REPORT_ROW12, "report.row12", "",                                      \
      "Checklist row 12, answered by the operator: notice before the service ends "\
      "(empty: not known)")                                                  \
    X(REPORT_ROW17, "report.row17", "",                                      \
      "Checklist row 17, answered by the operator: Upgrade and patch "       \
      "policy (empty: unanswered)")                                          \
    X(REPORT_ROW18, "report.row18", "",                                      \
      "Checklist row 18, answered by the operator: Redundancy of servers, "  \
      "storage and network (empty: unanswered)")                             \
    X(REPORT_ROW34, "report.row34", "",                                      \
      "Checklist row 34, answered by the operator: erasure on every server " \
      "(empty: not known)")                                                  \
    X(REPORT_ROW36, "report.row36", "",                                      \
      "Checklist row 36, answered by the operator: Time source of every "    \
      "machine (e.g. chrony with NTP servers) (empty: unanswered)")          \
    X(REPORT_ROW43, "report.row43", "",                                      \
      "Checklist row 43, answered by the operator: separated environments "  \
      "(empty: not known)")                                                  \
    X(REPORT_ROW44, "report.row44", "",                                      \
      "Checklist row 44, answered by the operator: Data handling "           \
      "environment of the provider (empty: unanswered)")                     \
    X(REPORT_ROW54, "report.row54", "",                                      \
      "Checklist row 54, answered by the operator: Laws of the data "        \
      "location and their constraints (empty: unanswered)")                  \
    X(REPORT_ROW55, "report.row55", "",                                      \
      "Checklist row 55, answered by the operator: Physical and "            \
      "environmental security of the premises (empty: unanswered)")          \
    X(REPORT_ROW65, "report.row65", "",                                      \
      "Checklist row 65, answered by the operator: secure development process "\
      "(empty: not known)")                                                  \
    /* end of HD_CONFIG_KEYS */

#endif
