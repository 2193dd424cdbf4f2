/* cidr.h - IP allow-lists: "10.0.0.0/8, 192.168.1.5 2001:db8::/32 ::1".
 *
 * Every network is kept as IPv6; IPv4 networks become IPv4-mapped ones
 * (::ffff:a.b.c.d, prefix + 96), so "1.2.3.0/24" matches both 1.2.3.4 and
 * ::ffff:1.2.3.4, as a dual-stack socket reports IPv4 peers.  A
 * consequence: "::/0" matches IPv4 addresses too.  Host bits under the
 * prefix are cleared ("10.1.2.3/8" means 10.0.0.0/8).
 *
 * An EMPTY list allows every address: an unset allow-list means "no
 * restriction", not "lock everybody out". */
#ifndef HD_CIDR_H
#define HD_CIDR_H

#include "hd.h"

#define HD_CIDR_LIST_MAX 128 /* networks in one list */
#define HD_CIDR_TEXT_MAX 64  /* one written network, with prefix */
#define HD_CIDR_STR_SIZE 64  /* hd_cidr_format output */

struct hd_cidr {
    uint8_t addr[16]; /* network address, host bits zero */
    uint8_t prefix;   /* 0..128, over the IPv6 (or mapped) address */
};

struct hd_cidr_list {
    size_t n;
    struct hd_cidr items[HD_CIDR_LIST_MAX];
};

/* Parses one network: an address (IPv4 dotted quad or IPv6 as inet_pton
 * takes it) with an optional "/prefix" (0..32 or 0..128).  Zone ids
 * ("%eth0") and brackets are refused.  -1 with HD_E_PARSE says what and
 * where. */
HD_NODISCARD int hd_cidr_parse(const char *s, struct hd_cidr *r,
                               struct hd_error *err);
/* Parses a list separated by commas and/or white space into *list
 * (overwritten).  An empty or blank string gives an empty list. */
HD_NODISCARD int hd_cidr_list_parse(const char *s, struct hd_cidr_list *list,
                                    struct hd_error *err);
/* True if ip (text) is inside any network of the list, or the list is
 * empty.  An unparseable ip matches nothing (unless the list is empty). */
bool hd_cidr_match(const struct hd_cidr_list *list, const char *ip);
/* Same for a binary address: af is AF_INET (4 bytes) or AF_INET6 (16). */
bool hd_cidr_match_raw(const struct hd_cidr_list *list, int af,
                       const void *addr);
/* Writes the network as "10.0.0.0/8" or "2001:db8::/32". */
void hd_cidr_format(const struct hd_cidr *c, char out[HD_CIDR_STR_SIZE]);

#endif
