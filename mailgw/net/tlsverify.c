/* tlsverify.c - OpenSSL verification of the chain a libetpan TLS stream
 * received (see tlsverify.h).  Owns nothing else: connecting and
 * protocol work stay with the callers. */
#include "tlsverify.h"

#include <arpa/inet.h>
#include <libetpan/libetpan.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

/* A server chain longer than this is refused rather than walked. */
#define MG_TLS_CHAIN_MAX 16

static bool is_ip_literal(const char *name)
{
    unsigned char addr[16];
    return inet_pton(AF_INET, name, addr) == 1 ||
           inet_pton(AF_INET6, name, addr) == 1;
}

void mg_tls_sni_callback(struct mailstream_ssl_context *ctx, void *host)
{
    const char *name = host;
    if (name != NULL && *name != '\0' && !is_ip_literal(name))
        mailstream_ssl_set_server_name(ctx, (char *)name);
}

/* DER certificates from libetpan into a leaf and the untrusted rest. */
static int decode_chain(carray *chain, X509 **leaf_r,
                        STACK_OF(X509) * *rest_r, struct hd_error *err)
{
    unsigned n = carray_count(chain);
    if (n == 0 || n > MG_TLS_CHAIN_MAX) {
        hd_error_set(err, HD_E_PERM,
                     "server sent %u certificates (expected 1..%d)", n,
                     MG_TLS_CHAIN_MAX);
        return -1;
    }
    STACK_OF(X509) *rest = sk_X509_new_null();
    hd_assert(rest != NULL);
    for (unsigned i = 0; i < n; i++) {
        MMAPString *der = carray_get(chain, i);
        const unsigned char *p = (const unsigned char *)der->str;
        X509 *x = d2i_X509(NULL, &p, (long)der->len);
        if (x == NULL) {
            hd_error_set(err, HD_E_PERM, "certificate %u does not decode",
                         i);
            sk_X509_pop_free(rest, X509_free);
            if (i > 0)
                X509_free(*leaf_r);
            return -1;
        }
        if (i == 0)
            *leaf_r = x;
        else
            sk_X509_push(rest, x);
    }
    *rest_r = rest;
    return 0;
}

static X509_STORE *trust_store(const char *ca_file, struct hd_error *err)
{
    X509_STORE *store = X509_STORE_new();
    hd_assert(store != NULL);
    int ok = ca_file != NULL && *ca_file != '\0'
                 ? X509_STORE_load_file(store, ca_file)
                 : X509_STORE_set_default_paths(store);
    if (ok != 1) {
        hd_error_set(err, HD_E_CONFIG, "cannot load CA bundle %s",
                     ca_file && *ca_file ? ca_file : "(system)");
        X509_STORE_free(store);
        ERR_clear_error();
        return NULL;
    }
    return store;
}

static int verify_leaf(X509_STORE *store, X509 *leaf, STACK_OF(X509) * rest,
                       const char *name, struct hd_error *err)
{
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    hd_assert(ctx != NULL);
    int rc = -1;
    if (X509_STORE_CTX_init(ctx, store, leaf, rest) != 1) {
        hd_error_set(err, HD_E_INTERNAL, "X509_STORE_CTX_init failed");
        goto out;
    }
    X509_VERIFY_PARAM *vp = X509_STORE_CTX_get0_param(ctx);
    X509_VERIFY_PARAM_set_purpose(vp, X509_PURPOSE_SSL_SERVER);
    int set = is_ip_literal(name) ? X509_VERIFY_PARAM_set1_ip_asc(vp, name)
                                  : X509_VERIFY_PARAM_set1_host(vp, name, 0);
    if (set != 1) {
        hd_error_set(err, HD_E_CONFIG, "bad host name for TLS check");
        goto out;
    }
    if (X509_verify_cert(ctx) != 1) {
        int e = X509_STORE_CTX_get_error(ctx);
        hd_error_set(err, HD_E_PERM, "server certificate refused for %s: %s",
                     name, X509_verify_cert_error_string(e));
        goto out;
    }
    rc = 0;
out:
    X509_STORE_CTX_free(ctx);
    ERR_clear_error();
    return rc;
}

int mg_tls_verify(struct _mailstream *s, const char *name,
                  const char *ca_file, struct hd_error *err)
{
    carray *chain = mailstream_get_certificate_chain(s);
    if (chain == NULL) {
        hd_error_set(err, HD_E_PERM, "no TLS certificate from the server");
        return -1;
    }
    X509 *leaf = NULL;
    STACK_OF(X509) *rest = NULL;
    X509_STORE *store = NULL;
    int rc = decode_chain(chain, &leaf, &rest, err);
    mailstream_certificate_chain_free(chain);
    if (rc < 0)
        return -1;
    rc = -1;
    store = trust_store(ca_file, err);
    if (store != NULL)
        rc = verify_leaf(store, leaf, rest, name, err);
    X509_STORE_free(store);
    X509_free(leaf);
    sk_X509_pop_free(rest, X509_free);
    return rc;
}
