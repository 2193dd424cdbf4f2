/* scan.h - virus scanning through a running clamd (zINSTREAM).
 *
 * The address is a UNIX socket path ("/run/clamav/clamd.ctl") or
 * "host:port" for TCP.  Each call opens its own connection, so calls may
 * run in parallel.  A clamd that cannot be reached is a temporary error:
 * the caller keeps the message and retries, it never treats it as clean. */
#ifndef HD_SCAN_H
#define HD_SCAN_H

#include "hd.h"

#define HD_SCAN_CHUNK (64u * 1024)       /* bytes per INSTREAM chunk */
#define HD_SCAN_TIMEOUT_MS 30000         /* per send/receive */
#define HD_SCAN_REPLY_MAX 1024           /* longest reply we read */
#define HD_SCAN_ADDR_MAX 108             /* sun_path size */

enum hd_scan_result {
    HD_SCAN_CLEAN = 0,
    HD_SCAN_INFECTED,
    HD_SCAN_ERROR, /* clamd answered with an error (e.g. size limit) */
};

/* Scans len bytes.  Returns 0 with *r set: CLEAN; INFECTED with the
 * signature name copied to virus_name (NUL-terminated, truncated to
 * vn_len); ERROR with clamd's message in err->msg (code HD_E_TOOBIG when
 * clamd's StreamMaxLength was exceeded, else HD_E_INTERNAL).  Returns -1
 * when clamd cannot be reached or stops answering (HD_E_TEMP) or the
 * address is malformed (HD_E_CONFIG). */
HD_NODISCARD int hd_scan_buffer(const char *socket, const void *data,
                                size_t len, char *virus_name, size_t vn_len,
                                enum hd_scan_result *r, struct hd_error *err);

/* A connected socket to addr (a path, or "host:port") with send and
 * receive timeouts of timeout_ms, or -1: HD_E_TEMP when it cannot be
 * reached, HD_E_CONFIG when addr is malformed; 'what' names the server
 * in the message ("clamd", "spamd").  The caller closes it. */
HD_NODISCARD int hd_scan_connect(const char *addr, const char *what,
                                 int timeout_ms, struct hd_error *err);

/* Sends all n bytes on a connected socket (no SIGPIPE); 0, or -1. */
HD_NODISCARD int hd_scan_send_all(int fd, const void *p, size_t n);

/* zPING: returns 0 when clamd answers PONG, else -1 (HD_E_TEMP). */
HD_NODISCARD int hd_scan_ping(const char *socket, struct hd_error *err);

#endif
