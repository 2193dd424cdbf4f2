/* dburl.h - a PostgreSQL URL as it may be shown (reports, logs): scheme,
 * user, hosts with ports and database, never the password nor the query
 * parameters (which may carry one: ?password=...). */
#ifndef HD_DBURL_H
#define HD_DBURL_H

#include <stddef.h>

/* Writes the shown form of url into out (always NUL-terminated, cut to
 * n - 1 bytes): "postgresql://hd:pw@a:5432,b:5432/desk?sslmode=require"
 * -> "postgresql://hd@a:5432,b:5432/desk".  Whatever precedes the last
 * '@' before the query counts as user and password, so an unencoded '/'
 * or '@' in a password cannot make part of it appear. */
void hd_dburl_public(const char *url, char *out, size_t n);

#endif
