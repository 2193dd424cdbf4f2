/* cidr.c - allow-list parsing and matching; see cidr.h.  inet_pton does
 * the address syntax (it is strict: no "1.2.3", no octal, no zone ids),
 * this file only adds prefixes, lists and the IPv4-mapped view. */
#include "cidr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

static const uint8_t v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

static void to_mapped(const uint8_t v4[4], uint8_t out[16])
{
    memcpy(out, v4_mapped, 12);
    memcpy(out + 12, v4, 4);
}

/* Clears the bits after the prefix. */
static void mask(uint8_t addr[16], int prefix)
{
    for (int i = 0; i < 16; i++) {
        int keep = prefix - 8 * i;
        if (keep >= 8)
            continue;
        addr[i] &= keep <= 0 ? 0 : (uint8_t)(0xff << (8 - keep));
    }
}

/* "0".."128" without sign, spaces or leading zeros; -1 otherwise. */
static int parse_prefix(const char *s)
{
    int v = 0;
    size_t n = strlen(s);
    if (n == 0 || n > 3 || (n > 1 && s[0] == '0'))
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int hd_cidr_parse(const char *s, struct hd_cidr *r, struct hd_error *err)
{
    char addr[HD_CIDR_TEXT_MAX];
    uint8_t v4[4];
    size_t n = strlen(s);
    if (n == 0 || n >= sizeof addr) {
        hd_error_set(err, HD_E_PARSE, "network '%.*s' is empty or too long",
                     HD_CIDR_TEXT_MAX, s);
        return -1;
    }
    memcpy(addr, s, n + 1);
    char *slash = strchr(addr, '/');
    if (slash != NULL)
        *slash = '\0';
    bool is_v4 = inet_pton(AF_INET, addr, v4) == 1;
    if (is_v4)
        to_mapped(v4, r->addr);
    else if (inet_pton(AF_INET6, addr, r->addr) != 1) {
        hd_error_set(err, HD_E_PARSE, "'%s' is not an IPv4 or IPv6 address",
                     addr);
        return -1;
    }
    int max = is_v4 ? 32 : 128, prefix = max;
    if (slash != NULL && (prefix = parse_prefix(slash + 1)) < 0) {
        hd_error_set(err, HD_E_PARSE, "bad prefix '/%s' in '%s'", slash + 1,
                     s);
        return -1;
    }
    if (prefix > max) {
        hd_error_set(err, HD_E_PARSE, "prefix /%d in '%s' is longer than "
                     "%d bits", prefix, s, max);
        return -1;
    }
    r->prefix = (uint8_t)(is_v4 ? prefix + 96 : prefix);
    mask(r->addr, r->prefix);
    return 0;
}

int hd_cidr_list_parse(const char *s, struct hd_cidr_list *list,
                       struct hd_error *err)
{
    static const char seps[] = ", \t\r\n";
    list->n = 0;
    for (const char *p = s + strspn(s, seps); *p; p += strspn(p, seps)) {
        size_t len = strcspn(p, seps);
        char one[HD_CIDR_TEXT_MAX];
        if (list->n == HD_CIDR_LIST_MAX) {
            hd_error_set(err, HD_E_TOOBIG, "more than %d networks in one "
                         "list", HD_CIDR_LIST_MAX);
            return -1;
        }
        if (len >= sizeof one) {
            hd_error_set(err, HD_E_PARSE, "network '%.20s...' is too long",
                         p);
            return -1;
        }
        memcpy(one, p, len);
        one[len] = '\0';
        if (hd_cidr_parse(one, &list->items[list->n], err) < 0)
            return -1;
        list->n++;
        p += len;
    }
    return 0;
}

static bool in_network(const struct hd_cidr *c, const uint8_t addr[16])
{
    uint8_t a[16];
    memcpy(a, addr, 16);
    mask(a, c->prefix);
    return memcmp(a, c->addr, 16) == 0;
}

bool hd_cidr_match_raw(const struct hd_cidr_list *list, int af,
                       const void *addr)
{
    uint8_t a[16];
    if (list->n == 0)
        return true;
    if (af == AF_INET)
        to_mapped(addr, a);
    else if (af == AF_INET6)
        memcpy(a, addr, 16);
    else
        return false;
    for (size_t i = 0; i < list->n; i++)
        if (in_network(&list->items[i], a))
            return true;
    return false;
}

bool hd_cidr_match(const struct hd_cidr_list *list, const char *ip)
{
    uint8_t a[16];
    if (list->n == 0)
        return true;
    if (inet_pton(AF_INET, ip, a) == 1)
        return hd_cidr_match_raw(list, AF_INET, a);
    if (inet_pton(AF_INET6, ip, a) == 1)
        return hd_cidr_match_raw(list, AF_INET6, a);
    return false;
}

void hd_cidr_format(const struct hd_cidr *c, char out[HD_CIDR_STR_SIZE])
{
    char text[INET6_ADDRSTRLEN];
    bool v4 = c->prefix >= 96 && memcmp(c->addr, v4_mapped, 12) == 0;
    hd_assert(inet_ntop(v4 ? AF_INET : AF_INET6, v4 ? c->addr + 12 : c->addr,
                        text, sizeof text) != NULL);
    snprintf(out, HD_CIDR_STR_SIZE, "%s/%d", text,
             v4 ? c->prefix - 96 : c->prefix);
}
